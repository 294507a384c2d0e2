//! The continual learner's bindings: whole runs, and runs advanced step by step (boundary,
//! unlearning, dispose).

use wasm_bindgen::prelude::*;

use super::errors::to_js;
use super::input::json_text;
use super::registry::Registry;
use super::{count, to_plain};
use crate::continual::digits::Digits;
use crate::continual::run::classroom::{FederatedClient, Share};
use crate::continual::run::federated::{FederatedConfig, run_federated_paced};
use crate::continual::run::{ClConfig, ClRun, DataConfig};
use crate::pace::Pace;
use crate::{Error, Result};

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
        (DataConfig::TwoD(_) | DataConfig::Table(_), _) => Ok(None),
    }
}

/// One whole continual-learning run (`ClConfig` schema): accuracy matrix, per-evaluation curves
/// and metrics.
#[wasm_bindgen(js_name = continualRun)]
pub async fn continual_run(
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

/// Learn apart, merge together (`FederatedConfig` schema): each client's accuracy before the
/// merge, the merged and the joint learner's, FedAvg's; the digits asset when `run.dataset`
/// needs it.
#[wasm_bindgen(js_name = federatedRun)]
pub async fn federated_run(
    config: JsValue,
    digits: Option<Vec<u8>>,
    call: u32,
) -> std::result::Result<JsValue, JsValue> {
    let run = async || -> Result<JsValue> {
        let config = FederatedConfig::from_json(&json_text("config", &config)?)?;
        let digits = digits_for(&config.run, digits)?;
        let mut pace = Pace::of_call(call);
        to_plain(&run_federated_paced(&config, digits.as_ref(), &mut pace).await?)
    };
    run().await.map_err(to_js)
}

/// One page's client of a classroom (`FederatedConfig` schema and the client's number): learns
/// its share of the classes; resolves to `{ id, state, share }` (`share`: the JSON text another
/// page merges).
#[wasm_bindgen(js_name = federatedLearn)]
pub async fn federated_learn(
    config: JsValue,
    client: f64,
    digits: Option<Vec<u8>>,
    call: u32,
) -> std::result::Result<JsValue, JsValue> {
    let learn = async || -> Result<JsValue> {
        let config = FederatedConfig::from_json(&json_text("config", &config)?)?;
        let client = count(crate::continual::run::federated::CLIENT, client)?;
        let digits = digits_for(&config.run, digits)?;
        let mut pace = Pace::of_call(call);
        let learned = FederatedClient::learn(&config, client, digits.as_ref(), &mut pace).await?;
        let (state, share) = (learned.state(), learned.share().to_json());
        let id = Registry::insert(learned);
        to_plain(&serde_json::json!({ "id": id, "state": state, "share": share }))
    };
    learn().await.map_err(to_js)
}

/// Merges another page's share (its JSON text) into client `id`; resolves to the client's
/// state. A refused share changes nothing.
#[wasm_bindgen(js_name = federatedMerge)]
pub fn federated_merge(id: u32, share: &str) -> std::result::Result<JsValue, JsValue> {
    let mut client = Registry::checkout::<FederatedClient>(id).map_err(to_js)?;
    let result = Share::from_json(share)
        .and_then(|s| client.merge(&s))
        .map(|()| client.state());
    Registry::checkin(id, client);
    to_plain(&result.map_err(to_js)?).map_err(to_js)
}

/// Frees a classroom client; `false` if there was none.
#[wasm_bindgen(js_name = federatedDispose)]
pub fn federated_dispose(id: u32) -> bool {
    Registry::dispose::<FederatedClient>(id)
}

/// Starts a continual-learning run to be advanced step by step; resolves to `{ id, result }`.
#[wasm_bindgen(js_name = continualCreate)]
pub async fn continual_create(
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
#[wasm_bindgen(js_name = continualAdvance)]
pub async fn continual_advance(
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
#[wasm_bindgen(js_name = continualUnlearn)]
pub async fn continual_unlearn(id: u32, class: f64) -> std::result::Result<JsValue, JsValue> {
    let class = count(crate::continual::run::UNLEARN_CLASS, class).map_err(to_js)?;
    change_run(id, async |run| run.unlearn(class).await).await
}

/// What run `id`'s learner, as trained so far, answers for one input (a drawn digit's pixels).
#[wasm_bindgen(js_name = continualAnswer)]
pub async fn continual_answer(id: u32, input: Vec<f32>) -> std::result::Result<JsValue, JsValue> {
    let run = Registry::checkout::<ClRun>(id).map_err(to_js)?;
    let result = run.answer(&input).await;
    Registry::checkin(id, run);
    to_plain(&result.map_err(to_js)?).map_err(to_js)
}

/// Reads a visitor's table (`TableConfig` schema: its CSV text, and the order of its labels)
/// the way a run would; resolves to its size and labels, or rejects naming the row and column.
#[wasm_bindgen(js_name = readTable)]
pub fn read_table(config: JsValue) -> std::result::Result<JsValue, JsValue> {
    let read = || -> Result<JsValue> {
        let text = json_text("table", &config)?;
        let config: crate::continual::table::TableConfig =
            crate::error::deserialize_config(&mut serde_json::Deserializer::from_str(&text))?;
        to_plain(&config.read()?.summary())
    };
    read().map_err(to_js)
}

/// Run `id`'s learner as trained so far, with its config and history: the bytes of a learner
/// file (safetensors, `iclab/continual-learner/1`).
#[wasm_bindgen(js_name = continualSave)]
pub async fn continual_save(id: u32) -> std::result::Result<Vec<u8>, JsValue> {
    let run = Registry::checkout::<ClRun>(id).map_err(to_js)?;
    let result = run.save().await;
    Registry::checkin(id, run);
    result.map_err(to_js)
}

/// The run config a learner file holds (so the worker can fetch the data it needs first).
#[wasm_bindgen(js_name = continualFileConfig)]
pub fn continual_file_config(bytes: &[u8]) -> std::result::Result<JsValue, JsValue> {
    to_plain(&ClRun::file_config(bytes).map_err(to_js)?).map_err(to_js)
}

/// A run from a learner file, as it was saved; resolves to `{ id, result }`.
#[wasm_bindgen(js_name = continualLoad)]
pub async fn continual_load(
    bytes: Vec<u8>,
    digits: Option<Vec<u8>>,
) -> std::result::Result<JsValue, JsValue> {
    let load = async || -> Result<JsValue> {
        let config = ClRun::file_config(&bytes)?;
        let digits = digits_for(&config, digits)?;
        let run = ClRun::load(&bytes, digits.as_ref()).await?;
        let result = run.result()?;
        let id = Registry::insert(run);
        to_plain(&serde_json::json!({ "id": id, "result": result }))
    };
    load().await.map_err(to_js)
}

/// Frees a continual run; `false` if there was none.
#[wasm_bindgen(js_name = continualDispose)]
pub fn continual_dispose(id: u32) -> bool {
    Registry::dispose::<ClRun>(id)
}
