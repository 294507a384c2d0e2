//! The in-context classification experiment's bindings: create, train, evaluate, dispose.

use wasm_bindgen::prelude::*;

use super::errors::to_js;
use super::input::json_text;
use super::registry::Registry;
use super::{cadence_of, count, to_plain};
use crate::Result;
use crate::classify::{ClassifyConfig, ClassifySession};
use crate::pace::Pace;

/// Starts an in-context classification experiment (`ClassifyConfig` schema); resolves to
/// `{ id, config, deviceInfo, numParams }`, the config with every default filled in.
#[wasm_bindgen(js_name = classifyCreate)]
pub async fn classify_create(config: JsValue) -> std::result::Result<JsValue, JsValue> {
    let create = async || -> Result<JsValue> {
        let config = ClassifyConfig::from_json(&json_text("config", &config)?)?;
        let session = ClassifySession::new(config).await?;
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

/// Experiment `id`'s classifier with its config, step and history: the bytes of a classifier
/// file (safetensors, `iclab/classifier/1`).
#[wasm_bindgen(js_name = classifySave)]
pub async fn classify_save(id: u32) -> std::result::Result<Vec<u8>, JsValue> {
    let session = Registry::checkout::<ClassifySession>(id).map_err(to_js)?;
    let result = session.save().await;
    Registry::checkin(id, session);
    result.map_err(to_js)
}

/// An experiment from a classifier file, on `device` (`"auto"`, `"webgpu"`, `"cpu"`; default the
/// file's); resolves to `{ id, config, deviceInfo, numParams, step }`.
#[wasm_bindgen(js_name = classifyLoad)]
pub async fn classify_load(
    bytes: Vec<u8>,
    device: JsValue,
) -> std::result::Result<JsValue, JsValue> {
    let load = async || -> Result<JsValue> {
        let device: Option<crate::device::DeviceChoice> = if device.is_undefined()
            || device.is_null()
        {
            None
        } else {
            let text = device
                .as_string()
                .ok_or_else(|| crate::Error::invalid("device", "must be a string"))?;
            Some(
                serde_json::from_value(serde_json::Value::String(text.clone())).map_err(|_| {
                    crate::Error::invalid(
                        "device",
                        format!("unknown device `{text}`, expected auto, webgpu or cpu"),
                    )
                })?,
            )
        };
        let session = ClassifySession::load(&bytes, device).await?;
        let resolved = session.config().clone();
        let (device_info, num_params) = (session.device_info().clone(), session.num_params());
        let step = session.step();
        let id = Registry::insert(session);
        to_plain(&serde_json::json!({
            "id": id,
            "config": resolved,
            "deviceInfo": device_info,
            "numParams": num_params,
            "step": step,
        }))
    };
    load().await.map_err(to_js)
}

/// One report's worth of a `train()` stream: trains experiment `id` `left` more steps (this stream's rest), `every`
/// steps per report, evaluating on `prompts` sequences per split (none when undefined) where the
/// core's cadence puts an evaluation (`evalEvery`, and the last step); resolves to
/// `{ report, evaluation? }`.
#[wasm_bindgen(js_name = classifyTrain)]
pub async fn classify_train(
    id: u32,
    every: f64,
    left: f64,
    eval_every: f64,
    prompts: Option<f64>,
    call: u32,
) -> std::result::Result<JsValue, JsValue> {
    // the evaluation's own fields are named inside `evaluate` (`evaluate.prompts`)
    let (cadence, left, prompts) = cadence_of(every, left, eval_every, || {
        prompts
            .map(|p| count(crate::classify::session::fields::PROMPTS, p))
            .transpose()
            .map_err(|e| e.within("evaluate"))
    })
    .map_err(to_js)?;
    let mut run = Registry::checkout::<ClassifySession>(id).map_err(to_js)?;
    if let Some(prompts) = prompts
        && let Err(e) = run.config().check_evaluation(prompts)
    {
        Registry::checkin(id, run);
        return Err(to_js(e.within("evaluate")));
    }
    let end = run.step().saturating_add(left);
    let result = run
        .train_on(cadence, end, prompts, &mut Pace::of_call(call))
        .await;
    Registry::checkin(id, run);
    to_plain(&result.map_err(to_js)?).map_err(to_js)
}

/// In-context and in-weights accuracy of experiment `id` on `prompts` sequences per split, with
/// its induction scores, every head's attention at the query and the emergence step so far.
#[wasm_bindgen(js_name = classifyEvaluate)]
pub async fn classify_evaluate(
    id: u32,
    prompts: f64,
    call: u32,
) -> std::result::Result<JsValue, JsValue> {
    let prompts = count(crate::classify::session::fields::PROMPTS, prompts).map_err(to_js)?;
    let mut run = Registry::checkout::<ClassifySession>(id).map_err(to_js)?;
    let result = run.evaluate_paced(prompts, &mut Pace::of_call(call)).await;
    Registry::checkin(id, run);
    to_plain(&result.map_err(to_js)?).map_err(to_js)
}

/// Frees an in-context classification experiment; `false` if there was none.
#[wasm_bindgen(js_name = classifyDispose)]
pub fn classify_dispose(id: u32) -> bool {
    Registry::dispose::<ClassifySession>(id)
}
