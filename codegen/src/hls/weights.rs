//! `firmware/weights/*.h`: every constant as an initialized `static const` array of exact literals.

use super::constants::{layer_constants, Constant};
use super::literal::fixed_literal;
use super::plan::Plan;
use super::stamp;
use crate::diag::Result;
use std::fmt::Write;

/// Items per line of an array initializer.
const PER_LINE: usize = 8;

/// `(file name, text)` of every weights header, in layer order.
pub fn weights(plan: &Plan) -> Result<Vec<(String, String)>> {
    let mut files: Vec<(String, String)> = vec![];
    for id in 1..plan.graph.layers.len() {
        for c in layer_constants(plan, id)? {
            let body = declaration(plan, id, &c)?;
            match files.iter_mut().find(|(f, _)| *f == c.file) {
                Some((_, text)) => text.push_str(&body),
                None => files.push((c.file.clone(), body)),
            }
        }
    }
    Ok(files
        .into_iter()
        .map(|(file, body)| {
            let guard = format!("{}_", file.replace('.', "_").to_ascii_uppercase());
            let head = stamp(plan, "Constants of the firmware, quantized by the generator: each literal is exactly a value of its type.");
            let text = format!(
                "{head}\n// Included by the top function's source, after parameters.h.\n#ifndef {guard}\n#define {guard}\n\n{body}#endif\n"
            );
            (file, text)
        })
        .collect())
}

fn declaration(plan: &Plan, id: usize, c: &Constant) -> Result<String> {
    let layer = &plan.layer(id).name;
    let what = format!("layer `{layer}`, {}", c.name);
    let mut s = String::new();
    let _ = writeln!(s, "// {layer}: {}; {} = {}", c.doc, c.type_name, c.ty);
    if c.scalar {
        let _ = writeln!(
            s,
            "static const {} {} = {};\n",
            c.type_name,
            c.name,
            fixed_literal(&c.ty, c.raw[0], &what)?
        );
        return Ok(s);
    }
    let literals: Vec<String> = c
        .raw
        .iter()
        .map(|&r| fixed_literal(&c.ty, r, &what))
        .collect::<Result<_>>()?;
    let n = c.raw.len();
    if c.ty.width > 64 {
        let _ = writeln!(s, "static const {} {}[{n}] = {{", c.type_name, c.name);
        lines(&mut s, &literals);
        s.push_str("};\n\n");
        return Ok(s);
    }
    let _ = writeln!(s, "#ifdef __SYNTHESIS__");
    let _ = writeln!(s, "static const {} {}[{n}] = {{", c.type_name, c.name);
    lines(&mut s, &literals);
    s.push_str("};\n#else\n");
    let _ = writeln!(
        s,
        "// C simulation: the same values as raw bits (value = bits * 2^{}), set before main runs.",
        -c.ty.frac_bits()
    );
    let bits: Vec<String> = c.raw.iter().map(|&r| bits_literal(c.ty.wrap_raw(r))).collect();
    let _ = writeln!(s, "static const long long {}_bits[{n}] = {{", c.name);
    lines(&mut s, &bits);
    s.push_str("};\n");
    let _ = writeln!(s, "static {} {}[{n}];", c.type_name, c.name);
    let _ = writeln!(s, "static const bool {0}_set = nnet::load_bits({0}, {0}_bits);", c.name);
    s.push_str("#endif\n\n");
    Ok(s)
}

/// The items of an initializer, [`PER_LINE`] to a line.
fn lines(s: &mut String, items: &[String]) {
    for chunk in items.chunks(PER_LINE) {
        let _ = writeln!(s, "    {},", chunk.join(", "));
    }
}

/// A raw value of at most 64 bits as a `long long` literal (an unsigned 64-bit pattern as its
/// two's-complement reading: only the low bits are kept).
fn bits_literal(raw: i128) -> String {
    let v = raw as u64 as i64;
    if v == i64::MIN {
        "(-9223372036854775807LL - 1)".into()
    } else if i32::try_from(v).is_ok() {
        v.to_string()
    } else {
        format!("{v}LL")
    }
}
