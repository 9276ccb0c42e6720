//! The virtual board: an AXI DMA with PG021's register behaviour, a simulated DDR, and an IP between
//! the DMA's MM2S and S2MM channels, as a [`crate::zynq::Platform`].
