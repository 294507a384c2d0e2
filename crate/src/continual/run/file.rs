//! A trained continual learner as a file (safetensors, format `iclab/continual-learner/1`): the
//! run's config (its dataset included, so a table travels with the learner trained on it), where
//! in the stream it stopped and everything it measured on the way (the curves, the accuracy
//! matrix's rows, the plasticity measures), and the learner itself:
//!
//! | tensors | learner |
//! |---|---|
//! | `model.*` (f32, the MLP's parameters by module path, as `iclab icl` checkpoints name them) | networks trained by a strategy, the prototypical network |
//! | `prototypes.means` `[classes, width]`, `prototypes.counts` (f64) | the prototypical network |
//! | `embed.*` (f32) | prototype and analytic learners on an embedding |
//! | `learner.*` (f64, row by row) | nearest class mean (`means`, `counts`), streaming LDA (`means`, `counts`, `scatter`, `covariance`, `seen`, `weights`, `biases`), the analytic head (`expansion.weight`, `expansion.bias`, `r`, `w`, `gram`, `target`, `forgotten`, `seen`) |
//!
//! Metadata: `format`, `config` (the `ClConfig` JSON), `history` (JSON: the step, the segment
//! and the run's measurements). Loading rebuilds the run from its config, puts the learner and
//! the history back and evaluates nothing new: the loaded run reports exactly what the saved one
//! did. It is not trained further: a strategy's state (a replay memory, EWC's anchors, the
//! optimizer's moments) is not in the file, so training on would not be the run it came from.

use std::collections::BTreeMap;

use safetensors::{Dtype, SafeTensors};
use serde::{Deserialize, Serialize};

use super::learner::Learner;
use super::{ClConfig, ClRun};
use crate::continual::digits::Digits;
use crate::continual::learners::State;
use crate::continual::plasticity::PlasticityPoint;
use crate::icl::checkpoint::{assign_named, named_tensors};
use crate::{Error, Result};

pub const FORMAT: &str = "iclab/continual-learner/1";

/// Where the run stopped and what it had measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct History {
    step: u32,
    segment: usize,
    segment_step: u32,
    iterations: Vec<u32>,
    curves: Vec<Vec<f64>>,
    ends: Vec<usize>,
    random_init: Vec<f64>,
    class_accuracy: Vec<f64>,
    plasticity: Vec<PlasticityPoint>,
    unlearned: Vec<u32>,
}

type F32s = BTreeMap<String, (Vec<usize>, Vec<f32>)>;

/// Tensors whose names start with `prefix.`, the prefix taken off.
fn under<T: Clone>(
    all: &BTreeMap<String, (Vec<usize>, Vec<T>)>,
    prefix: &str,
) -> BTreeMap<String, (Vec<usize>, Vec<T>)> {
    all.iter()
        .filter_map(|(name, v)| {
            name.strip_prefix(prefix)
                .and_then(|n| n.strip_prefix('.'))
                .map(|n| (n.to_owned(), v.clone()))
        })
        .collect()
}

fn prefixed<T>(
    prefix: &str,
    entries: impl IntoIterator<Item = (String, Vec<usize>, Vec<T>)>,
) -> Vec<(String, Vec<usize>, Vec<T>)> {
    entries
        .into_iter()
        .map(|(name, shape, values)| (format!("{prefix}.{name}"), shape, values))
        .collect()
}

fn state_entries(state: State) -> impl Iterator<Item = (String, Vec<usize>, Vec<f64>)> {
    state
        .into_iter()
        .map(|(name, (shape, values))| (name, shape, values))
}

impl ClRun {
    /// The learner as trained so far, with its config and history, as safetensors bytes.
    pub async fn save(&self) -> Result<Vec<u8>> {
        self.compute.ensure_alive()?;
        let mut f32s = Vec::new();
        let mut f64s = Vec::new();
        match &self.learner {
            Learner::Net(net) => f32s.extend(prefixed("model", named_tensors(&net.model).await?)),
            Learner::Proto(p) => {
                f32s.extend(prefixed("model", named_tensors(&p.model).await?));
                f64s.extend(prefixed(
                    "prototypes",
                    state_entries(p.prototypes.export().await?),
                ));
            }
            Learner::Host(host) => {
                if let Some(embed) = &host.embed {
                    f32s.extend(prefixed("embed", named_tensors(embed).await?));
                }
                f64s.extend(prefixed("learner", state_entries(host.learner.export())));
            }
        }
        let history = History {
            step: self.step,
            segment: self.segment,
            segment_step: self.segment_step,
            iterations: self.iterations.clone(),
            curves: self.curves.clone(),
            ends: self.ends.clone(),
            random_init: self.random_init.clone(),
            class_accuracy: self.class_accuracy.clone(),
            plasticity: self.plasticity.clone(),
            unlearned: self.unlearned.clone(),
        };
        let raw: Vec<(String, Dtype, Vec<usize>, Vec<u8>)> = f32s
            .into_iter()
            .map(|(n, s, v)| {
                (
                    n,
                    Dtype::F32,
                    s,
                    v.iter().flat_map(|x| x.to_le_bytes()).collect(),
                )
            })
            .chain(f64s.into_iter().map(|(n, s, v)| {
                (
                    n,
                    Dtype::F64,
                    s,
                    v.iter().flat_map(|x| x.to_le_bytes()).collect(),
                )
            }))
            .collect();
        let mut views = Vec::with_capacity(raw.len());
        for (name, dtype, shape, bytes) in &raw {
            let view = safetensors::tensor::TensorView::new(*dtype, shape.clone(), bytes)
                .map_err(|e| Error::backend(format!("cannot store `{name}`: {e}")))?;
            views.push((name.clone(), view));
        }
        let mut metadata = hashbrown::HashMap::new();
        metadata.insert("format".to_owned(), FORMAT.to_owned());
        metadata.insert("config".to_owned(), json(&self.config)?);
        metadata.insert("history".to_owned(), json(&history)?);
        safetensors::serialize(views, Some(metadata))
            .map_err(|e| Error::backend(format!("cannot write the learner: {e}")))
    }

    /// The config a learner file was trained with (to fetch what it needs, such as the digits,
    /// before [`Self::load`]).
    pub fn file_config(bytes: &[u8]) -> Result<ClConfig> {
        Ok(parse(bytes)?.config)
    }

    /// The run a learner file holds: rebuilt from its config, the learner and the history put
    /// back. Anything missing, misshapen or not finite is an error naming it.
    pub async fn load(bytes: &[u8], digits: Option<&Digits>) -> Result<Self> {
        let file = parse(bytes)?;
        let mut run = Self::new(&file.config, digits).await?;
        let h = file.history;
        let tasks = run.stream.tasks.len();
        let points = h.iterations.len();
        let segments = run.stream.order.len();
        if h.curves.len() != tasks
            || h.curves.iter().any(|c| c.len() != points)
            || h.random_init.len() != tasks
            || h.segment > segments
            || h.ends.len() > segments
            || h.ends.iter().any(|&e| e >= points.max(1))
            || h.iterations.last().is_some_and(|&s| s != h.step)
        {
            return Err(Error::checkpoint(
                "its history does not fit the stream its config builds",
            ));
        }
        let device = run.compute.train.clone();
        match &mut run.learner {
            Learner::Net(net) => {
                net.model = assign_named(net.model.clone(), &under(&file.f32s, "model"), &device)?;
            }
            Learner::Proto(p) => {
                p.model = assign_named(p.model.clone(), &under(&file.f32s, "model"), &device)?;
                p.prototypes
                    .import(&under(&file.f64s, "prototypes"), &device)?;
            }
            Learner::Host(host) => {
                if let Some(embed) = host.embed.take() {
                    let infer = run.compute.infer.clone();
                    host.embed = Some(assign_named(embed, &under(&file.f32s, "embed"), &infer)?);
                }
                host.learner.import(&under(&file.f64s, "learner"))?;
            }
        }
        run.step = h.step;
        run.segment = h.segment;
        run.segment_step = h.segment_step;
        run.iterations = h.iterations;
        run.curves = h.curves;
        run.ends = h.ends;
        run.random_init = h.random_init;
        run.class_accuracy = h.class_accuracy;
        run.plasticity = h.plasticity;
        run.unlearned = h.unlearned;
        run.loaded = true;
        Ok(run)
    }
}

/// What a learner file holds, checked.
struct Parsed {
    config: ClConfig,
    history: History,
    f32s: F32s,
    f64s: State,
}

fn parse(bytes: &[u8]) -> Result<Parsed> {
    let bad =
        |e: safetensors::SafeTensorError| Error::checkpoint(format!("not a safetensors file: {e}"));
    let (_, meta) = SafeTensors::read_metadata(bytes).map_err(bad)?;
    let st = SafeTensors::deserialize(bytes).map_err(bad)?;
    let info = meta
        .metadata()
        .as_ref()
        .ok_or_else(|| Error::checkpoint("no metadata: not written by iclab"))?;
    let format = info.get("format").map(String::as_str).unwrap_or("");
    if format != FORMAT {
        return Err(Error::checkpoint(format!(
            "format is `{}`, expected `{FORMAT}` (a continual learner saved by iclab)",
            crate::error::shown(format)
        )));
    }
    let text = |key: &str| {
        info.get(key)
            .ok_or_else(|| Error::checkpoint(format!("metadata has no `{key}`")))
    };
    let config = ClConfig::from_json(text("config")?)
        .map_err(|e| Error::checkpoint(format!("its config is invalid: {e}")))?;
    let history: History = serde_json::from_str(text("history")?)
        .map_err(|e| Error::checkpoint(format!("its history is invalid: {e}")))?;
    let (mut f32s, mut f64s) = (F32s::new(), State::new());
    for (name, view) in st.tensors() {
        let shape = view.shape().to_vec();
        match view.dtype() {
            Dtype::F32 => {
                let v: Vec<f32> = view
                    .data()
                    .chunks_exact(4)
                    .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                    .collect();
                if let Some(x) = v.iter().find(|x| !x.is_finite()) {
                    return Err(Error::checkpoint(format!("`{name}` contains {x}")));
                }
                f32s.insert(name, (shape, v));
            }
            Dtype::F64 => {
                let v: Vec<f64> = view
                    .data()
                    .chunks_exact(8)
                    .map(|b| f64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]))
                    .collect();
                if let Some(x) = v.iter().find(|x| !x.is_finite()) {
                    return Err(Error::checkpoint(format!("`{name}` contains {x}")));
                }
                f64s.insert(name, (shape, v));
            }
            other => {
                return Err(Error::checkpoint(format!(
                    "`{name}` is {other:?}, expected F32 or F64"
                )));
            }
        }
    }
    Ok(Parsed {
        config,
        history,
        f32s,
        f64s,
    })
}

/// JSON text of a metadata value.
fn json<T: Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value)
        .map_err(|e| Error::backend(format!("cannot write the metadata: {e}")))
}
