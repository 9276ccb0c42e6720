/* Instantiates every function of the generated header, so the strictest flags see all of it. Never run. */
#include "jet_tagger_driver.h"

static float x[4 * JET_TAGGER_N_IN], y[4 * JET_TAGGER_N_OUT];
static jet_tagger_in_word in[4 * JET_TAGGER_N_IN];
static jet_tagger_out_word out[4 * JET_TAGGER_N_OUT];

int main(int argc, char **argv)
{
    int rc = 0;
    (void)argv;
    if (argc > 1000) {
        in[0] = jet_tagger_encode_in(1.5);
        out[0] = jet_tagger_encode_out(jet_tagger_decode_in(in[0]));
        out[1] = jet_tagger_out_word_from_bits(jet_tagger_out_word_bits(out[0]) + jet_tagger_in_word_bits(in[0]));
        in[1] = jet_tagger_in_word_from_bits(0);
        y[0] = (float)jet_tagger_decode_out(out[1]);
#ifdef JET_TAGGER_DMA_MM2S_DMACR
        {
            jet_tagger_dma dma;
            rc = jet_tagger_dma_init(&dma, 0x40400000u);
            rc |= jet_tagger_dma_run(&dma, in, out, 4);
            rc |= jet_tagger_predict(&dma, x, y, 4, in, out);
        }
#else
        {
            jet_tagger_ip ip;
            rc = jet_tagger_ip_init(&ip, 0x43c00000u);
            rc |= jet_tagger_run(&ip, in, out, 4);
            rc |= jet_tagger_predict(&ip, x, y, 4, in, out);
        }
#endif
        rc = jet_tagger_strerror(rc)[0];
    }
    return rc;
}
