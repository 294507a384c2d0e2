//! Neural backbones. One concept per file; [`Model`] is whichever one a learner trains,
//! [`Backbone`] names them and [`ModelConfig`] is everything that builds one: everything that
//! differs between backbones (preset shapes, initialization, parameter counts, the memory
//! factors, which module a checkpoint holds) is decided here, from shapes alone. The learners'
//! configs (the in-context session's, the classifier's) each build a [`ModelConfig`]; the model
//! reads none of them.

pub mod cost;
pub mod mlp;
pub mod transformer;
pub mod xlstm;

use burn::module::{Module, ModuleVisitor, Param};
use burn::tensor::{Device, Tensor};
use serde::{Deserialize, Serialize};

pub use transformer::{Transformer, TransformerConfig};
pub use xlstm::{Xlstm, XlstmConfig};

/// Named model sizes ([`Backbone::shape`] says what each is for each backbone); explicit
/// `layers`/`dModel`/`heads` override them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Preset {
    /// 3 layers, width 64, 2 heads: trains in a browser in minutes.
    #[default]
    Tiny,
    /// 6 layers, width 128, 4 heads.
    Small,
}

impl Preset {
    pub const ALL: [Self; 2] = [Self::Tiny, Self::Small];
}

/// The model shape after applying preset and overrides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModelShape {
    pub layers: usize,
    pub d_model: usize,
    pub heads: usize,
}

/// Everything that builds a [`Model`]: the backbone, its shape and what it reads and writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModelConfig {
    pub backbone: Backbone,
    pub shape: ModelShape,
    /// mLSTM:sLSTM ratio `[a, b]` of an xLSTM stack; ignored by the transformer.
    pub xlstm_ratio: [usize; 2],
    /// Numbers per token: the read-in's width.
    pub token_width: usize,
    /// Tokens of the longest sequence (sizes the transformer's positional table).
    pub seq_len: usize,
    /// Numbers the read-out gives per token: 1 for regression, the labels for a classifier.
    pub outputs: usize,
    /// The transformer MLPs' nonlinearity; ignored by the xLSTM.
    pub activation: Activation,
}

impl ModelConfig {
    /// The model, freshly initialized on `device` (shapes already validated by the learner's
    /// config).
    pub fn init(&self, device: &Device) -> Model {
        match self.backbone {
            Backbone::Transformer => Model::Transformer(self.transformer().init(device)),
            Backbone::Xlstm => Model::Xlstm(self.xlstm().init(device)),
        }
    }

    /// The transformer of this shape (whatever the backbone says).
    pub fn transformer(&self) -> TransformerConfig {
        TransformerConfig::new(self.token_width, self.seq_len)
            .with_n_layers(self.shape.layers)
            .with_d_model(self.shape.d_model)
            .with_n_heads(self.shape.heads)
            .with_n_outputs(self.outputs)
            .with_activation(self.activation)
    }

    /// The xLSTM of this shape (whatever the backbone says).
    pub fn xlstm(&self) -> XlstmConfig {
        let [a, b] = self.xlstm_ratio;
        XlstmConfig::new(self.token_width)
            .with_n_blocks(self.shape.layers)
            .with_d_model(self.shape.d_model)
            .with_n_heads(self.shape.heads)
            .with_mlstm_ratio(a)
            .with_slstm_ratio(b)
            .with_n_outputs(self.outputs)
    }

    /// Parameters of the model, counted from its shapes (equal to the built model's, tested in
    /// icl/memory.rs and classify/memory.rs): read-in and read-out, then the transformer's
    /// blocks, final LayerNorm (with bias) and learned positions, or the xLSTM's blocks and
    /// post-norm (no bias, no positions).
    pub fn parameter_count(&self) -> u64 {
        let ModelShape {
            layers,
            d_model,
            heads,
        } = self.shape;
        let (layers, d, heads) = (layers as u64, d_model as u64, heads as u64);
        let (s, w, out) = (
            self.seq_len as u64,
            self.token_width as u64,
            self.outputs as u64,
        );
        let edges = (w + 1) * d + (d + 1) * out;
        edges
            + match self.backbone {
                Backbone::Transformer => layers * (12 * d * d + 13 * d) + 2 * d + s * d,
                Backbone::Xlstm => {
                    let x = self.xlstm();
                    (0..layers as usize)
                        .map(|i| xlstm::block_parameters(x.is_slstm(i), d, heads))
                        .sum::<u64>()
                        + d
                }
            }
    }
}

/// The nonlinearity of the transformer's MLPs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Activation {
    /// GELU's tanh approximation, GPT-2's `gelu_new`: the reference's (Garg et al.). Default.
    #[default]
    GeluTanh,
    /// The exact (erf) GELU: transformers trained before iclab followed the reference (checkpoint
    /// format `iclab/transformer/1`).
    Gelu,
    /// `max(0, x)`: no exponential per unit, so a training step of the narrow from-scratch model
    /// costs about two thirds of the GELU one on the CPU (docs/SCIENCE.md §1a).
    Relu,
}

impl Activation {
    /// Every activation, in menu order.
    pub const ALL: [Self; 3] = [Self::GeluTanh, Self::Gelu, Self::Relu];

    pub fn name(self) -> &'static str {
        match self {
            Self::GeluTanh => "gelu_tanh",
            Self::Gelu => "gelu",
            Self::Relu => "relu",
        }
    }

    /// What a menu calls it.
    pub fn title(self) -> &'static str {
        match self {
            Self::GeluTanh => "GELU, tanh approximation (the reference's)",
            Self::Gelu => "GELU, exact",
            Self::Relu => "ReLU",
        }
    }
}

/// Which learner backbone to train.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Backbone {
    /// GPT-2 style causal transformer (Garg et al. 2022).
    #[default]
    Transformer,
    /// Stack of mLSTM and sLSTM blocks (Beck et al. 2024), ratio set by `xlstmRatio`.
    Xlstm,
}

impl Backbone {
    /// Every backbone, in menu order.
    pub const ALL: [Self; 2] = [Self::Transformer, Self::Xlstm];

    pub fn name(self) -> &'static str {
        match self {
            Self::Transformer => "transformer",
            Self::Xlstm => "xlstm",
        }
    }

    /// What a menu calls it.
    pub fn title(self) -> &'static str {
        match self {
            Self::Transformer => "transformer",
            Self::Xlstm => "xLSTM (mLSTM + sLSTM)",
        }
    }

    /// Its name in a sentence or a legend ("an xLSTM", "xLSTM (in context)").
    pub fn short_title(self) -> &'static str {
        match self {
            Self::Transformer => "transformer",
            Self::Xlstm => "xLSTM",
        }
    }

    /// What its units of depth are called (`layers` in a config counts them).
    pub fn depth_unit(self) -> &'static str {
        match self {
            Self::Transformer => "layers",
            Self::Xlstm => "blocks",
        }
    }

    /// Whether `xlstmRatio` shapes it.
    pub fn uses_xlstm_ratio(self) -> bool {
        matches!(self, Self::Xlstm)
    }

    /// Whether `activation` (its MLPs' nonlinearity) shapes it.
    pub fn uses_activation(self) -> bool {
        matches!(self, Self::Transformer)
    }

    /// (layers or blocks, width, heads) of a preset. Transformer sizes are SCIENCE.md §1's;
    /// xLSTM sizes keep the width and roughly the parameter count of the transformer of the
    /// same name (tiny: 4 blocks of width 64, ~120k parameters vs ~150k).
    pub fn shape(self, preset: Preset) -> (u32, u32, u32) {
        match (self, preset) {
            (Self::Transformer, Preset::Tiny) => (3, 64, 2),
            (Self::Transformer, Preset::Small) => (6, 128, 4),
            (Self::Xlstm, Preset::Tiny) => (4, 64, 4),
            (Self::Xlstm, Preset::Small) => (6, 128, 4),
        }
    }
}

impl Backbone {
    /// Floats kept for the backward pass per layer, as multiples of `b·s·d` and `b·h·s²`
    /// (memory.rs has the calibration).
    pub fn activation_factors(self) -> (u64, u64) {
        match self {
            Self::Transformer => (33, 3),
            Self::Xlstm => (33, 3),
        }
    }

    /// Floats a forward pass without gradients holds at its peak per prompt, as multiples of
    /// `s·d` and `h·s²` (one layer's working set and the stream; nothing is kept for a backward
    /// pass). The xLSTM's parallel mLSTM builds decay and score matrices (crate/tests/memory.rs
    /// has the calibration).
    pub fn inference_factors(self) -> (f64, f64) {
        match self {
            Self::Transformer => (8.5, 1.5),
            Self::Xlstm => (12.0, 3.0),
        }
    }
}

/// A model of either backbone (the in-context session's; the classifier wraps the same). Checkpoint tensor names do not include the variant:
/// the checkpoint's config says which backbone it holds.
#[derive(Module, Debug)]
pub enum Model {
    Transformer(Transformer),
    Xlstm(Xlstm),
}

impl Model {
    pub fn backbone(&self) -> Backbone {
        match self {
            Self::Transformer(_) => Backbone::Transformer,
            Self::Xlstm(_) => Backbone::Xlstm,
        }
    }

    /// One prediction per token.
    ///
    /// # Shapes
    /// - tokens: `[batch, seq, n_dims]` → `[batch, seq]`
    pub fn forward(&self, tokens: Tensor<3>) -> Tensor<2> {
        match self {
            Self::Transformer(m) => m.forward(tokens),
            Self::Xlstm(m) => m.forward(tokens),
        }
    }

    /// The residual stream after the read-in and after each layer (block): layers + 1 tensors.
    ///
    /// # Shapes
    /// - tokens: `[batch, seq, n_dims]` → each `[batch, seq, d_model]`
    pub fn residual_streams(&self, tokens: Tensor<3>) -> Vec<Tensor<3>> {
        match self {
            Self::Transformer(m) => m.residual_streams(tokens),
            Self::Xlstm(m) => m.residual_streams(tokens),
        }
    }

    /// The trained read-out (after the final norm) applied to a residual stream: the prediction
    /// a layer would make (docs/SCIENCE.md §6). Of the last stream it is [`Self::forward`].
    ///
    /// # Shapes
    /// - stream: `[batch, seq, d_model]` → `[batch, seq]`
    pub fn read_out_of(&self, stream: Tensor<3>) -> Tensor<2> {
        match self {
            Self::Transformer(m) => m.read_out_of(stream),
            Self::Xlstm(m) => m.read_out_of(stream),
        }
    }
}

// burn seeds parameter initialization per backend, globally: hold this while seeding and
// initializing so concurrent initializations (parallel tests, several sessions) stay
// reproducible.
static INIT_LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Reads every parameter once. burn initializes parameters lazily, on first use: without this
/// the random draws would happen at the first forward pass, outside the lock.
struct Materialize;

impl ModuleVisitor for Materialize {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        let _ = param.val();
    }
}

/// Draws the module on the CPU with [`seeded`] and forks it to `target`: each burn backend has
/// its own generator, so this is how one seed gives the same weights on every device.
pub fn seeded_on_cpu<M: Module>(target: &Device, seed: u64, init: impl FnOnce(&Device) -> M) -> M {
    let cpu = if target.is_autodiff() {
        Device::flex().autodiff()
    } else {
        Device::flex()
    };
    seeded(&cpu, seed, || init(&cpu)).fork(target)
}

/// Runs `init` right after seeding `device`'s generator and draws every parameter before any
/// other seeded initialization can run: the same seed gives the same weights on that backend.
pub fn seeded<M: Module>(device: &Device, seed: u64, init: impl FnOnce() -> M) -> M {
    let _guard = INIT_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    device.seed(seed);
    let model = init();
    model.visit(&mut Materialize);
    model
}
