//! Neural backbones. One concept per file; [`Learner`] is whichever one a session trains.

pub mod cost;
pub mod transformer;
pub mod xlstm;

use burn::module::Module;
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

/// Runs `init` right after seeding `device`'s generator, with no other seeded initialization in
/// between: the same seed gives the same weights.
pub fn seeded<T>(device: &Device, seed: u64, init: impl FnOnce() -> T) -> T {
    let _guard = INIT_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    device.seed(seed);
    init()
}
