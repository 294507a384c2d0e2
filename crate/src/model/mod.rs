//! Neural backbones. One concept per file.

pub mod transformer;

pub use transformer::{Transformer, TransformerConfig};
