//! iclab: train and watch in-context and continual learners, natively or in the browser.
//!
//! The same [`icl::session::Session`] runs behind the native CLI and behind the WebAssembly
//! bindings in [`wasm`]; [`device`] is the only module that names a backend.

pub mod catalog;
pub mod classify;
pub mod continual;
pub mod device;
pub mod error;
pub mod finding;
pub mod fingerprint;
pub mod icl;
pub mod markov;
pub mod memory;
pub mod model;
pub mod pace;
pub mod schema;
#[cfg(not(target_family = "wasm"))]
pub mod sweep;
pub mod train;

#[cfg(target_family = "wasm")]
pub mod wasm;

pub use error::{Error, Result};
pub use icl::config::SessionConfig;
pub use icl::session::Session;
