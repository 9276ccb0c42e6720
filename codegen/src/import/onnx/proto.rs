//! The subset of the ONNX protobuf messages the importer reads, declared by hand with the field
//! numbers of `onnx.proto` (fields the importer has no use for are skipped by the decoder).
//!
//! They are public so that tests and tools can build small models in memory:
//!
//! ```
//! use hls4ml_codegen::import::onnx::proto::{GraphProto, ModelProto, NodeProto};
//! use prost::Message;
//!
//! let model = ModelProto {
//!     graph: Some(GraphProto {
//!         node: vec![NodeProto {
//!             op_type: "Relu".into(),
//!             input: vec!["x".into()],
//!             output: vec!["y".into()],
//!             ..Default::default()
//!         }],
//!         ..Default::default()
//!     }),
//!     ..Default::default()
//! };
//! let bytes = model.encode_to_vec();
//! assert_eq!(ModelProto::decode(bytes.as_slice()).unwrap(), model);
//! ```

/// A whole model: the graph and the operator sets it uses.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ModelProto {
    /// Version of the ONNX IR the file follows.
    #[prost(int64, tag = "1")]
    pub ir_version: i64,
    /// Operator sets (domain and version) the graph's nodes refer to.
    #[prost(message, repeated, tag = "8")]
    pub opset_import: Vec<OperatorSetIdProto>,
    /// The tool that wrote the file (`tf2onnx`, `pytorch`, ...).
    #[prost(string, tag = "2")]
    pub producer_name: String,
    /// The version of that tool.
    #[prost(string, tag = "3")]
    pub producer_version: String,
    /// The computation.
    #[prost(message, optional, tag = "7")]
    pub graph: Option<GraphProto>,
}

/// One operator set: a domain (empty for the default `ai.onnx`) and its version.
#[derive(Clone, PartialEq, prost::Message)]
pub struct OperatorSetIdProto {
    /// The domain; empty or `ai.onnx` for the standard operators.
    #[prost(string, tag = "1")]
    pub domain: String,
    /// The operator set version (the "opset").
    #[prost(int64, tag = "2")]
    pub version: i64,
}

/// A graph: nodes in topological order, constant tensors, inputs and outputs.
#[derive(Clone, PartialEq, prost::Message)]
pub struct GraphProto {
    /// The nodes, each after the producers of its inputs.
    #[prost(message, repeated, tag = "1")]
    pub node: Vec<NodeProto>,
    /// The graph's name.
    #[prost(string, tag = "2")]
    pub name: String,
    /// Constant tensors (weights), referred to by name.
    #[prost(message, repeated, tag = "5")]
    pub initializer: Vec<TensorProto>,
    /// The graph's inputs (older files also list the initializers here).
    #[prost(message, repeated, tag = "11")]
    pub input: Vec<ValueInfoProto>,
    /// The graph's outputs.
    #[prost(message, repeated, tag = "12")]
    pub output: Vec<ValueInfoProto>,
    /// Types and shapes of intermediate tensors, when the exporter wrote them.
    #[prost(message, repeated, tag = "13")]
    pub value_info: Vec<ValueInfoProto>,
}

/// One operator application.
#[derive(Clone, PartialEq, prost::Message)]
pub struct NodeProto {
    /// Names of the input tensors (an empty name is an omitted optional input).
    #[prost(string, repeated, tag = "1")]
    pub input: Vec<String>,
    /// Names of the output tensors.
    #[prost(string, repeated, tag = "2")]
    pub output: Vec<String>,
    /// The node's name (optional in ONNX).
    #[prost(string, tag = "3")]
    pub name: String,
    /// The operator, e.g. `Conv`.
    #[prost(string, tag = "4")]
    pub op_type: String,
    /// The operator's domain; empty for the standard operators.
    #[prost(string, tag = "7")]
    pub domain: String,
    /// The operator's attributes.
    #[prost(message, repeated, tag = "5")]
    pub attribute: Vec<AttributeProto>,
}

/// What an [`AttributeProto`] holds, as in `AttributeProto.AttributeType`.
pub mod attribute_type {
    /// Not set (files older than IR version 2: infer from the field that is set).
    pub const UNDEFINED: i32 = 0;
    /// [`super::AttributeProto::f`].
    pub const FLOAT: i32 = 1;
    /// [`super::AttributeProto::i`].
    pub const INT: i32 = 2;
    /// [`super::AttributeProto::s`].
    pub const STRING: i32 = 3;
    /// [`super::AttributeProto::t`].
    pub const TENSOR: i32 = 4;
    /// A sub-graph (not read).
    pub const GRAPH: i32 = 5;
    /// [`super::AttributeProto::floats`].
    pub const FLOATS: i32 = 6;
    /// [`super::AttributeProto::ints`].
    pub const INTS: i32 = 7;
    /// [`super::AttributeProto::strings`].
    pub const STRINGS: i32 = 8;
}

/// A named attribute of a node. Only the field its `type` names is meaningful.
#[derive(Clone, PartialEq, prost::Message)]
pub struct AttributeProto {
    /// The attribute's name.
    #[prost(string, tag = "1")]
    pub name: String,
    /// Which value field is in use: one of [`attribute_type`].
    #[prost(int32, tag = "20")]
    pub r#type: i32,
    /// A float value.
    #[prost(float, tag = "2")]
    pub f: f32,
    /// An integer value.
    #[prost(int64, tag = "3")]
    pub i: i64,
    /// A string value (bytes, UTF-8 by convention).
    #[prost(bytes = "vec", tag = "4")]
    pub s: Vec<u8>,
    /// A tensor value.
    #[prost(message, optional, tag = "5")]
    pub t: Option<TensorProto>,
    /// Float values.
    #[prost(float, repeated, tag = "7")]
    pub floats: Vec<f32>,
    /// Integer values.
    #[prost(int64, repeated, tag = "8")]
    pub ints: Vec<i64>,
    /// String values.
    #[prost(bytes = "vec", repeated, tag = "9")]
    pub strings: Vec<Vec<u8>>,
}

/// Element types of a [`TensorProto`], as in `TensorProto.DataType`.
pub mod data_type {
    /// Not set.
    pub const UNDEFINED: i32 = 0;
    /// 32-bit float.
    pub const FLOAT: i32 = 1;
    /// Unsigned 8-bit integer.
    pub const UINT8: i32 = 2;
    /// Signed 8-bit integer.
    pub const INT8: i32 = 3;
    /// Signed 32-bit integer.
    pub const INT32: i32 = 6;
    /// Signed 64-bit integer.
    pub const INT64: i32 = 7;
    /// Strings.
    pub const STRING: i32 = 8;
    /// Booleans.
    pub const BOOL: i32 = 9;
    /// IEEE half precision.
    pub const FLOAT16: i32 = 10;
    /// 64-bit float.
    pub const DOUBLE: i32 = 11;
}

/// A constant tensor: its dimensions, element type and data, in one of several encodings.
#[derive(Clone, PartialEq, prost::Message)]
pub struct TensorProto {
    /// Dimensions, outermost first.
    #[prost(int64, repeated, tag = "1")]
    pub dims: Vec<i64>,
    /// Element type: one of [`data_type`].
    #[prost(int32, tag = "2")]
    pub data_type: i32,
    /// FLOAT (and COMPLEX64) elements.
    #[prost(float, repeated, tag = "4")]
    pub float_data: Vec<f32>,
    /// INT32, and the narrow integer, BOOL and FLOAT16 types (one element per value).
    #[prost(int32, repeated, tag = "5")]
    pub int32_data: Vec<i32>,
    /// INT64 elements.
    #[prost(int64, repeated, tag = "7")]
    pub int64_data: Vec<i64>,
    /// The tensor's name (how nodes refer to an initializer).
    #[prost(string, tag = "8")]
    pub name: String,
    /// All elements as little-endian bytes, when this encoding is used.
    #[prost(bytes = "vec", tag = "9")]
    pub raw_data: Vec<u8>,
    /// DOUBLE (and COMPLEX128) elements.
    #[prost(double, repeated, tag = "10")]
    pub double_data: Vec<f64>,
    /// 0 when the data is in this message, 1 when it is in an external file.
    #[prost(int32, tag = "14")]
    pub data_location: i32,
}

/// A named value with its type, used for graph inputs and outputs.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ValueInfoProto {
    /// The tensor's name.
    #[prost(string, tag = "1")]
    pub name: String,
    /// Its type and shape, when declared.
    #[prost(message, optional, tag = "2")]
    pub r#type: Option<TypeProto>,
}

/// The type of a value; only tensor types are read.
#[derive(Clone, PartialEq, prost::Message)]
pub struct TypeProto {
    /// Set when the value is a tensor.
    #[prost(message, optional, tag = "1")]
    pub tensor_type: Option<TensorTypeProto>,
}

/// A tensor type: element type and (possibly partly symbolic) shape (`TypeProto.Tensor`).
#[derive(Clone, PartialEq, prost::Message)]
pub struct TensorTypeProto {
    /// Element type: one of [`data_type`].
    #[prost(int32, tag = "1")]
    pub elem_type: i32,
    /// The shape, when known.
    #[prost(message, optional, tag = "2")]
    pub shape: Option<TensorShapeProto>,
}

/// A tensor shape: one entry per dimension.
#[derive(Clone, PartialEq, prost::Message)]
pub struct TensorShapeProto {
    /// The dimensions, outermost first.
    #[prost(message, repeated, tag = "1")]
    pub dim: Vec<Dimension>,
}

/// One dimension: a number, a symbolic name, or neither (unknown) (`TensorShapeProto.Dimension`).
#[derive(Clone, PartialEq, prost::Message)]
pub struct Dimension {
    /// The size, when fixed.
    #[prost(int64, optional, tag = "1")]
    pub dim_value: Option<i64>,
    /// A symbolic name (`batch`, `N`, ...) when the size is free.
    #[prost(string, optional, tag = "2")]
    pub dim_param: Option<String>,
}
