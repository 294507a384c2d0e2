//! WebAssembly bindings: thin functions over [`crate::icl::session::Session`], addressed by a
//! numeric id so no Rust borrow is ever held by JavaScript. Every export returns
//! `Result<_, JsValue>`; the error is a JS `Error` named `IclabError` with `code` and `field`.
//! No learning logic lives here.

pub mod errors;
mod registry;

use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::classify::{ClassifyConfig, ClassifySession};
use crate::continual::digits::Digits;
use crate::continual::run::{ClConfig, ClRun, DataConfig};
use crate::device::DeviceChoice;
use crate::icl::config::SessionConfig;
use crate::icl::evaluate::{self, EvalConfig};
use crate::icl::layers::LayersConfig;
use crate::icl::session::{self, Session};
use crate::pace::{self, Pace};
use crate::schema::Field;
use crate::{Error, Result};
use errors::to_js;
use registry::Registry;

#[wasm_bindgen(start)]
fn start() {
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

/// Whether WebGPU is usable here and why not; never opens a burn device.
#[wasm_bindgen]
pub async fn capabilities() -> std::result::Result<JsValue, JsValue> {
    to_plain(&crate::device::capabilities().await).map_err(to_js)
}

/// A JS value as JSON text, with `JSON.stringify` semantics for what passes: `undefined`
/// properties vanish. A number that is not finite is an error naming its field (`JSON.stringify`
/// would write `null`, which a nullable field reads as "unset"); cycles, BigInts and objects that
/// are not plain (a `Map`, a `Date`) are an error naming the field.
fn json_text(field: &str, value: &JsValue) -> Result<String> {
    json_text_of(field, value, Numbers::Finite)
}

/// Which numbers a JS value may hold.
#[derive(Clone, Copy, PartialEq)]
enum Numbers {
    Finite,
    /// `NaN` marks a missing point (error curves); it becomes `null`, which reads back as NaN.
    MayBeNaN,
}

/// [`json_text`] with the numbers `numbers` allows.
fn json_text_of(field: &str, value: &JsValue, numbers: Numbers) -> Result<String> {
    if value.is_undefined() || value.is_null() {
        return Ok("{}".to_owned());
    }
    if !value.is_object() || js_sys::Array::is_array(value) {
        return Err(Error::invalid(field, "must be an object"));
    }
    check_plain(value, "", 0, numbers == Numbers::Finite)?;
    js_sys::JSON::stringify(value)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or_else(|| Error::invalid(field, "must be a plain object that JSON can represent"))
}

/// Deepest nesting a config may have; also stops cycles.
const MAX_DEPTH: usize = 8;
/// Most entries an array in a config may hold (the longest a valid config has is a curve of a
/// few hundred points); a longer one is refused before it is walked.
pub const MAX_ARRAY: u32 = 10_000;

/// Rejects what `JSON.stringify` would silently drop or choke on (functions, symbols, BigInts),
/// naming the field by its path (`dims`, `curriculum.interval`, `baselines[0]`).
fn check_plain(value: &JsValue, path: &str, depth: usize, finite: bool) -> Result<()> {
    let name = if path.is_empty() { "config" } else { path };
    if value.is_function() || value.is_symbol() || value.is_bigint() {
        return Err(Error::invalid(
            name,
            "must be a number, string, boolean, array or plain object (got a function, symbol or BigInt)",
        ));
    }
    if let Some(n) = value.as_f64()
        && finite
        && !n.is_finite()
    {
        return Err(Error::invalid(
            name,
            format!("must be a finite number, got {n}"),
        ));
    }
    if !value.is_object() {
        return Ok(());
    }
    let is_array = js_sys::Array::is_array(value);
    if is_array {
        let length = value.unchecked_ref::<js_sys::Array>().length();
        if length > MAX_ARRAY {
            return Err(Error::invalid(
                name,
                format!("holds {length} entries; at most {MAX_ARRAY}"),
            ));
        }
    }
    let proto = js_sys::Object::get_prototype_of(value);
    if !is_array
        && !proto.is_null()
        && JsValue::from(proto)
            != JsValue::from(js_sys::Object::get_prototype_of(&js_sys::Object::new()))
    {
        return Err(Error::invalid(
            name,
            "must be a plain object (not a Map, Set, Date or class instance)",
        ));
    }
    if depth >= MAX_DEPTH {
        return Err(Error::invalid(
            name,
            "nests too deeply (or refers to itself)",
        ));
    }
    let object: &js_sys::Object = value.unchecked_ref();
    for key in js_sys::Object::keys(object).iter() {
        let key_text = key.as_string().unwrap_or_default();
        let child = js_sys::Reflect::get(object, &key).unwrap_or(JsValue::UNDEFINED);
        let child_path = match (is_array, path.is_empty()) {
            (true, _) => format!("{path}[{key_text}]"),
            (false, true) => key_text,
            (false, false) => format!("{path}.{key_text}"),
        };
        check_plain(&child, &child_path, depth + 1, finite)?;
    }
    Ok(())
}

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
#[wasm_bindgen(js_name = createSession)]
pub async fn create_session(config: JsValue) -> std::result::Result<JsValue, JsValue> {
    let config = session_config(&config).map_err(to_js)?;
    created(Session::new(config).await.map_err(to_js)?)
}

/// Restores a session from safetensors bytes on `device` ("auto", "webgpu" or "cpu").
#[wasm_bindgen(js_name = loadSession)]
pub async fn load_session(bytes: &[u8], device: JsValue) -> std::result::Result<JsValue, JsValue> {
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
#[wasm_bindgen(js_name = saveSession)]
pub async fn save_session(id: u32) -> std::result::Result<Vec<u8>, JsValue> {
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

fn continual_config(config: &JsValue) -> Result<ClConfig> {
    ClConfig::from_json(&json_text("config", config)?)
}

/// The digits asset when the config needs it (`digits`: the bytes of `digits.bin`).
fn digits_for(config: &ClConfig, digits: Option<Vec<u8>>) -> Result<Option<Digits>> {
    match (&config.dataset, digits) {
        (DataConfig::Digits(_), Some(bytes)) => Digits::parse(&bytes).map(Some),
        (DataConfig::Digits(_), None) => Err(Error::invalid(
            "digits",
            "the digits dataset needs the bytes of digits.bin",
        )),
        (DataConfig::TwoD(_), _) => Ok(None),
    }
}

/// One whole continual-learning run (`ClConfig` schema): accuracy matrix, per-evaluation curves
/// and metrics.
#[wasm_bindgen(js_name = runContinual)]
pub async fn run_continual(
    config: JsValue,
    digits: Option<Vec<u8>>,
    call: u32,
) -> std::result::Result<JsValue, JsValue> {
    let run = async || -> Result<JsValue> {
        let config = continual_config(&config)?;
        let digits = digits_for(&config, digits)?;
        let mut pace = Pace::of_call(call);
        to_plain(&crate::continual::run::run_paced(&config, digits.as_ref(), &mut pace).await?)
    };
    run().await.map_err(to_js)
}

/// Starts a continual-learning run to be advanced step by step; resolves to `{ id, result }`.
#[wasm_bindgen(js_name = createContinual)]
pub async fn create_continual(
    config: JsValue,
    digits: Option<Vec<u8>>,
) -> std::result::Result<JsValue, JsValue> {
    let create = async || -> Result<JsValue> {
        let config = continual_config(&config)?;
        let digits = digits_for(&config, digits)?;
        let run = ClRun::new(&config, digits.as_ref()).await?;
        let result = run.result()?;
        let id = Registry::insert(run);
        to_plain(&serde_json::json!({ "id": id, "result": result }))
    };
    create().await.map_err(to_js)
}

/// Checks run `id` out, applies `change`, checks it back in; resolves to the run so far.
async fn change_run(
    id: u32,
    change: impl AsyncFnOnce(&mut ClRun) -> Result<()>,
) -> std::result::Result<JsValue, JsValue> {
    let mut run = Registry::checkout::<ClRun>(id).map_err(to_js)?;
    let result = match change(&mut run).await {
        Ok(()) => run.result(),
        Err(e) => Err(e),
    };
    Registry::checkin(id, run);
    to_plain(&result.map_err(to_js)?).map_err(to_js)
}

/// Trains up to `steps` more steps of run `id`; resolves to the run so far.
#[wasm_bindgen(js_name = advanceContinual)]
pub async fn advance_continual(
    id: u32,
    steps: f64,
    call: u32,
) -> std::result::Result<JsValue, JsValue> {
    let steps = count(crate::continual::run::ADVANCE_STEPS, steps).map_err(to_js)?;
    let mut pace = Pace::of_call(call);
    change_run(id, async |run| run.advance_paced(steps, &mut pace).await).await
}

/// The decision boundary of run `id` on a `resolution²` grid (2-D datasets; `null` otherwise).
#[wasm_bindgen(js_name = continualBoundary)]
pub async fn continual_boundary(id: u32, resolution: f64) -> std::result::Result<JsValue, JsValue> {
    let resolution =
        count(crate::continual::run::BOUNDARY_RESOLUTION, resolution).map_err(to_js)?;
    let run = Registry::checkout::<ClRun>(id).map_err(to_js)?;
    let result = run.boundary(resolution as usize).await;
    Registry::checkin(id, run);
    to_plain(&result.map_err(to_js)?).map_err(to_js)
}

/// Forgets class `class` exactly (analytic head); resolves to the run, evaluated again.
#[wasm_bindgen(js_name = unlearnContinual)]
pub async fn unlearn_continual(id: u32, class: f64) -> std::result::Result<JsValue, JsValue> {
    let class = count(crate::continual::run::UNLEARN_CLASS, class).map_err(to_js)?;
    change_run(id, async |run| run.unlearn(class).await).await
}

/// Frees a continual run; `false` if there was none.
#[wasm_bindgen(js_name = disposeContinual)]
pub fn dispose_continual(id: u32) -> bool {
    Registry::dispose::<ClRun>(id)
}

/// Starts an in-context classification experiment (`ClassifyConfig` schema); resolves to
/// `{ id, config, deviceInfo, numParams }`, the config with every default filled in.
#[wasm_bindgen(js_name = createClassify)]
pub async fn create_classify(config: JsValue) -> std::result::Result<JsValue, JsValue> {
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

/// Trains experiment `id` for `steps` steps; resolves to one report.
#[wasm_bindgen(js_name = trainClassify)]
pub async fn train_classify(
    id: u32,
    steps: f64,
    call: u32,
) -> std::result::Result<JsValue, JsValue> {
    let steps = count(crate::train::TRAIN_STEPS, steps).map_err(to_js)?;
    let mut run = Registry::checkout::<ClassifySession>(id).map_err(to_js)?;
    let result = run.train_paced(steps, &mut Pace::of_call(call)).await;
    Registry::checkin(id, run);
    to_plain(&result.map_err(to_js)?).map_err(to_js)
}

/// In-context and in-weights accuracy of experiment `id` on `prompts` sequences per split, with
/// its induction scores, every head's attention at the query and the emergence step so far.
#[wasm_bindgen(js_name = evaluateClassify)]
pub async fn evaluate_classify(
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
#[wasm_bindgen(js_name = disposeClassify)]
pub fn dispose_classify(id: u32) -> bool {
    Registry::dispose::<ClassifySession>(id)
}

/// What the core offers ([`crate::catalog::Catalog`]): every choice list, every number's bounds
/// and default, and the per-call limits.
#[wasm_bindgen]
pub fn catalog() -> std::result::Result<JsValue, JsValue> {
    to_plain(&crate::catalog::catalog()).map_err(to_js)
}

/// Trains `steps` steps; resolves to one report.
#[wasm_bindgen(js_name = trainSession)]
pub async fn train_session(
    id: u32,
    steps: f64,
    call: u32,
) -> std::result::Result<JsValue, JsValue> {
    let steps = count(crate::train::TRAIN_STEPS, steps).map_err(to_js)?;
    let mut session = Registry::checkout::<Session>(id).map_err(to_js)?;
    let result = session.train_paced(steps, &mut Pace::of_call(call)).await;
    Registry::checkin(id, session);
    to_plain(&result.map_err(to_js)?).map_err(to_js)
}

/// Error vs k of the model and the requested baselines (`EvalConfig` schema).
#[wasm_bindgen(js_name = evaluateSession)]
pub async fn evaluate_session(
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

/// Cancels worker request `call` (its caller's `AbortSignal` fired): a long call stops at its
/// next chunk with `aborted`. `false` when no such call is running.
#[wasm_bindgen]
pub fn cancel(call: u32) -> bool {
    pace::cancel(call)
}

/// Frees a session; `false` if there was none. A session busy in a call is freed when the call ends.
#[wasm_bindgen(js_name = disposeSession)]
pub fn dispose_session(id: u32) -> bool {
    Registry::dispose::<Session>(id)
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
    Registry::len::<Session>() + Registry::len::<ClRun>() + Registry::len::<ClassifySession>()
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
