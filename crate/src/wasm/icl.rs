//! The in-context learner's bindings: sessions (create, load, save, train, evaluate, layers,
//! answer, dispose), baselines without a model, the inference cost and curve readings.

use wasm_bindgen::prelude::*;

use super::errors::to_js;
use super::input::{Numbers, json_text, json_text_of};
use super::registry::Registry;
use super::{cadence_of, count, to_plain};
use crate::device::DeviceChoice;
use crate::icl::answer::AnswerConfig;
use crate::icl::config::SessionConfig;
use crate::icl::evaluate::{self, EvalConfig};
use crate::icl::layers::LayersConfig;
use crate::icl::session::{self, Session};
use crate::pace::Pace;
use crate::schema::Field;
use crate::{Error, Result};

fn session_config(value: &JsValue) -> Result<SessionConfig> {
    SessionConfig::from_json(&json_text("config", value)?)
}

fn created(session: Session) -> std::result::Result<JsValue, JsValue> {
    let (config, device_info, num_params, step) = (
        session.config().clone(),
        session.device_info().clone(),
        session.num_params(),
        session.step(),
    );
    let id = Registry::insert(session);
    to_plain(&session::SessionInfo {
        id,
        config,
        device_info,
        num_params,
        step,
    })
    .map_err(|err| {
        Registry::dispose::<Session>(id);
        to_js(err)
    })
}

/// Validates `config`, opens the device, initializes the model; resolves to
/// `{ id, config, deviceInfo, numParams, step }`.
#[wasm_bindgen(js_name = sessionCreate)]
pub async fn session_create(config: JsValue) -> std::result::Result<JsValue, JsValue> {
    let config = session_config(&config).map_err(to_js)?;
    created(Session::new(config).await.map_err(to_js)?)
}

/// Restores a session from safetensors bytes on `device` ("auto", "webgpu" or "cpu").
#[wasm_bindgen(js_name = sessionLoad)]
pub async fn session_load(bytes: &[u8], device: JsValue) -> std::result::Result<JsValue, JsValue> {
    let device: DeviceChoice = if device.is_undefined() || device.is_null() {
        DeviceChoice::default()
    } else {
        let text = device
            .as_string()
            .ok_or_else(|| to_js(Error::invalid("device", "must be a string")))?;
        serde_json::from_value(serde_json::Value::String(text.clone())).map_err(|_| {
            to_js(Error::invalid(
                "device",
                format!("unknown device `{text}`, expected auto, webgpu or cpu"),
            ))
        })?
    };
    created(
        Session::from_checkpoint(bytes, device)
            .await
            .map_err(to_js)?,
    )
}

/// The session's model as safetensors bytes.
#[wasm_bindgen(js_name = sessionSave)]
pub async fn session_save(id: u32) -> std::result::Result<Vec<u8>, JsValue> {
    let session = Registry::checkout::<Session>(id).map_err(to_js)?;
    let result = session.save().await;
    Registry::checkin(id, session);
    result.map_err(to_js)
}

/// What error curves say at k = `dims` and at the last k: the model against its nearest rival
/// (`Evaluation.reading` for curves a page merged from several calls); `null` without a model or
/// a rival.
#[wasm_bindgen(js_name = readCurves)]
pub fn read_curves(curves: JsValue, dims: f64) -> std::result::Result<JsValue, JsValue> {
    let run = || -> Result<JsValue> {
        let dims = count(Field::int("dims", 1, 4096), dims)?;
        let reading = crate::icl::reading::read_json(
            &json_text_of("curves", &curves, Numbers::MayBeNaN)?,
            dims,
        )?;
        to_plain(&reading)
    };
    run().map_err(to_js)
}

/// Baselines only, for a session config's task, dims and points (no model, no device); `call`
/// is the worker request (see [`cancel`]).
#[wasm_bindgen(js_name = evaluateBaselines)]
pub async fn evaluate_baselines(
    config: JsValue,
    eval: JsValue,
    call: u32,
) -> std::result::Result<JsValue, JsValue> {
    let run = async || -> Result<JsValue> {
        let config = session_config(&config)?;
        let eval = EvalConfig::from_json(&json_text("evaluation", &eval)?)?;
        config.check_evaluation(&eval, false)?;
        let pool = config.pool();
        let result = evaluate::baselines_only_paced(
            &eval,
            config.task.kind(),
            config.task.class(),
            pool.as_ref(),
            eval.seed_for(config.seed),
            config.points as usize,
            config.dims as usize,
            &mut Pace::of_call(call),
        )
        .await?;
        to_plain(&result)
    };
    run().await.map_err(to_js)
}

/// Per-token inference cost of a session config's model: state carried between tokens and
/// multiply-adds per token at positions `1..=tokens` (no model, no device).
#[wasm_bindgen(js_name = inferenceCost)]
pub fn inference_cost(config: JsValue, tokens: f64) -> std::result::Result<JsValue, JsValue> {
    let run = || -> Result<JsValue> {
        let config = session_config(&config)?;
        let tokens = count(crate::model::cost::COST_TOKENS, tokens)?;
        to_plain(&crate::model::cost::inference_cost(
            &config.model(),
            tokens,
        )?)
    };
    run().map_err(to_js)
}

/// One report's worth of a `train()` stream: trains session `id` `left` more steps (this stream's rest),
/// `every` steps per report, evaluating on `eval` (`EvalConfig` schema; none when undefined) where
/// the core's cadence puts an evaluation (`evalEvery`, and the last step); resolves to
/// `{ report, evaluation? }`.
#[wasm_bindgen(js_name = sessionTrain)]
pub async fn session_train(
    id: u32,
    every: f64,
    left: f64,
    eval_every: f64,
    eval: JsValue,
    call: u32,
) -> std::result::Result<JsValue, JsValue> {
    // the evaluation's own fields are named inside `evaluate` (`evaluate.prompts`)
    let (cadence, left, eval) = cadence_of(every, left, eval_every, || {
        if eval.is_undefined() || eval.is_null() {
            return Ok(None);
        }
        let text = json_text("evaluate", &eval)?;
        let eval = EvalConfig::from_json(&text).map_err(|e| e.within("evaluate"))?;
        eval.validate().map_err(|e| e.within("evaluate"))?;
        Ok(Some(eval))
    })
    .map_err(to_js)?;
    let mut session = Registry::checkout::<Session>(id).map_err(to_js)?;
    if let Some(eval) = &eval
        && let Err(e) = session.config().check_evaluation(eval, true)
    {
        Registry::checkin(id, session);
        return Err(to_js(e.within("evaluate")));
    }
    let end = session.step().saturating_add(left);
    let result = session
        .train_on(cadence, end, eval.as_ref(), &mut Pace::of_call(call))
        .await;
    Registry::checkin(id, session);
    to_plain(&result.map_err(to_js)?).map_err(to_js)
}

/// Error vs k of the model and the requested baselines (`EvalConfig` schema).
#[wasm_bindgen(js_name = sessionEvaluate)]
pub async fn session_evaluate(
    id: u32,
    eval: JsValue,
    call: u32,
) -> std::result::Result<JsValue, JsValue> {
    let eval = json_text("evaluation", &eval)
        .and_then(|text| EvalConfig::from_json(&text))
        .map_err(to_js)?;
    let session = Registry::checkout::<Session>(id).map_err(to_js)?;
    let result = session
        .evaluate_paced(&eval, &mut Pace::of_call(call))
        .await;
    Registry::checkin(id, session);
    to_plain(&result.map_err(to_js)?).map_err(to_js)
}

/// What each layer computes (`LayersConfig` schema): per layer, read-out and probe errors and
/// the best-matching Newton iterations and GD steps.
#[wasm_bindgen(js_name = sessionLayers)]
pub async fn session_layers(
    id: u32,
    options: JsValue,
    call: u32,
) -> std::result::Result<JsValue, JsValue> {
    let options = json_text("layers", &options)
        .and_then(|text| LayersConfig::from_json(&text))
        .map_err(to_js)?;
    let session = Registry::checkout::<Session>(id).map_err(to_js)?;
    let result = session
        .layers_paced(&options, &mut Pace::of_call(call))
        .await;
    Registry::checkin(id, session);
    to_plain(&result.map_err(to_js)?).map_err(to_js)
}

/// What the model and the baselines answer to a written prompt (`AnswerConfig` schema).
#[wasm_bindgen(js_name = sessionAnswer)]
pub async fn session_answer(id: u32, prompt: JsValue) -> std::result::Result<JsValue, JsValue> {
    let prompt = json_text("prompt", &prompt)
        .and_then(|text| AnswerConfig::from_json(&text))
        .map_err(to_js)?;
    let session = Registry::checkout::<Session>(id).map_err(to_js)?;
    let result = session.answer(&prompt).await;
    Registry::checkin(id, session);
    to_plain(&result.map_err(to_js)?).map_err(to_js)
}

/// Frees a session; `false` if there was none. A session busy in a call is freed when the call ends.
#[wasm_bindgen(js_name = sessionDispose)]
pub fn session_dispose(id: u32) -> bool {
    Registry::dispose::<Session>(id)
}
