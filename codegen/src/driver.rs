//! The Rust tokens of the typed module `accelerator!` expands to: the model's input and output
//! types as plain arrays of its exact shapes (so a wrong shape does not compile), its description
//! for the runtime, the model itself for the emulator, and the typed driver struct.

use crate::accel::bus::Bus;
use crate::accel::Accel;
use crate::config::{BusType, Family, Interface};
use crate::Project;
use hls4ml_runtime::fixed::{FixedType, Overflow, Quantization};
use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::quote;

/// The array type of one sample of `shape` with elements `elem`, outermost dimension first:
/// `[16]` → `[f32; 16]`, `[8, 8, 1]` → `[[[f32; 1]; 8]; 8]`.
fn array_type(elem: &TokenStream, shape: &[usize]) -> TokenStream {
    shape.iter().rev().fold(elem.clone(), |inner, &n| quote!([#inner; #n]))
}

/// The Rust type of one bus value: `f32`, `f64`, or the runtime's `ApFixed` of the bus type.
fn element(bus: &BusType) -> Result<TokenStream, String> {
    Ok(match bus {
        BusType::Float => quote!(f32),
        BusType::Double => quote!(f64),
        BusType::Fixed(t) => {
            if t.sat_bits != 0 {
                return Err(format!(
                    "the bus type {bus} has saturation bits (N = {}): the typed driver's values do not model them; \
                     use a bus type without N",
                    t.sat_bits
                ));
            }
            let (w, i, signed) = (t.width, t.int_bits, t.signed);
            let q = Quantization::ALL.iter().position(|&m| m == t.quantization).unwrap_or(0) as u8;
            let o = Overflow::ALL.iter().position(|&m| m == t.overflow).unwrap_or(0) as u8;
            quote!(::hls4ml::runtime::fixed::ApFixed<#w, #i, #signed, #q, #o>)
        }
    })
}

/// The tokens of a `FixedType` value.
fn fixed_type(t: &FixedType) -> TokenStream {
    let (w, i, signed, n, integer) = (t.width, t.int_bits, t.signed, t.sat_bits, t.integer);
    let q = Quantization::ALL.iter().position(|&m| m == t.quantization).unwrap_or(0);
    let o = Overflow::ALL.iter().position(|&m| m == t.overflow).unwrap_or(0);
    quote! {
        ::hls4ml::runtime::FixedType {
            width: #w,
            int_bits: #i,
            signed: #signed,
            quantization: ::hls4ml::runtime::Quantization::ALL[#q],
            overflow: ::hls4ml::runtime::Overflow::ALL[#o],
            sat_bits: #n,
            integer: #integer,
        }
    }
}

/// The tokens of a `BusLayout` value.
fn bus_layout(bus: &Bus) -> TokenStream {
    let word = match &bus.ty {
        BusType::Float => quote!(::hls4ml::runtime::bus::WordType::Float),
        BusType::Double => quote!(::hls4ml::runtime::bus::WordType::Double),
        BusType::Fixed(t) => {
            let t = fixed_type(t);
            quote!(::hls4ml::runtime::bus::WordType::Fixed(#t))
        }
    };
    let (bits, values) = (bus.word_bits, bus.values);
    quote!(::hls4ml::runtime::bus::BusLayout { word: #word, word_bits: #bits, values: #values })
}

/// `jet_tagger` → `JetTagger`; a name that would collide with the module's other items gets
/// `Accelerator` appended.
pub fn struct_name(model: &str) -> String {
    let mut out = String::new();
    for part in model.split('_').filter(|p| !p.is_empty()) {
        let mut chars = part.chars();
        if let Some(c) = chars.next() {
            out.extend(c.to_uppercase());
            out.push_str(chars.as_str());
        }
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert_str(0, "Model");
    }
    if [
        "Input",
        "Output",
        "InputElement",
        "OutputElement",
        "Error",
        "Profile",
        "Result",
    ]
    .contains(&out.as_str())
    {
        out.push_str("Accelerator");
    }
    out
}

/// The module for a loaded project: `pub mod <name> { Input, Output, shapes, spec(), <Name> }`.
/// `files` are the paths the expansion depends on, embedded with `include_bytes!` so cargo
/// re-expands it when they change; `toml` is the path as the user wrote it (for messages).
///
/// # Errors
/// When the board's bus types cannot be typed in Rust, or the model cannot be emulated.
pub fn module_tokens(project: &Project, files: &[String], toml: &str) -> Result<TokenStream, String> {
    let accel = Accel::new(project).map_err(|e| e.to_string())?;
    let name = Ident::new(project.name(), Span::call_site());
    let camel = struct_name(project.name());
    let ty = Ident::new(&camel, Span::call_site());
    let g = &project.graph;
    let b = &project.config.board;
    let in_elem = element(&b.input_type)?;
    let out_elem = element(&b.output_type)?;
    let input = array_type(&quote!(InputElement), g.input_shape());
    let output = array_type(&quote!(OutputElement), g.output_shape());
    let in_shape = g.input_shape();
    let out_shape = g.output_shape();
    let in_rank = in_shape.len();
    let out_rank = out_shape.len();
    let in_size = g.input().output_size();
    let out_size = g.output().output_size();
    let model_name = project.name();
    let board = &b.board.name;
    let input_type = b.input_type.to_string();
    let output_type = b.output_type.to_string();
    let interface = b.interface.as_str();
    let family = match b.board.family {
        Family::Zynq7000 => quote!(::hls4ml::runtime::Family::Zynq7000),
        Family::ZynqMp => quote!(::hls4ml::runtime::Family::ZynqMp),
        Family::Alveo => quote!(::hls4ml::runtime::Family::Alveo),
    };
    let interface_tokens = match b.interface {
        Interface::AxiStream => quote!(::hls4ml::runtime::Interface::AxiStream),
        Interface::AxiLite => quote!(::hls4ml::runtime::Interface::AxiLite),
        Interface::AxiMaster => quote!(::hls4ml::runtime::Interface::AxiMaster),
    };
    let bus_in = bus_layout(&accel.input);
    let bus_out = bus_layout(&accel.output);
    let clock = b.clock_period;
    let model = crate::emulate::model(g).map_err(|e| format!("the model cannot be emulated: {e}"))?;
    let model_bytes = Literal::byte_string(&hls4ml_runtime::emu::encoding::encode(model.layers()));

    let doc = format!(
        "The `{model_name}` accelerator on `{board}` ({interface}): input {in_shape:?} ({input_type} on the bus), output {out_shape:?} ({output_type})."
    );
    let struct_doc = format!(
        "The typed driver of `{model_name}`: `predict` takes `[Input]` and returns `Output`s.\n\n\
         Runs on the emulator ([`{camel}::emulator`], the runtime's bit-exact kernels), the C simulation of \
         the AXI wrapper ([`{camel}::csim`], linked by `hls4ml::build` in the crate's build.rs), or the \
         board ([`{camel}::open`])."
    );

    // How the board is opened.
    let open = match b.board.family {
        Family::Zynq7000 | Family::ZynqMp => quote! {
            /// Opens the accelerator on the board: loads the bitstream (`.bit` or `.bin`) through the FPGA
            /// manager, reads the `.hwh` beside it, maps the registers and allocates the DMA buffers. The
            /// device is held until the driver is dropped.
            pub fn open(bitstream: impl AsRef<::std::path::Path>) -> ::hls4ml::runtime::Result<Self> {
                ::hls4ml::runtime::typed::open_zynq(spec(), bitstream.as_ref()).map(Self::from_accelerator)
            }

            /// [`Self::open`] on a given platform: a Linux board with other device paths, or a virtual
            /// board (`hls4ml::runtime::virtual_board`), which runs the same driver code on a host.
            pub fn open_on(
                platform: ::std::boxed::Box<dyn ::hls4ml::runtime::zynq::Platform>,
                bitstream: impl AsRef<::std::path::Path>,
            ) -> ::hls4ml::runtime::Result<Self> {
                ::hls4ml::runtime::typed::open_zynq_on(spec(), platform, bitstream.as_ref()).map(Self::from_accelerator)
            }
        },
        Family::Alveo => quote! {
            /// Opens the accelerator on the Alveo card: loads the `.xclbin` through XRT (loaded at run
            /// time) and allocates the kernel's buffers.
            pub fn open(xclbin: impl AsRef<::std::path::Path>) -> ::hls4ml::runtime::Result<Self> {
                ::hls4ml::runtime::typed::open_alveo(spec(), xclbin.as_ref()).map(Self::from_accelerator)
            }
        },
    };

    // The compiled C simulation of the wrapper, when the build script linked it.
    let top = &accel.top;
    let (entry_fn, entry_variant, entry_sig) = match b.interface {
        Interface::AxiStream => (
            format!("{top}_stream_run"),
            quote!(Stream),
            quote!((in_data: *const u64, in_last: *const u8, n_in: usize, out_data: *mut u64, out_last: *mut u8, n_out: *mut usize)),
        ),
        Interface::AxiLite => (
            format!("{top}_lite_run"),
            quote!(Lite),
            quote!((in_words: *const u64, out_words: *mut u64)),
        ),
        Interface::AxiMaster => (
            format!("{top}_master_run"),
            quote!(Master),
            quote!((in_memory: *const u8, out_memory: *mut u8, n: u32)),
        ),
    };
    let entry_ident = Ident::new(&entry_fn, Span::call_site());
    let build_line = format!(
        "the C simulation of `{model_name}` is not linked into this crate: add \
         `hls4ml::build::project(\"{toml}\").emit().unwrap();` to its build.rs (with hls4ml's `build` feature \
         in [build-dependencies])"
    );

    Ok(quote! {
        #[doc = #doc]
        #[allow(dead_code, unexpected_cfgs)]
        pub mod #name {
            const _: &[&[u8]] = &[#(include_bytes!(#files)),*];
            /// One value of an input sample, as it travels on the bus.
            pub type InputElement = #in_elem;
            /// One value of an output sample, as it travels on the bus.
            pub type OutputElement = #out_elem;
            /// One input sample, of the model's exact shape (channels last).
            pub type Input = #input;
            /// One output sample, of the model's exact shape.
            pub type Output = #output;
            /// The shape of one input sample.
            pub const INPUT_SHAPE: [usize; #in_rank] = [#(#in_shape),*];
            /// The shape of one output sample.
            pub const OUTPUT_SHAPE: [usize; #out_rank] = [#(#out_shape),*];
            /// Values in one input sample.
            pub const INPUT_SIZE: usize = #in_size;
            /// Values in one output sample.
            pub const OUTPUT_SIZE: usize = #out_size;
            /// The model name (the C++ top function).
            pub const NAME: &str = #model_name;
            /// The board.
            pub const BOARD: &str = #board;
            /// The interface of the accelerator.
            pub const INTERFACE: &str = #interface;
            /// The input bus type, as written in C++.
            pub const INPUT_BUS_TYPE: &str = #input_type;
            /// The output bus type, as written in C++.
            pub const OUTPUT_BUS_TYPE: &str = #output_type;

            /// The model's layers with their quantized constants, in the runtime's binary form.
            static MODEL: &[u8] = #model_bytes;

            /// What the runtime needs to know about the accelerator: board family, interface, the
            /// layout of the words on the bus.
            pub fn spec() -> ::hls4ml::runtime::Spec {
                ::hls4ml::runtime::Spec {
                    name: ::std::string::String::from(#model_name),
                    board: ::std::string::String::from(#board),
                    family: #family,
                    interface: #interface_tokens,
                    input: #bus_in,
                    output: #bus_out,
                    clock_period_ns: #clock,
                }
            }

            #[cfg(hls4ml_csim = #model_name)]
            mod csim {
                unsafe extern "C" {
                    fn #entry_ident #entry_sig;
                }

                pub(super) fn entry() -> ::hls4ml::runtime::ip::CsimEntry {
                    ::hls4ml::runtime::ip::CsimEntry::#entry_variant(#entry_ident)
                }
            }

            #[doc = #struct_doc]
            pub struct #ty {
                inner: ::hls4ml::runtime::Accelerator,
            }

            impl ::std::fmt::Debug for #ty {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.debug_struct(#camel).field("backend", &self.inner.describe()).finish()
                }
            }

            impl #ty {
                /// The bit-exact emulator: the model's kernels in Rust, on this machine's CPU (the host or
                /// the board's processor). Needs no build script.
                pub fn emulator() -> Self {
                    Self::from_accelerator(::hls4ml::runtime::typed::emulator(spec(), MODEL))
                }

                #open

                /// The C simulation of the AXI wrapper and the firmware, compiled by `hls4ml::build` in the
                /// crate's build.rs, called directly (no bus model).
                pub fn csim() -> ::hls4ml::runtime::Result<Self> {
                    let ip = Self::csim_ip()?;
                    Ok(Self::from_accelerator(::hls4ml::runtime::typed::csim(spec(), ip)))
                }

                /// The compiled C simulation of the AXI wrapper as an IP, for a virtual board.
                pub fn csim_ip() -> ::hls4ml::runtime::Result<::std::boxed::Box<dyn ::hls4ml::runtime::ip::Ip>> {
                    #[cfg(hls4ml_csim = #model_name)]
                    {
                        // SAFETY: the entry point was generated and compiled for exactly this spec, by the
                        // same project as this module.
                        let ip = unsafe { ::hls4ml::runtime::ip::CsimIp::new(spec(), csim::entry()) };
                        Ok(::std::boxed::Box::new(ip))
                    }
                    #[cfg(not(hls4ml_csim = #model_name))]
                    {
                        Err(::hls4ml::runtime::Error::new(::hls4ml::runtime::ErrorKind::Unavailable, #build_line))
                    }
                }

                /// A driver over any backend.
                pub fn from_accelerator(inner: ::hls4ml::runtime::Accelerator) -> Self {
                    Self { inner }
                }

                /// What runs the accelerator.
                pub fn describe(&self) -> ::std::string::String {
                    self.inner.describe()
                }

                /// Runs a batch of samples.
                pub fn predict(&mut self, input: &[Input]) -> ::hls4ml::runtime::Result<::std::vec::Vec<Output>> {
                    self.inner.predict(input)
                }

                /// Runs a batch into `output` (as many samples as `input`), with no allocation once a batch
                /// of this size has run.
                pub fn predict_into(&mut self, input: &[Input], output: &mut [Output]) -> ::hls4ml::runtime::Result<()> {
                    self.inner.predict_into(input, output).map(|_| ())
                }

                /// Runs one sample.
                pub fn predict_one(&mut self, input: &Input) -> ::hls4ml::runtime::Result<Output> {
                    let mut out = [<Output as ::hls4ml::runtime::bus::Flat>::zeroed()];
                    self.inner.predict_into(::std::slice::from_ref(input), &mut out)?;
                    Ok(out[0])
                }

                /// Runs a batch and says how long it took: batch latency, throughput, and the share spent
                /// moving data.
                pub fn predict_profiled(
                    &mut self,
                    input: &[Input],
                ) -> ::hls4ml::runtime::Result<(::std::vec::Vec<Output>, ::hls4ml::runtime::Profile)> {
                    self.inner.predict_profiled(input)
                }
            }
        }
    })
}
