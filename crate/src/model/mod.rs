//! Neural backbones. One concept per file; [`Learner`] is whichever one a session trains.

pub mod cost;
pub mod mlp;
pub mod transformer;
pub mod xlstm;

use burn::module::{Module, ModuleVisitor, Param};
use burn::tensor::{Device, Tensor};

pub use transformer::{Transformer, TransformerConfig};
pub use xlstm::{Xlstm, XlstmConfig};

/// The in-context learner of a session. Checkpoint tensor names do not include the variant:
/// the checkpoint's config says which backbone it holds.
#[derive(Module, Debug)]
pub enum Learner {
    Transformer(Transformer),
    Xlstm(Xlstm),
}

impl Learner {
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
