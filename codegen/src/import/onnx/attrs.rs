//! Typed access to a node's attributes, with defaults and type checks.

use super::constant::{self, Constant};
use super::proto::{attribute_type as ty, AttributeProto, NodeProto};

/// The largest kernel size, stride, dilation or padding accepted from an attribute: far beyond any
/// real model, small enough that shape arithmetic cannot overflow.
pub(super) const MAX_ATTR: i64 = 1 << 16;

/// A node's attributes.
pub(super) struct Attrs<'a> {
    node: &'a NodeProto,
}

impl<'a> Attrs<'a> {
    /// The attributes of `node`.
    pub fn of(node: &'a NodeProto) -> Self {
        Attrs { node }
    }

    /// The attribute called `name`, if present.
    pub fn get(&self, name: &str) -> Option<&'a AttributeProto> {
        self.node.attribute.iter().find(|a| a.name == name)
    }

    /// The attribute called `name` when it has type `want` (or no declared type, as in the
    /// oldest files); an error when it has another.
    fn typed(&self, name: &str, want: i32) -> Result<Option<&'a AttributeProto>, String> {
        match self.get(name) {
            Some(a) if a.r#type == want || a.r#type == ty::UNDEFINED => Ok(Some(a)),
            Some(a) => Err(format!(
                "attribute `{name}` has type {}, expected {}",
                type_name(a.r#type),
                type_name(want)
            )),
            None => Ok(None),
        }
    }

    /// An integer attribute.
    pub fn int(&self, name: &str, default: i64) -> Result<i64, String> {
        Ok(self.typed(name, ty::INT)?.map_or(default, |a| a.i))
    }

    /// A float attribute.
    pub fn float(&self, name: &str, default: f32) -> Result<f32, String> {
        Ok(self.typed(name, ty::FLOAT)?.map_or(default, |a| a.f))
    }

    /// A string attribute.
    pub fn string(&self, name: &str, default: &str) -> Result<String, String> {
        match self.typed(name, ty::STRING)? {
            Some(a) => Ok(String::from_utf8_lossy(&a.s).into_owned()),
            None => Ok(default.to_string()),
        }
    }

    /// An integer-list attribute.
    pub fn ints(&self, name: &str) -> Result<Option<Vec<i64>>, String> {
        Ok(self.typed(name, ty::INTS)?.map(|a| a.ints.clone()))
    }

    /// An integer-list attribute whose entries must lie in `min..=MAX_ATTR`, with `len` entries.
    pub fn sizes(&self, name: &str, len: usize, min: i64, default: usize) -> Result<Vec<usize>, String> {
        let Some(v) = self.ints(name)? else {
            return Ok(vec![default; len]);
        };
        if v.len() != len {
            return Err(format!("attribute `{name}` has {} entries, expected {len}", v.len()));
        }
        v.iter()
            .map(|&x| {
                if (min..=MAX_ATTR).contains(&x) {
                    Ok(x as usize)
                } else {
                    Err(format!(
                        "attribute `{name}` = {v:?}: each entry must lie in {min}..={MAX_ATTR}"
                    ))
                }
            })
            .collect()
    }

    /// A tensor attribute, decoded.
    pub fn tensor(&self, name: &str) -> Result<Option<Constant>, String> {
        match self.typed(name, ty::TENSOR)? {
            Some(a) => {
                let t =
                    a.t.as_ref()
                        .ok_or_else(|| format!("attribute `{name}` holds no tensor"))?;
                constant::decode(t)
                    .map(Some)
                    .map_err(|e| format!("attribute `{name}`: {e}"))
            }
            None => Ok(None),
        }
    }

    /// A float-list attribute.
    pub fn floats(&self, name: &str) -> Result<Option<Vec<f32>>, String> {
        Ok(self.typed(name, ty::FLOATS)?.map(|a| a.floats.clone()))
    }
}

fn type_name(t: i32) -> String {
    match t {
        ty::FLOAT => "FLOAT".into(),
        ty::INT => "INT".into(),
        ty::STRING => "STRING".into(),
        ty::TENSOR => "TENSOR".into(),
        ty::GRAPH => "GRAPH".into(),
        ty::FLOATS => "FLOATS".into(),
        ty::INTS => "INTS".into(),
        ty::STRINGS => "STRINGS".into(),
        _ => format!("#{t}"),
    }
}
