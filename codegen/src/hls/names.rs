//! C++ identifiers for the layers: the model's layer names made into identifiers, unique.

use crate::ir::Graph;

/// One identifier per layer (same index as [`Graph::layers`]): the layer name with every character
/// that cannot appear in a C++ identifier replaced by `_`, runs of `_` collapsed (identifiers with
/// `__` are reserved), no leading digit or underscore, and a numeric suffix where two names would
/// collide.
pub fn layer_idents(graph: &Graph) -> Vec<String> {
    let mut taken: Vec<String> = Vec::with_capacity(graph.layers.len());
    for layer in &graph.layers {
        let base = sanitize(&layer.name);
        let mut ident = base.clone();
        let mut n = 2;
        while taken.contains(&ident) {
            ident = format!("{base}_{n}");
            n += 1;
        }
        taken.push(ident);
    }
    taken
}

fn sanitize(name: &str) -> String {
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
    if out.is_empty() {
        out.push_str("layer");
    } else if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert_str(0, "layer_");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_plain_identifiers() {
        assert_eq!(sanitize("fc1"), "fc1");
        assert_eq!(sanitize("model/dense_1/MatMul:0"), "model_dense_1_MatMul_0");
        assert_eq!(sanitize("__x__y_"), "x_y");
        assert_eq!(sanitize("0conv"), "layer_0conv");
        assert_eq!(sanitize("/"), "layer");
    }
}
