//! Neural backbones. One concept per file; [`Model`] is whichever one a session trains, and
//! [`Backbone`] names them: everything that differs between backbones (initialization from a
//! session config, preset shapes, which module a checkpoint holds) is decided here.

pub mod cost;
pub mod mlp;
pub mod transformer;
pub mod xlstm;

use burn::module::{Module, ModuleVisitor, Param};
use burn::tensor::{Device, Tensor};
use serde::{Deserialize, Serialize};

use crate::icl::config::{Preset, SessionConfig};

pub use transformer::{Transformer, TransformerConfig};
pub use xlstm::{Xlstm, XlstmConfig};

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
    /// Parameters of `config`'s model, counted from its shapes (equal to the built model's,
    /// tested in memory.rs): read-in and read-out, then the transformer's blocks, final
    /// LayerNorm (with bias) and learned positions, or the xLSTM's blocks and post-norm (no
    /// bias, no positions).
    pub fn parameter_count(self, config: &SessionConfig) -> u64 {
        let (layers, d, heads) = config.raw_shape();
        let (layers, d, heads) = (u64::from(layers), u64::from(d), u64::from(heads));
        let (s, dims) = (config.seq_len() as u64, config.token_width() as u64);
        let edges = (dims + 1) * d + d + 1;
        edges
            + match self {
                Self::Transformer => layers * (12 * d * d + 13 * d) + 2 * d + s * d,
                Self::Xlstm => {
                    let x = XlstmConfig::of(config);
                    (0..layers as usize)
                        .map(|i| xlstm::block_parameters(x.is_slstm(i), d, heads))
                        .sum::<u64>()
                        + d
                }
            }
    }

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

/// The in-context model of a session. Checkpoint tensor names do not include the variant:
/// the checkpoint's config says which backbone it holds.
#[derive(Module, Debug)]
pub enum Model {
    Transformer(Transformer),
    Xlstm(Xlstm),
}

impl Model {
    /// The model a (validated) config asks for, freshly initialized on `device`.
    pub fn init(config: &SessionConfig, device: &Device) -> Self {
        match config.model {
            Backbone::Transformer => Self::Transformer(TransformerConfig::of(config).init(device)),
            Backbone::Xlstm => Self::Xlstm(XlstmConfig::of(config).init(device)),
        }
    }

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
