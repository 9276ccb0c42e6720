/*
 * A stand-in for XRT's libxrt_coreutil.so.2 with one card and one kernel, for the Alveo backend's
 * tests (runtime/tests/alveo.rs). It implements the C functions the backend calls with the
 * signatures and return conventions of XRT's xrt_device.h, xrt_bo.h and xrt_kernel.h, and checks
 * how they are used:
 *
 *  - the card's memory is separate from the host's mapping of a buffer, so data moves only with
 *    xrtBOSync (a missing or short sync gives wrong outputs);
 *  - kernel arguments 0 and 1 live in memory groups 3 and 5: a run whose buffers were allocated
 *    in other groups ends in ERT_CMD_STATE_ERROR;
 *  - the kernel FAKE_XRT_KERNEL (default "jet_tagger_axi") reads n samples of FAKE_XRT_N_IN
 *    32-bit words from argument 0 and writes n samples of FAKE_XRT_N_OUT words to argument 1:
 *    out[s][j] = (sum of in[s][*]) * (j + 1) + s, modulo 2^32;
 *  - FAKE_XRT_FAIL=<function> makes that function fail (-EIO, or NULL with errno EIO; for
 *    xrtRunWaitFor, ERT_CMD_STATE_ABORT);
 *    FAKE_XRT_HANG=1 makes runs never finish (xrtRunWaitFor returns ERT_CMD_STATE_RUNNING);
 *  - every call is logged, one line each, to the file FAKE_XRT_LOG when it is set, and the
 *    number of objects still open is logged when the device is closed.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXPORT __attribute__((visibility("default")))

enum { STATE_COMPLETED = 4, STATE_ERROR = 5, STATE_RUNNING = 3, STATE_NEW = 1 };
enum { GROUP_IN = 3, GROUP_OUT = 5 };

static const unsigned char UUID[16] = {0x68, 0x6c, 0x73, 0x34, 0x6d, 0x6c, 0x2d, 0x66,
                                       0x61, 0x6b, 0x65, 0x2d, 0x78, 0x72, 0x74, 0x00};

struct device { int loaded; };
struct kernel { struct device* device; };
struct bo { size_t size; uint32_t group; unsigned char* host; unsigned char* card; };
struct run { struct kernel* kernel; struct bo* in; struct bo* out; unsigned n; int state; };

static int open_objects;

static void note(const char* format, ...) {
    const char* path = getenv("FAKE_XRT_LOG");
    if (!path) return;
    FILE* log = fopen(path, "a");
    if (!log) return;
    va_list args;
    va_start(args, format);
    vfprintf(log, format, args);
    va_end(args);
    fputc('\n', log);
    fclose(log);
}

static int failing(const char* function) {
    const char* f = getenv("FAKE_XRT_FAIL");
    return f && strcmp(f, function) == 0;
}

static unsigned env_count(const char* name, unsigned fallback) {
    const char* v = getenv(name);
    return v ? (unsigned)strtoul(v, NULL, 10) : fallback;
}

EXPORT void* xrtDeviceOpen(unsigned int index) {
    note("xrtDeviceOpen %u", index);
    if (index != 0 || failing("xrtDeviceOpen")) {
        errno = ENODEV;
        return NULL;
    }
    open_objects++;
    return calloc(1, sizeof(struct device));
}

EXPORT int xrtDeviceClose(void* handle) {
    open_objects--;
    note("xrtDeviceClose; objects still open: %d", open_objects);
    free(handle);
    return 0;
}

EXPORT int xrtDeviceLoadXclbinFile(void* handle, const char* path) {
    note("xrtDeviceLoadXclbinFile %s", path);
    if (failing("xrtDeviceLoadXclbinFile")) return -EIO;
    FILE* f = fopen(path, "rb");
    if (!f) return -errno;
    char magic[8] = {0};
    size_t got = fread(magic, 1, sizeof magic, f);
    fclose(f);
    if (got != sizeof magic || memcmp(magic, "xclbin2", 8) != 0) return -EINVAL;
    ((struct device*)handle)->loaded = 1;
    return 0;
}

EXPORT int xrtDeviceGetXclbinUUID(void* handle, unsigned char* out) {
    note("xrtDeviceGetXclbinUUID");
    if (!((struct device*)handle)->loaded) return -EINVAL;
    memcpy(out, UUID, sizeof UUID);
    return 0;
}

EXPORT void* xrtPLKernelOpen(void* device, const unsigned char* uuid, const char* name) {
    const char* want = getenv("FAKE_XRT_KERNEL") ? getenv("FAKE_XRT_KERNEL") : "jet_tagger_axi";
    note("xrtPLKernelOpen %s", name);
    if (memcmp(uuid, UUID, sizeof UUID) != 0 || strcmp(name, want) != 0) {
        errno = EINVAL;
        return NULL;
    }
    struct kernel* k = calloc(1, sizeof *k);
    k->device = device;
    open_objects++;
    return k;
}

EXPORT int xrtKernelClose(void* handle) {
    note("xrtKernelClose");
    open_objects--;
    free(handle);
    return 0;
}

EXPORT int xrtKernelArgGroupId(void* handle, int argno) {
    (void)handle;
    note("xrtKernelArgGroupId %d", argno);
    if (failing("xrtKernelArgGroupId")) return -EIO;
    return argno == 0 ? GROUP_IN : argno == 1 ? GROUP_OUT : -EINVAL;
}

EXPORT void* xrtBOAlloc(void* device, size_t size, uint64_t flags, uint32_t group) {
    (void)device;
    note("xrtBOAlloc %zu flags %llu group %u", size, (unsigned long long)flags, group);
    if (size == 0 || failing("xrtBOAlloc")) {
        errno = size == 0 ? EINVAL : EIO;
        return NULL;
    }
    struct bo* b = calloc(1, sizeof *b);
    b->size = size;
    b->group = group;
    b->host = malloc(size);
    b->card = malloc(size);
    memset(b->host, 0xa5, size);
    memset(b->card, 0x5a, size);
    open_objects++;
    return b;
}

EXPORT int xrtBOFree(void* handle) {
    struct bo* b = handle;
    note("xrtBOFree %zu", b->size);
    free(b->host);
    free(b->card);
    free(b);
    open_objects--;
    return 0;
}

EXPORT void* xrtBOMap(void* handle) {
    note("xrtBOMap");
    if (failing("xrtBOMap")) {
        errno = EIO;
        return NULL;
    }
    return ((struct bo*)handle)->host;
}

EXPORT int xrtBOSync(void* handle, int direction, size_t size, size_t offset) {
    struct bo* b = handle;
    note("xrtBOSync %s %zu at %zu", direction == 0 ? "to-device" : "from-device", size, offset);
    if (failing("xrtBOSync")) return -EIO;
    if (offset > b->size || size > b->size - offset) return -EINVAL;
    if (direction == 0)
        memcpy(b->card + offset, b->host + offset, size);
    else if (direction == 1)
        memcpy(b->host + offset, b->card + offset, size);
    else
        return -EINVAL;
    return 0;
}

EXPORT void* xrtRunOpen(void* kernel) {
    note("xrtRunOpen");
    struct run* r = calloc(1, sizeof *r);
    r->kernel = kernel;
    r->state = STATE_NEW;
    open_objects++;
    return r;
}

EXPORT int xrtRunSetArg(void* handle, int index, ...) {
    struct run* r = handle;
    va_list args;
    va_start(args, index);
    int rc = 0;
    if (index == 0)
        r->in = va_arg(args, void*);
    else if (index == 1)
        r->out = va_arg(args, void*);
    else if (index == 2)
        r->n = va_arg(args, unsigned int);
    else
        rc = -1;
    va_end(args);
    note("xrtRunSetArg %d", index);
    if (rc) errno = EINVAL;
    return rc;
}

EXPORT int xrtRunStart(void* handle) {
    struct run* r = handle;
    unsigned n_in = env_count("FAKE_XRT_N_IN", 16), n_out = env_count("FAKE_XRT_N_OUT", 5);
    note("xrtRunStart n %u", r->n);
    if (failing("xrtRunStart")) return -EIO;
    if (!r->in || !r->out || r->in->group != GROUP_IN || r->out->group != GROUP_OUT ||
        (size_t)r->n * n_in * 4 > r->in->size || (size_t)r->n * n_out * 4 > r->out->size) {
        r->state = STATE_ERROR;
        return 0;
    }
    for (unsigned s = 0; s < r->n; s++) {
        uint32_t sum = 0;
        for (unsigned i = 0; i < n_in; i++) {
            uint32_t w;
            memcpy(&w, r->in->card + ((size_t)s * n_in + i) * 4, 4);
            sum += w;
        }
        for (unsigned j = 0; j < n_out; j++) {
            uint32_t w = sum * (j + 1) + s;
            memcpy(r->out->card + ((size_t)s * n_out + j) * 4, &w, 4);
        }
    }
    r->state = getenv("FAKE_XRT_HANG") ? STATE_RUNNING : STATE_COMPLETED;
    return 0;
}

EXPORT int xrtRunWaitFor(void* handle, unsigned int timeout_ms) {
    note("xrtRunWaitFor %u", timeout_ms);
    if (failing("xrtRunWaitFor")) return 6; /* ERT_CMD_STATE_ABORT */
    return ((struct run*)handle)->state;
}

EXPORT int xrtRunState(void* handle) {
    note("xrtRunState");
    return ((struct run*)handle)->state;
}

EXPORT int xrtRunClose(void* handle) {
    note("xrtRunClose");
    free(handle);
    open_objects--;
    return 0;
}
