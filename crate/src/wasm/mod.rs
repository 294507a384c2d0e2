//! WebAssembly bindings: thin functions over the core's sessions and runs, addressed by a
//! numeric id so no Rust borrow is ever held by JavaScript. Every export returns
//! `Result<_, JsValue>`; the error is a JS `Error` named `IclabError` with `code` and `field`.
//! No learning logic lives here. One file per domain (`icl.rs`, `classify.rs`, `continual.rs`);
//! this one holds what they share and the calls about the instance itself.

mod classify;
mod continual;
pub mod errors;
mod icl;
mod input;
mod markov;
mod registry;

pub use classify::*;
pub use continual::*;
pub use icl::*;
pub use markov::*;

use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::classify::ClassifySession;
use crate::continual::run::ClRun;
use crate::icl::session::Session;
use crate::pace;
use crate::schema::Field;
use crate::train::cadence::{self, Cadence};
use crate::{Error, Result};
use errors::to_js;
use registry::Registry;

/// Runs once, when the module is instantiated (the JS glue's `init`).
#[wasm_bindgen(start)]
fn start() {
    crate::device::constructors();
    console_error_panic_hook::set_once();
}

/// A result as a plain JS value, through JSON text: one string crosses into JS and `JSON.parse`
/// builds the objects, instead of one JS call per array element (which made long continual
/// curves cost hundreds of milliseconds per report).
fn to_plain<T: Serialize>(value: &T) -> Result<JsValue> {
    let fail = |e: String| Error::Backend {
        reason: format!("could not convert the result for JavaScript: {e}"),
    };
    let text = serde_json::to_string(value).map_err(|e| fail(e.to_string()))?;
    js_sys::JSON::parse(&text).map_err(|e| fail(format!("{e:?}")))
}

/// A count from JS (`number`): a whole number within `field`'s bounds.
fn count(field: Field, value: f64) -> Result<u32> {
    field.check(value)?;
    Ok(value as u32)
}

/// A `train()` stream call's cadence from JS numbers (each checked by its field), the steps the
/// stream still trains, and its evaluation options, read by `evaluation` (checked before anything
/// trains).
fn cadence_of<E>(
    every: f64,
    left: f64,
    eval_every: f64,
    evaluation: impl FnOnce() -> Result<Option<E>>,
) -> Result<(Cadence, u32, Option<E>)> {
    let cadence = Cadence {
        every: count(cadence::EVERY, every)?,
        eval_every: count(cadence::EVAL_EVERY, eval_every)?,
    };
    Ok((cadence, count(cadence::STREAM_STEPS, left)?, evaluation()?))
}

/// Whether WebGPU is usable here and why not; never opens a burn device.
#[wasm_bindgen]
pub async fn capabilities() -> std::result::Result<JsValue, JsValue> {
    to_plain(&crate::device::capabilities().await).map_err(to_js)
}

/// What the core offers ([`crate::catalog::Catalog`]): every choice list, every number's bounds
/// and default, and the per-call limits.
#[wasm_bindgen]
pub fn catalog() -> std::result::Result<JsValue, JsValue> {
    to_plain(&crate::catalog::catalog()).map_err(to_js)
}

/// Cancels worker request `call` (its caller's `AbortSignal` fired): a long call stops at its
/// next chunk with `aborted`. `false` when no such call is running.
#[wasm_bindgen]
pub fn cancel(call: u32) -> bool {
    pace::cancel(call)
}

/// Tensors read back from the device since this instance started (sync points; see
/// `device::read_f32`).
#[wasm_bindgen]
pub fn readbacks() -> f64 {
    crate::device::readbacks() as f64
}

/// Number of live sessions and continual runs (for leak tests).
#[wasm_bindgen(js_name = liveSessions)]
pub fn live_sessions() -> u32 {
    Registry::len::<Session>()
        + Registry::len::<ClRun>()
        + Registry::len::<ClassifySession>()
        + Registry::len::<crate::continual::run::classroom::FederatedClient>()
        + Registry::len::<crate::markov::session::MarkovSession>()
}

/// Whether the WebGPU device was lost (sessions on it answer `device_lost`).
#[wasm_bindgen(js_name = gpuLost)]
pub fn gpu_lost() -> bool {
    crate::device::lost().is_some()
}

/// The worker tells the core that the browser reported the WebGPU device lost
/// (`GPUDevice.lost`): sessions on it answer `device_lost`, new ones use the CPU.
#[wasm_bindgen(js_name = deviceLost)]
pub fn device_lost(reason: String) {
    crate::device::mark_lost(&reason);
}
