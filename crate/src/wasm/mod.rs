//! WebAssembly bindings: thin functions over [`crate::session::Session`], addressed by a
//! numeric id so no Rust borrow is ever held by JavaScript. Every export returns
//! `Result<_, JsValue>`; the error is a JS `Error` named `IclabError` with `code` and `field`.
//! No learning logic lives here.

pub mod errors;
mod registry;

use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::config::SessionConfig;
use crate::session::Session;
use crate::{Error, Result};
use errors::to_js;
use registry::Registry;

#[wasm_bindgen(start)]
fn start() {
    console_error_panic_hook::set_once();
}

fn to_plain<T: Serialize>(value: &T) -> Result<JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| Error::Backend {
            reason: format!("could not convert the result for JavaScript: {e}"),
        })
}

/// A count from JS (`number`): must be a whole number in `[min, max]`.
fn count(field: &str, value: f64, min: u32, max: u32) -> Result<u32> {
    if !value.is_finite()
        || value.fract() != 0.0
        || value < f64::from(min)
        || value > f64::from(max)
    {
        return Err(Error::invalid(
            field,
            format!("must be a whole number between {min} and {max}, got {value}"),
        ));
    }
    Ok(value as u32)
}

/// Whether WebGPU is usable here and why not; never opens a burn device.
#[wasm_bindgen]
pub async fn capabilities() -> std::result::Result<JsValue, JsValue> {
    to_plain(&crate::device::capabilities().await).map_err(to_js)
}

/// Information about a freshly created session.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Created {
    id: u32,
    config: SessionConfig,
    device_info: crate::device::DeviceInfo,
    num_params: usize,
}

/// Validates `config`, opens the device, initializes the model; resolves to
/// `{ id, config, deviceInfo, numParams }`.
#[wasm_bindgen(js_name = createSession)]
pub async fn create_session(config: JsValue) -> std::result::Result<JsValue, JsValue> {
    if config.is_object() && !js_sys::Array::is_array(&config) {
        let object: &js_sys::Object = config.unchecked_ref();
        for key in js_sys::Object::keys(object).iter() {
            let key = key.as_string().unwrap_or_default();
            crate::config::check_known_key(&key).map_err(to_js)?;
        }
    }
    let config =
        SessionConfig::parse(serde_wasm_bindgen::Deserializer::from(config)).map_err(to_js)?;
    let session = Session::new(config).await.map_err(to_js)?;
    let (config, device_info, num_params) = (
        session.config().clone(),
        session.device_info().clone(),
        session.num_params(),
    );
    let id = Registry::insert(session);
    to_plain(&Created {
        id,
        config,
        device_info,
        num_params,
    })
    .map_err(|err| {
        Registry::dispose(id);
        to_js(err)
    })
}

/// Trains `steps` steps; resolves to one report.
#[wasm_bindgen(js_name = trainSession)]
pub async fn train_session(id: u32, steps: f64) -> std::result::Result<JsValue, JsValue> {
    let steps = count("steps", steps, 1, crate::session::MAX_STEPS_PER_CALL).map_err(to_js)?;
    let mut session = Registry::checkout(id).map_err(to_js)?;
    let result = session.train(steps).await;
    Registry::checkin(id, session);
    to_plain(&result.map_err(to_js)?).map_err(to_js)
}

/// Error vs k on `prompts` fresh prompts.
#[wasm_bindgen(js_name = evaluateSession)]
pub async fn evaluate_session(id: u32, prompts: f64) -> std::result::Result<JsValue, JsValue> {
    let prompts = count("prompts", prompts, 1, crate::session::MAX_EVAL_PROMPTS).map_err(to_js)?;
    let session = Registry::checkout(id).map_err(to_js)?;
    let result = session.evaluate(prompts).await;
    Registry::checkin(id, session);
    to_plain(&result.map_err(to_js)?).map_err(to_js)
}

/// Frees a session; `false` if there was none. A session busy in a call is freed when the call ends.
#[wasm_bindgen(js_name = disposeSession)]
pub fn dispose_session(id: u32) -> bool {
    Registry::dispose(id)
}

/// Number of live sessions (for leak tests).
#[wasm_bindgen(js_name = liveSessions)]
pub fn live_sessions() -> u32 {
    Registry::len()
}
