//! Continual-learning strategies (Avalanche's names), one file each. A strategy sees the stream
//! through [`Strategy`]'s hooks and never the backbone's type: rehearsal adds examples to each
//! batch; later strategies (L2, EWC, LwF) add loss terms through further hooks.

pub mod naive;
pub mod replay;

use rand::rngs::StdRng;

use super::data::Dataset;

pub use naive::Naive;
pub use replay::Replay;

pub trait Strategy {
    /// Avalanche's name for it.
    fn name(&self) -> &'static str;

    /// Up to `n` stored examples to train on next to the current batch; `None` for none.
    fn rehearsal(&mut self, _rng: &mut StdRng, _n: usize) -> Option<Dataset> {
        None
    }

    /// Called with every batch of the current task after the step.
    fn observe(&mut self, _batch: &Dataset, _rng: &mut StdRng) {}
}
