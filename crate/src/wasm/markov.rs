//! In-context Markov chains' bindings: create, train, evaluate, dispose.

use wasm_bindgen::prelude::*;

use super::errors::to_js;
use super::input::json_text;
use super::registry::Registry;
use super::{count, to_plain};
use crate::Result;
use crate::markov::session::{MarkovRunConfig, MarkovSession};
use crate::pace::Pace;

/// Starts a Markov run (`MarkovRunConfig` schema); resolves to `{ id, config, deviceInfo,
/// numParams }`, the config with every default filled in.
#[wasm_bindgen(js_name = markovCreate)]
pub async fn markov_create(config: JsValue) -> std::result::Result<JsValue, JsValue> {
    let create = async || -> Result<JsValue> {
        let config = MarkovRunConfig::from_json(&json_text("config", &config)?)?;
        let session = MarkovSession::new(config).await?;
        let resolved = session.config().clone();
        let (device_info, num_params) = (session.device_info().clone(), session.num_params());
        let id = Registry::insert(session);
        to_plain(&serde_json::json!({
            "id": id,
            "config": resolved,
            "deviceInfo": device_info,
            "numParams": num_params,
        }))
    };
    create().await.map_err(to_js)
}

/// Trains run `id` `steps` more steps (fresh chains each); resolves to the report.
#[wasm_bindgen(js_name = markovTrain)]
pub async fn markov_train(id: u32, steps: f64, call: u32) -> std::result::Result<JsValue, JsValue> {
    let steps = count(crate::train::TRAIN_STEPS, steps).map_err(to_js)?;
    let mut run = Registry::checkout::<MarkovSession>(id).map_err(to_js)?;
    let result = run.train_paced(steps, &mut Pace::of_call(call)).await;
    Registry::checkin(id, run);
    to_plain(&result.map_err(to_js)?).map_err(to_js)
}

/// Run `id` on its fixed evaluation chains: the KL to each rule, the loss, the stage, the
/// attention.
#[wasm_bindgen(js_name = markovEvaluate)]
pub async fn markov_evaluate(id: u32) -> std::result::Result<JsValue, JsValue> {
    let run = Registry::checkout::<MarkovSession>(id).map_err(to_js)?;
    let result = run.evaluate().await;
    Registry::checkin(id, run);
    to_plain(&result.map_err(to_js)?).map_err(to_js)
}

/// Frees a Markov run; `false` if there was none.
#[wasm_bindgen(js_name = markovDispose)]
pub fn markov_dispose(id: u32) -> bool {
    Registry::dispose::<MarkovSession>(id)
}
