
/* ---------------------------------------------------------------------------------------------
 * Hooks: define any of these before including this header to fit it to your system.
 * ------------------------------------------------------------------------------------------- */

/** Writes a 32-bit device register: the only kind of access this driver makes to the hardware. */
#ifndef HLS4ML_P_REG_WRITE
#define HLS4ML_P_REG_WRITE(base, offset, value) \
    (*(volatile uint32_t *)((uintptr_t)(base) + (uintptr_t)(offset)) = (uint32_t)(value))
#endif

/** Reads a 32-bit device register. */
#ifndef HLS4ML_P_REG_READ
#define HLS4ML_P_REG_READ(base, offset) (*(volatile const uint32_t *)((uintptr_t)(base) + (uintptr_t)(offset)))
#endif

/*
 * Cache maintenance around the accelerator's accesses to memory. HLS4ML_P_CACHE_FLUSH(addr, bytes)
 * writes the processor's cached data of a buffer back to memory before the PL reads it;
 * HLS4ML_P_CACHE_INVALIDATE(addr, bytes) drops the cached copy of a buffer the PL wrote. By default
 * they do nothing (uncached or cache-coherent buffers). Under Xilinx standalone, define
 * HLS4ML_P_XIL_CACHE to use xil_cache.h (buffers then must start and end on cache lines: 32 bytes on
 * the Cortex-A9, 64 on the Cortex-A53).
 */
#ifdef HLS4ML_P_XIL_CACHE
#include "xil_cache.h"
#ifndef HLS4ML_P_CACHE_FLUSH
#define HLS4ML_P_CACHE_FLUSH(addr, bytes) Xil_DCacheFlushRange((INTPTR)(addr), (INTPTR)(bytes))
#endif
#ifndef HLS4ML_P_CACHE_INVALIDATE
#define HLS4ML_P_CACHE_INVALIDATE(addr, bytes) Xil_DCacheInvalidateRange((INTPTR)(addr), (INTPTR)(bytes))
#endif
#endif
#ifndef HLS4ML_P_CACHE_FLUSH
#define HLS4ML_P_CACHE_FLUSH(addr, bytes) ((void)(addr), (void)(bytes))
#endif
#ifndef HLS4ML_P_CACHE_INVALIDATE
#define HLS4ML_P_CACHE_INVALIDATE(addr, bytes) ((void)(addr), (void)(bytes))
#endif

/** The physical (bus) address of a buffer: the pointer itself by default (standalone's flat map). */
#ifndef HLS4ML_P_PHYS_ADDR
#define HLS4ML_P_PHYS_ADDR(ptr) ((uint64_t)(uintptr_t)(ptr))
#endif

/** How many times a status register is read before a wait gives up (the driver's timeout). */
#ifndef HLS4ML_P_POLL_LIMIT
#define HLS4ML_P_POLL_LIMIT 100000000u
#endif

/** The low `width` bits of `bits`, read as a two's-complement integer (portably, with no
 * implementation-defined conversion). */
static inline int64_t hls4ml_p_signed(uint64_t bits, unsigned width)
{
    const uint64_t mask = width >= 64 ? ~(uint64_t)0 : (((uint64_t)1 << width) - 1);
    bits &= mask;
    if (width < 64 && (bits >> (width - 1)) & 1) {
        bits |= ~mask;
    }
    /* A negative value is -(~bits) - 1, with ~bits <= INT64_MAX. */
    return (bits >> 63) ? -(int64_t)(~bits) - 1 : (int64_t)bits;
}
