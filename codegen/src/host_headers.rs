//! Our own `ap_int.h`, `ap_fixed.h`, `hls_stream.h` and `ap_axi_sdata.h` (`codegen/cpp/host/`): what
//! the C simulation compiles against on a machine without Xilinx tools. They go into the project's
//! host-only `host_include/` folder, which only the C-simulation build puts on its include path —
//! never beside the firmware, where Vivado HLS would pick them over its own.

use crate::files::Files;

/// The folder of the generated project that holds the host headers.
pub const FOLDER: &str = "host_include";

const HEADERS: &[(&str, &str)] = &[
    ("ap_common.h", include_str!("../cpp/host/ap_common.h")),
    ("ap_int.h", include_str!("../cpp/host/ap_int.h")),
    ("ap_fixed.h", include_str!("../cpp/host/ap_fixed.h")),
    ("hls_stream.h", include_str!("../cpp/host/hls_stream.h")),
    ("ap_axi_sdata.h", include_str!("../cpp/host/ap_axi_sdata.h")),
];

/// The host headers, by file name.
pub fn files() -> Files {
    let mut f = Files::new();
    for (name, text) in HEADERS {
        f.add(*name, *text);
    }
    f
}
