//! Keras activation names (`activation="relu"`, `Activation("tanh")`) to IR activations.

use super::KerasVersion;
use crate::diag::{did_you_mean, Error, Result};
use crate::import::SUPPORTED_KERAS_ACTIVATIONS;
use crate::ir::Activation;
use serde_json::Value;

/// What a Keras activation computes in the IR.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Act {
    /// An element-wise function.
    Elementwise(Activation),
    /// Softmax over the last axis.
    Softmax,
}

impl Act {
    /// True for `linear`, which a Dense or convolution does not need as a separate layer.
    pub fn is_linear(&self) -> bool {
        matches!(self, Act::Elementwise(Activation::Linear))
    }
}

/// The activation's name as written in a layer config: a string, or (as some writers serialise
/// built-in functions) an object whose `config` is the name.
pub(super) fn activation_name(v: &Value) -> Option<&str> {
    match v {
        Value::String(s) => Some(s),
        Value::Object(o) => o.get("config").and_then(Value::as_str),
        _ => None,
    }
}

/// The IR form of the Keras activation `name`. `version` decides `hard_sigmoid`'s slope (Keras 2:
/// `0.2x + 0.5`; Keras 3: `x/6 + 0.5`).
pub(super) fn parse(name: &str, version: KerasVersion) -> Result<Act> {
    let act = match name {
        "linear" => Activation::Linear,
        "relu" => Activation::Relu,
        "relu6" => Activation::Clip { min: 0.0, max: 6.0 },
        // `keras.activations.leaky_relu` (and `tf.nn.leaky_relu`) default to a slope of 0.2.
        "leaky_relu" => Activation::LeakyRelu { alpha: 0.2 },
        "elu" => Activation::Elu { alpha: 1.0 },
        "selu" => Activation::Selu,
        "sigmoid" => Activation::Sigmoid,
        "hard_sigmoid" => match version {
            KerasVersion::Two => Activation::HardSigmoid {
                slope: 0.2,
                offset: 0.5,
            },
            KerasVersion::Three => Activation::HardSigmoid {
                slope: 1.0 / 6.0,
                offset: 0.5,
            },
        },
        "tanh" => Activation::Tanh,
        "softplus" => Activation::Softplus,
        "softsign" => Activation::Softsign,
        "softmax" => return Ok(Act::Softmax),
        other => {
            let mut e = Error::new(format!(
                "unknown or unsupported activation `{other}`; supported activations: {}",
                SUPPORTED_KERAS_ACTIVATIONS.join(", ")
            ));
            if let Some(s) = did_you_mean(other, SUPPORTED_KERAS_ACTIVATIONS.iter().copied()) {
                e = e.help(format!("did you mean `{s}`?"));
            }
            return Err(e);
        }
    };
    Ok(Act::Elementwise(act))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hard_sigmoid_follows_the_keras_version() {
        assert_eq!(
            parse("hard_sigmoid", KerasVersion::Two).unwrap(),
            Act::Elementwise(Activation::HardSigmoid {
                slope: 0.2,
                offset: 0.5
            })
        );
        assert_eq!(
            parse("hard_sigmoid", KerasVersion::Three).unwrap(),
            Act::Elementwise(Activation::HardSigmoid {
                slope: 1.0 / 6.0,
                offset: 0.5
            })
        );
    }

    #[test]
    fn every_supported_name_parses_and_others_do_not() {
        for name in SUPPORTED_KERAS_ACTIVATIONS {
            parse(name, KerasVersion::Three).unwrap();
        }
        let e = parse("swish", KerasVersion::Three).unwrap_err();
        assert!(
            e.message().contains("`swish`") && e.message().contains("softsign"),
            "{e}"
        );
        let e = parse("Relu", KerasVersion::Two).unwrap_err();
        assert!(e.render().contains("did you mean `relu`"), "{e}");
    }
}
