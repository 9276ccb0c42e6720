//! The Rust tokens of the typed module `accelerator!` expands to: the model's input and output
//! types as plain arrays of its exact shapes, so a wrong shape does not compile.

use crate::config::BusType;
use crate::Project;
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

/// The array type of one sample of `shape` with elements `elem`, outermost dimension first:
/// `[16]` → `[f32; 16]`, `[8, 8, 1]` → `[[[f32; 1]; 8]; 8]`.
fn array_type(elem: &TokenStream, shape: &[usize]) -> TokenStream {
    shape.iter().rev().fold(elem.clone(), |inner, &n| quote!([#inner; #n]))
}

fn element(bus: &BusType) -> (TokenStream, &'static str) {
    match bus {
        BusType::Double => (quote!(f64), "f64"),
        // Fixed-point bus values are handed to the driver as their real values; the runtime encodes
        // them into the bus words.
        BusType::Float | BusType::Fixed(_) => (quote!(f32), "f32"),
    }
}

/// The module for a loaded project: `pub mod <name> { Input, Output, shapes, types, names }`.
/// `files` are the paths the expansion depends on, embedded with `include_bytes!` so cargo
/// re-expands it when they change.
pub fn module_tokens(project: &Project, files: &[String]) -> TokenStream {
    let name = Ident::new(project.name(), Span::call_site());
    let g = &project.graph;
    let b = &project.config.board;
    let (in_elem, _) = element(&b.input_type);
    let (out_elem, _) = element(&b.output_type);
    let input = array_type(&in_elem, g.input_shape());
    let output = array_type(&out_elem, g.output_shape());
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
    let doc = format!(
        "The `{model_name}` accelerator on `{board}` ({interface}): input {in_shape:?} ({input_type} on the bus), output {out_shape:?} ({output_type})."
    );
    quote! {
        #[doc = #doc]
        #[allow(dead_code)]
        pub mod #name {
            const _: &[&[u8]] = &[#(include_bytes!(#files)),*];
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
        }
    }
}
