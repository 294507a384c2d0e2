//! The in-context classifier as a file (safetensors, format `iclab/classifier/1`): every
//! parameter as an f32 tensor named by its module path (as `iclab icl` checkpoints name them),
//! and as metadata the experiment's `config` (the `ClassifyConfig` JSON: the task's world is
//! drawn from its seed, so the classes the model learned come back with it), the `step` and the
//! `history` of in-context accuracies its emergence step is read from. A loaded classifier trains
//! on: plain SGD keeps no state besides the weights (the batches it draws next are new ones).

use std::collections::BTreeMap;

use safetensors::{Dtype, SafeTensors};

use super::ClassifySession;
use crate::classify::ClassifyConfig;
use crate::device::DeviceChoice;
use crate::error::lost_model;
use crate::icl::checkpoint::{assign_named, named_tensors};
use crate::{Error, Result};

pub const FORMAT: &str = "iclab/classifier/1";

impl ClassifySession {
    /// The classifier with its config, step and evaluation history, as safetensors bytes.
    pub async fn save(&self) -> Result<Vec<u8>> {
        let model = self.model.as_ref().ok_or_else(lost_model)?;
        let tensors = named_tensors(model).await?;
        let raw: Vec<(String, Vec<usize>, Vec<u8>)> = tensors
            .into_iter()
            .map(|(n, s, v)| (n, s, v.iter().flat_map(|x| x.to_le_bytes()).collect()))
            .collect();
        let mut views = Vec::with_capacity(raw.len());
        for (name, shape, bytes) in &raw {
            let view = safetensors::tensor::TensorView::new(Dtype::F32, shape.clone(), bytes)
                .map_err(|e| Error::backend(format!("cannot store `{name}`: {e}")))?;
            views.push((name.clone(), view));
        }
        let mut metadata = hashbrown::HashMap::new();
        metadata.insert("format".to_owned(), FORMAT.to_owned());
        metadata.insert("config".to_owned(), json(&self.config)?);
        metadata.insert("step".to_owned(), self.step.to_string());
        metadata.insert("history".to_owned(), json(&self.history)?);
        safetensors::serialize(views, Some(metadata))
            .map_err(|e| Error::backend(format!("cannot write the classifier: {e}")))
    }

    /// A classifier file's experiment, on `device` (default: the one it was trained on).
    pub async fn load(bytes: &[u8], device: Option<DeviceChoice>) -> Result<Self> {
        let bad = |e: safetensors::SafeTensorError| {
            Error::checkpoint(format!("not a safetensors file: {e}"))
        };
        let (_, meta) = SafeTensors::read_metadata(bytes).map_err(bad)?;
        let st = SafeTensors::deserialize(bytes).map_err(bad)?;
        let info = meta
            .metadata()
            .as_ref()
            .ok_or_else(|| Error::checkpoint("no metadata: not written by iclab"))?;
        let format = info.get("format").map(String::as_str).unwrap_or("");
        if format != FORMAT {
            return Err(Error::checkpoint(format!(
                "format is `{}`, expected `{FORMAT}` (an in-context classifier saved by iclab)",
                crate::error::shown(format)
            )));
        }
        let get = |key: &str| {
            info.get(key)
                .ok_or_else(|| Error::checkpoint(format!("metadata has no `{key}`")))
        };
        let mut config = ClassifyConfig::from_json(get("config")?)
            .map_err(|e| Error::checkpoint(format!("its config is invalid: {e}")))?;
        if let Some(device) = device {
            config.device = device;
        }
        let step: u32 = get("step")?
            .parse()
            .ok()
            .filter(|&s| s <= crate::train::MAX_STEP)
            .ok_or_else(|| Error::checkpoint("metadata `step` is not a step"))?;
        let history: Vec<(u32, f64)> = serde_json::from_str(get("history")?)
            .map_err(|e| Error::checkpoint(format!("its history is invalid: {e}")))?;
        if history
            .iter()
            .any(|&(s, a)| s > step || !(0.0..=1.0).contains(&a))
        {
            return Err(Error::checkpoint(
                "its history has an evaluation after its step or an accuracy outside [0, 1]",
            ));
        }
        let mut tensors = BTreeMap::new();
        for (name, view) in st.tensors() {
            let values = crate::icl::checkpoint::f32_values(&name, &view)?;
            tensors.insert(name, (view.shape().to_vec(), values));
        }
        let mut session = Self::new(config).await?;
        let model = session.model.take().ok_or_else(lost_model)?;
        let device = session.compute.train.clone();
        session.model = Some(assign_named(model, &tensors, &device)?);
        session.step = step;
        session.history = history;
        Ok(session)
    }
}

/// JSON text of a metadata value.
fn json<T: serde::Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value)
        .map_err(|e| Error::backend(format!("cannot write the metadata: {e}")))
}
