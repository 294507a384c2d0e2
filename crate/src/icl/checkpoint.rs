//! Checkpoints as safetensors files: every parameter as a little-endian f32 tensor named by its
//! module path, plus string metadata holding the session config and the step.
//!
//! # Tensor names (transformer)
//! | name | shape | PyTorch equivalent (GPT-2 naming of the reference code) |
//! |---|---|---|
//! | `read_in.weight`, `read_in.bias` | `[w, d_model]`, `[d_model]` | `_read_in` (weight transposed) |
//! | `wpe.weight` | `[s, d_model]` | `_backbone.wpe.weight` |
//! | `blocks.{i}.ln_1.gamma`, `.beta` | `[d_model]` | `h.{i}.ln_1.weight`, `.bias` |
//! | `blocks.{i}.attn.qkv.weight`, `.bias` | `[d_model, 3·d_model]` | `h.{i}.attn.c_attn` (GPT-2's Conv1D has this exact layout) |
//! | `blocks.{i}.attn.proj.weight`, `.bias` | `[d_model, d_model]` | `h.{i}.attn.c_proj` |
//! | `blocks.{i}.ln_2.gamma`, `.beta` | `[d_model]` | `h.{i}.ln_2` |
//! | `blocks.{i}.mlp.fc.weight`, `.bias` | `[d_model, 4·d_model]` | `h.{i}.mlp.c_fc` |
//! | `blocks.{i}.mlp.proj.weight`, `.bias` | `[4·d_model, d_model]` | `h.{i}.mlp.c_proj` |
//! | `ln_f.gamma`, `ln_f.beta` | `[d_model]` | `ln_f` |
//! | `read_out.weight`, `read_out.bias` | `[d_model, 1]`, `[1]` | `_read_out` (weight transposed) |
//!
//!
//! `w` and `s` are the token width and the prompt's length in tokens, set by the config's `tokens`
//! layout (crate/src/icl/tokens.rs): `d` and `2·points` interleaved (the reference's layout),
//! `2d + 1` and `points` paired.
//!
//! # Tensor names (xLSTM)
//! Block `i` holds either `mlstm.*` or `slstm.*` (+ `ffn_norm`, `ffn`), which says its kind.
//! `inner` = 2·d_model, `heads` as configured, `hd` = d_model/heads, `ffn` = 4/3·d_model rounded
//! up to 64. Equivalents in the reference NX-AI/xlstm (`xlstm_block_stack.blocks.{i}.…`):
//!
//! | name | shape | reference equivalent |
//! |---|---|---|
//! | `read_in.weight`, `.bias` | `[w, d_model]`, `[d_model]` | (iclab's read-in, as the transformer's) |
//! | `blocks.{i}.norm.gamma` | `[d_model]` | `xlstm_norm.weight` + 1 (the reference stores an offset from 1) |
//! | `blocks.{i}.mlstm.proj_up.weight` | `[d_model, 2·inner]` | `xlstm.proj_up.weight` (transposed; first half the cell branch, second `z`) |
//! | `blocks.{i}.mlstm.conv.weight`, `.bias` | `[inner, 4]`, `[inner]` | `xlstm.conv1d.conv.weight` `[inner, 1, 4]`, `.bias` |
//! | `blocks.{i}.mlstm.{q,k,v}_proj.weight` | `[inner/4, 4, 4]` | `xlstm.{q,k,v}_proj.weight` (same layout) |
//! | `blocks.{i}.mlstm.cell.{igate,fgate}.weight`, `.bias` | `[3·inner, heads]`, `[heads]` | `xlstm.mlstm_cell.{igate,fgate}` (weight transposed) |
//! | `blocks.{i}.mlstm.cell.norm.weight` | `[inner]` | `xlstm.mlstm_cell.outnorm.weight` + 1 |
//! | `blocks.{i}.mlstm.skip` | `[inner]` | `xlstm.learnable_skip` |
//! | `blocks.{i}.mlstm.proj_down.weight` | `[inner, d_model]` | `xlstm.proj_down.weight` (transposed) |
//! | `blocks.{i}.slstm.conv.weight`, `.bias` | `[d_model, 4]`, `[d_model]` | `xlstm.conv1d.conv` |
//! | `blocks.{i}.slstm.{igate,fgate,zgate,ogate}.weight` | `[heads, hd, hd]` | `xlstm.{i,f,z,o}gate.weight` (same layout) |
//! | `blocks.{i}.slstm.cell.recurrent` | `[heads, hd, 4·hd]` | the sLSTM cell's recurrent kernel; `[h, j, g·hd + u]` maps unit j of head h to gate g (i, f, z, o) of unit u |
//! | `blocks.{i}.slstm.cell.bias` | `[4, d_model]` | the sLSTM cell's bias, gate-major (i, f, z, o) |
//! | `blocks.{i}.slstm.norm.weight` | `[d_model]` | `xlstm.group_norm.weight` + 1 |
//! | `blocks.{i}.ffn_norm.gamma` | `[d_model]` | `ffn_norm.weight` + 1 |
//! | `blocks.{i}.ffn.proj_up.weight`, `.proj_down.weight` | `[d_model, 2·ffn]`, `[ffn, d_model]` | `ffn.proj_up`, `ffn.proj_down` (transposed; up: first half the GELU gate) |
//! | `post_norm.gamma` | `[d_model]` | `post_blocks_norm.weight` + 1 |
//! | `read_out.weight`, `.bias` | `[d_model, 1]`, `[1]` | (iclab's read-out) |
//!
//! Projections inside the blocks and the LayerNorms have no bias, as in the reference.
//! `tests/python/check_checkpoint.py` rebuilds both backbones in numpy from these names alone.
//!
//! burn stores `Linear` weights as `[in, out]`; `torch.nn.Linear.weight` is `[out, in]`, so
//! transpose those for `nn.Linear` (GPT-2's `Conv1D` uses `[in, out]` as stored). LayerNorm
//! epsilon is 1e-5 as in PyTorch. Metadata keys: `format` (`iclab/transformer/2`, `iclab/transformer/1` or `iclab/xlstm/1`, see
//! [`FORMATS`]: version 1 of the transformer applies the exact GELU, version 2 the tanh one), `config` (the JSON
//! session config, same schema as `createSession`), `step`. Configs written before the function
//! class became a tagged object (`"task": "sparse_linear", "sparsity": 2` at the top level, every
//! shipped checkpoint up to December 2026) are read as `"task": {"kind": "sparse_linear",
//! "sparsity": 2}` ([`crate::icl::config::upgrade_config`]); a checkpoint saved again is written in the new form.

use std::collections::BTreeMap;

use burn::module::{Module, ModuleMapper, ModuleVisitor, Param};
use burn::tensor::{Device, Tensor, TensorData};
use safetensors::{Dtype, SafeTensors};

use crate::icl::config::{Activation, Backbone, SessionConfig};
use crate::model::Model;
use crate::{Error, Result};

/// The format tags iclab reads, each with the backbone it holds and whether its MLPs apply the
/// exact (erf) GELU: `iclab/transformer/2` is a transformer with GELU's tanh approximation (the
/// reference's `gelu_new`, written since iclab follows it); `iclab/transformer/1` one trained
/// with the exact GELU before, restored with that GELU; `iclab/xlstm/1` an xLSTM.
pub const FORMATS: [(&str, Backbone, bool); 3] = [
    ("iclab/transformer/2", Backbone::Transformer, false),
    ("iclab/transformer/1", Backbone::Transformer, true),
    ("iclab/xlstm/1", Backbone::Xlstm, false),
];

/// The format tag that describes `model` exactly (see [`FORMATS`]).
pub fn format_of(model: &Model) -> &'static str {
    let (backbone, exact) = match model {
        Model::Transformer(t) => (Backbone::Transformer, t.activation() == Activation::Gelu),
        Model::Xlstm(_) => (Backbone::Xlstm, false),
    };
    FORMATS
        .iter()
        .find(|&&(_, b, e)| b == backbone && e == exact)
        .map_or(FORMATS[0].0, |&(tag, _, _)| tag)
}

/// The backbone a format tag names, and whether its MLPs use the exact GELU.
fn parse_format(format: &str) -> Option<(Backbone, bool)> {
    FORMATS
        .iter()
        .find(|&&(tag, _, _)| tag == format)
        .map(|&(_, backbone, exact)| (backbone, exact))
}

/// What a checkpoint holds besides the weights.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    pub config: SessionConfig,
    pub step: u32,
}

/// Collects every float parameter with its dotted module path.
#[derive(Default)]
struct Collect {
    path: ModulePath,
    tensors: Vec<(String, Vec<usize>, Tensor<1>)>,
}

/// The dotted path of the module being visited. Enum variants (which backbone, which block
/// kind) are not part of tensor names: the config says which variant each module is.
#[derive(Default)]
struct ModulePath(Vec<String>);

impl ModulePath {
    fn enter(&mut self, name: &str, container: &str) {
        if !container.starts_with("Enum:") {
            self.0.push(name.to_owned());
        }
    }

    fn exit(&mut self, container: &str) {
        if !container.starts_with("Enum:") {
            self.0.pop();
        }
    }

    fn name(&self) -> String {
        self.0.join(".")
    }
}

impl ModuleVisitor for Collect {
    fn enter_module(&mut self, name: &str, container: &str) {
        self.path.enter(name, container);
    }

    fn exit_module(&mut self, _name: &str, container: &str) {
        self.path.exit(container);
    }

    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        let tensor = param.val();
        let shape = tensor.dims().to_vec();
        let n: usize = shape.iter().product();
        self.tensors
            .push((self.path.name(), shape, tensor.reshape([n])));
    }
}

/// The weights of `model` with their names, read back from the device in one read: the
/// flattened tensors are concatenated on the device first, so a snapshot is one sync point.
pub async fn named_tensors<M: Module>(model: &M) -> Result<Vec<(String, Vec<usize>, Vec<f32>)>> {
    let mut collect = Collect::default();
    model.visit(&mut collect);
    let (mut meta, flat): (Vec<(String, Vec<usize>)>, Vec<Tensor<1>>) = collect
        .tensors
        .into_iter()
        .map(|(name, shape, tensor)| ((name, shape), tensor))
        .unzip();
    if flat.is_empty() {
        return Ok(Vec::new());
    }
    let all = crate::device::read_f32(Tensor::cat(flat, 0), "the weights").await?;
    let mut out = Vec::with_capacity(meta.len());
    let mut at = 0;
    for (name, shape) in meta.drain(..) {
        let n: usize = shape.iter().product();
        let values = all
            .get(at..at + n)
            .ok_or_else(|| {
                Error::backend(format!("the device returned too few values for `{name}`"))
            })?
            .to_vec();
        at += n;
        out.push((name, shape, values));
    }
    Ok(out)
}

/// Serializes `model` with its config and step.
pub async fn save(model: &Model, header: &Header) -> Result<Vec<u8>> {
    let tensors = named_tensors(model).await?;
    let bytes: Vec<(String, Vec<usize>, Vec<u8>)> = tensors
        .into_iter()
        .map(|(name, shape, values)| {
            let raw = values.iter().flat_map(|v| v.to_le_bytes()).collect();
            (name, shape, raw)
        })
        .collect();
    let mut views = Vec::with_capacity(bytes.len());
    for (name, shape, raw) in &bytes {
        let view = safetensors::tensor::TensorView::new(Dtype::F32, shape.clone(), raw)
            .map_err(|e| Error::backend(format!("cannot store `{name}`: {e}")))?;
        views.push((name.clone(), view));
    }
    let config = serde_json::to_string(&header.config)
        .map_err(|e| Error::backend(format!("cannot serialize the config: {e}")))?;
    let mut metadata = hashbrown::HashMap::new();
    metadata.insert("format".to_owned(), format_of(model).to_owned());
    metadata.insert("config".to_owned(), config);
    metadata.insert("step".to_owned(), header.step.to_string());
    safetensors::serialize(views, Some(metadata))
        .map_err(|e| Error::backend(format!("cannot write the checkpoint: {e}")))
}

/// A parsed checkpoint: header plus named f32 tensors, checked for format and finiteness.
pub struct Loaded {
    pub header: Header,
    tensors: BTreeMap<String, (Vec<usize>, Vec<f32>)>,
}

/// Parses and checks a checkpoint without touching a device.
pub fn parse(bytes: &[u8]) -> Result<Loaded> {
    let (_, meta) = SafeTensors::read_metadata(bytes)
        .map_err(|e| Error::checkpoint(format!("not a safetensors file: {e}")))?;
    let st = SafeTensors::deserialize(bytes)
        .map_err(|e| Error::checkpoint(format!("not a safetensors file: {e}")))?;
    let info = meta
        .metadata()
        .as_ref()
        .ok_or_else(|| Error::checkpoint("no metadata: not written by iclab"))?;
    let format = info.get("format").map(String::as_str).unwrap_or("");
    let Some((backbone, exact_gelu)) = parse_format(format) else {
        return Err(Error::checkpoint(format!(
            "format is `{}`, expected one of {:?}",
            crate::error::shown(format),
            FORMATS.map(|(tag, _, _)| tag)
        )));
    };
    let config_text = info
        .get("config")
        .ok_or_else(|| Error::checkpoint("metadata has no `config`"))?;
    let mut config = SessionConfig::from_json(config_text)
        .map_err(|e| Error::checkpoint(format!("its config is invalid: {e}")))?;
    // the old format is the exact GELU, whatever its config (written before it named one) says
    if exact_gelu {
        if config.activation == Activation::Relu {
            return Err(Error::checkpoint(format!(
                "format `{format}` holds a transformer with the exact GELU, but its config's activation is `relu`"
            )));
        }
        config.activation = Activation::Gelu;
    }
    if config.model != backbone {
        return Err(Error::checkpoint(format!(
            "format `{}` does not match its config's model `{}`",
            crate::error::shown(format),
            config.model.name()
        )));
    }
    let step = info
        .get("step")
        .and_then(|s| s.parse::<u32>().ok())
        .ok_or_else(|| Error::checkpoint("metadata `step` is missing or not a number"))?;
    if step > crate::train::MAX_STEP {
        return Err(Error::checkpoint(format!(
            "metadata `step` is {step}, past the most a model may be trained ({})",
            crate::train::MAX_STEP
        )));
    }
    let mut tensors = BTreeMap::new();
    for (name, view) in st.tensors() {
        let values = f32_values(&name, &view)?;
        tensors.insert(name, (view.shape().to_vec(), values));
    }
    Ok(Loaded {
        header: Header { config, step },
        tensors,
    })
}

/// A stored tensor's values: F32, every one finite, or an error naming the tensor (every iclab
/// file's weights are read through this).
pub fn f32_values(name: &str, view: &safetensors::tensor::TensorView<'_>) -> Result<Vec<f32>> {
    if view.dtype() != Dtype::F32 {
        return Err(Error::checkpoint(format!(
            "`{name}` is {:?}, expected F32",
            view.dtype()
        )));
    }
    let values: Vec<f32> = view
        .data()
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect();
    if let Some(bad) = values.iter().find(|v| !v.is_finite()) {
        return Err(Error::checkpoint(format!("`{name}` contains {bad}")));
    }
    Ok(values)
}

/// Replaces every parameter with the tensor of the same name, checking shapes.
struct Assign<'a> {
    path: ModulePath,
    tensors: &'a BTreeMap<String, (Vec<usize>, Vec<f32>)>,
    device: Device,
    used: usize,
    error: Option<Error>,
}

impl ModuleMapper for Assign<'_> {
    fn enter_module(&mut self, name: &str, container: &str) {
        self.path.enter(name, container);
    }

    fn exit_module(&mut self, _name: &str, container: &str) {
        self.path.exit(container);
    }

    fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
        if self.error.is_some() {
            return param;
        }
        let name = self.path.name();
        let expected = param.val().dims().to_vec();
        match self.tensors.get(&name) {
            None => {
                self.error = Some(Error::checkpoint(format!("tensor `{name}` is missing")));
                param
            }
            Some((shape, _)) if *shape != expected => {
                self.error = Some(Error::checkpoint(format!(
                    "tensor `{name}` has shape {shape:?}, the config needs {expected:?}"
                )));
                param
            }
            Some((shape, values)) => {
                self.used += 1;
                let tensor = Tensor::<D>::from_data(
                    TensorData::new(values.clone(), shape.clone()),
                    &self.device,
                );
                let id = param.id;
                param.transform_for_load(tensor, id)
            }
        }
    }
}

impl Loaded {
    /// Loads the weights into `model` (built from `self.header.config`), by name.
    pub fn assign<M: Module>(&self, model: M, device: &Device) -> Result<M> {
        assign_named(model, &self.tensors, device)
    }
}

/// `model` with every parameter replaced by the tensor of the same name in `tensors` (name →
/// shape and values, as [`named_tensors`] gives them), checking that every name is known and
/// every shape matches.
pub fn assign_named<M: Module>(
    model: M,
    tensors: &BTreeMap<String, (Vec<usize>, Vec<f32>)>,
    device: &Device,
) -> Result<M> {
    let mut assign = Assign {
        path: ModulePath::default(),
        tensors,
        device: device.clone(),
        used: 0,
        error: None,
    };
    let model = model.map(&mut assign);
    if let Some(err) = assign.error {
        return Err(err);
    }
    if assign.used != tensors.len() {
        let mut known = Collect::default();
        model.visit(&mut known);
        let names: Vec<&String> = known.tensors.iter().map(|(n, _, _)| n).collect();
        let extra: Vec<&String> = tensors.keys().filter(|k| !names.contains(k)).collect();
        return Err(Error::checkpoint(format!(
            "unexpected tensors {extra:?} for this config"
        )));
    }
    Ok(model)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configs_written_before_tagged_tasks_are_read_in_the_new_form() {
        let old = r#"{"task": "sparse_linear", "sparsity": 2, "noiseStd": 1.0, "conditionNumber": 100.0, "dims": 5}"#;
        let config = SessionConfig::from_json(old).expect("an old config loads");
        assert_eq!(
            serde_json::to_value(&config.task).expect("serializes"),
            serde_json::json!({"kind": "sparse_linear", "sparsity": 2})
        );
        let old = r#"{"task": "linear", "sparsity": 3, "noiseStd": 1.0, "conditionNumber": 100.0}"#;
        let config = SessionConfig::from_json(old).expect("an old config loads");
        assert_eq!(config.task, crate::icl::TaskKind::Linear.config());
        // Today's form and text that is not JSON pass through for the parser to judge.
        let new = r#"{"task": {"kind": "noisy_linear", "noiseStd": 0.5}}"#;
        assert_eq!(crate::icl::config::upgrade_config(new), new);
        assert_eq!(crate::icl::config::upgrade_config("not json"), "not json");
    }
}
