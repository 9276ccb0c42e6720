/*
 * The generated DMA driver with its default register access (volatile 32-bit reads and writes)
 * pointed at plain memory: the reset bit never clears (a distinct error code), and a transfer
 * leaves PG021's register values (addresses, MSBs, lengths in bytes, RS) in the array.
 * Compile with -DJET_TAGGER_POLL_LIMIT=1000.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "jet_tagger_driver.h"

static uint32_t regs[0x60 / 4];
static jet_tagger_in_word in[3 * JET_TAGGER_N_IN];
static jet_tagger_out_word out[3 * JET_TAGGER_N_OUT];

int main(void)
{
    jet_tagger_dma dma;
    const uint64_t src = (uint64_t)(uintptr_t)in, dst = (uint64_t)(uintptr_t)out;
    int rc, failures = 0;
    rc = jet_tagger_dma_init(&dma, (uintptr_t)regs);
    if (rc != JET_TAGGER_ERR_RESET_TIMEOUT || regs[0] != JET_TAGGER_DMACR_RESET || dma.poll_limit != 1000) {
        printf("FAIL: init on plain memory returned %d (MM2S_DMACR 0x%x)\n", rc, regs[0]);
        failures++;
    }
    /* Plain memory: the status reads back what the driver wrote last (the IOC clear), which says done. */
    rc = jet_tagger_dma_run(&dma, in, out, 3);
    if (rc != JET_TAGGER_OK) {
        printf("FAIL: run on plain memory: %s\n", jet_tagger_strerror(rc));
        failures++;
    }
    if (regs[0x18 / 4] != (uint32_t)src || regs[0x1C / 4] != (uint32_t)(src >> 32) ||
        regs[0x48 / 4] != (uint32_t)dst || regs[0x4C / 4] != (uint32_t)(dst >> 32) ||
        regs[0x28 / 4] != 3 * JET_TAGGER_IN_SAMPLE_BYTES || regs[0x58 / 4] != 3 * JET_TAGGER_OUT_SAMPLE_BYTES ||
        regs[0x00 / 4] != JET_TAGGER_DMACR_RS || regs[0x30 / 4] != JET_TAGGER_DMACR_RS) {
        printf("FAIL: registers after a transfer: SA 0x%x/0x%x DA 0x%x/0x%x lengths %u/%u CR 0x%x/0x%x\n", regs[6],
               regs[7], regs[0x48 / 4], regs[0x4C / 4], regs[0x28 / 4], regs[0x58 / 4], regs[0], regs[0x30 / 4]);
        failures++;
    }
    if (failures) {
        return 1;
    }
    printf("ok: volatile accesses on plain memory: reset timeout, then SA/DA with MSB, lengths in bytes, RS\n");
    printf("all checks passed\n");
    return 0;
}
