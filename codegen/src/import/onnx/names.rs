//! Layer names: ONNX node names made into unique C identifiers.

use std::collections::HashSet;

/// C and C++ keywords a layer name must not be (names become identifiers in the firmware).
const RESERVED: &[&str] = &[
    "auto",
    "bool",
    "break",
    "case",
    "catch",
    "char",
    "class",
    "const",
    "continue",
    "default",
    "delete",
    "do",
    "double",
    "else",
    "enum",
    "extern",
    "float",
    "for",
    "goto",
    "if",
    "inline",
    "int",
    "long",
    "namespace",
    "new",
    "operator",
    "private",
    "protected",
    "public",
    "register",
    "return",
    "short",
    "signed",
    "sizeof",
    "static",
    "struct",
    "switch",
    "template",
    "this",
    "throw",
    "try",
    "typedef",
    "union",
    "unsigned",
    "using",
    "virtual",
    "void",
    "volatile",
    "while",
];

/// `name` as a C identifier: characters other than `[A-Za-z0-9_]` become `_`, runs of `_` collapse
/// (double underscores are reserved in C++), leading and trailing `_` go, and a name that would start
/// with a digit gets `prefix` in front. Empty when nothing usable is left.
pub(super) fn sanitize(name: &str, prefix: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        let c = if c.is_ascii_alphanumeric() { c } else { '_' };
        if c == '_' && (out.is_empty() || out.ends_with('_')) {
            continue;
        }
        out.push(c);
    }
    while out.ends_with('_') {
        out.pop();
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert_str(0, prefix);
    }
    if RESERVED.contains(&out.as_str()) {
        out.push('_');
    }
    out
}

/// Hands out names, each unique: a taken name gets `_2`, `_3`, ... appended.
#[derive(Debug, Default)]
pub(super) struct Names {
    taken: HashSet<String>,
}

impl Names {
    /// A fresh name based on `base`.
    pub(super) fn unique(&mut self, base: &str) -> String {
        let mut name = base.to_string();
        let mut k = 2;
        while self.taken.contains(&name) {
            name = format!("{base}_{k}");
            k += 1;
        }
        self.taken.insert(name.clone());
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitizing_makes_c_identifiers() {
        assert_eq!(sanitize("/fc1/Gemm", "layer_"), "fc1_Gemm");
        assert_eq!(
            sanitize("_class__keras_layers_core_Dense__", "layer_"),
            "class_keras_layers_core_Dense"
        );
        assert_eq!(sanitize("0", "input_"), "input_0");
        assert_eq!(sanitize("model/dense.1:0", "layer_"), "model_dense_1_0");
        assert_eq!(sanitize("int", "layer_"), "int_");
        assert_eq!(sanitize("__", "layer_"), "");
    }

    #[test]
    fn names_are_unique() {
        let mut n = Names::default();
        assert_eq!(n.unique("relu"), "relu");
        assert_eq!(n.unique("relu"), "relu_2");
        assert_eq!(n.unique("relu"), "relu_3");
    }
}
