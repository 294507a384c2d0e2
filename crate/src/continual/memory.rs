//! What a continual-learning run allocates, estimated once its stream is drawn (the data are
//! small; the model, its optimizer, the test set's forward pass and the curves are not), and the
//! refusal (`too_large`) when it would not fit. Fitted like the other calls' estimates
//! (crate/tests/memory.rs).

use crate::Result;
use crate::continual::run::{ClConfig, fields};
use crate::continual::scenarios::Stream;
use crate::memory::{F32, F64, refuse_beyond};
/// What a run allocates besides (its small models are not burn's transformer).
const OVERHEAD: u64 = 1 << 20;

/// What the estimate needs of the drawn stream.
pub struct StreamShape {
    pub dim: u64,
    pub classes: u64,
    pub tasks: u64,
    pub segments: u64,
    pub train: u64,
    pub test: u64,
}

impl StreamShape {
    pub fn of(stream: &Stream, dim: usize, classes: usize) -> Self {
        Self {
            dim: dim as u64,
            classes: classes as u64,
            tasks: stream.tasks.len() as u64,
            segments: stream.order.len() as u64,
            train: stream.tasks.iter().map(|t| t.train.len() as u64).sum(),
            test: stream.tasks.iter().map(|t| t.test.len() as u64).sum(),
        }
    }
}

/// The parts of a run's memory, each with the field that lowers it.
struct Parts {
    model: u64,
    training: u64,
    evaluation: u64,
    curves: u64,
    data: u64,
}

impl ClConfig {
    fn parts(&self, s: &StreamShape) -> Parts {
        let widths: Vec<u64> = std::iter::once(s.dim)
            .chain(self.hidden.iter().map(|&w| u64::from(w)))
            .chain(std::iter::once(s.classes))
            .collect();
        let params: u64 = widths.windows(2).map(|w| w[0] * w[1] + w[1]).sum();
        // a layer's input, its output and the activation's copy, at the widest layer
        let layer_peak = widths
            .windows(2)
            .map(|w| w[0] + 2 * w[1])
            .max()
            .unwrap_or(1);
        let sum_widths: u64 = widths.iter().sum();
        let host = self.strategy.reads_once();
        let features = if self.strategy.uses(fields::FEATURES.name) {
            u64::from(self.features)
        } else {
            s.dim
        };
        // weights, gradients, Adam's moments; the regularizers keep old weights and importances
        let copies = 4 + self.strategy.keeps();
        let model = if host {
            // a covariance or correlation matrix of the features, its update's and its solve's
            // temporaries
            8 * F64 * features * features + F64 * features * s.classes
        } else {
            copies * F32 * params
        };
        // the step's batch and its rehearsal, through every layer, forward and back
        let batch = 2 * u64::from(self.batch_size);
        let training = if host {
            F32 * batch * (features + s.dim)
        } else {
            4 * F32 * batch * sum_widths
        };
        // the whole test set through the model at once, its logits read back as f64 (a host
        // learner embeds one task's test set at a time)
        let evaluation = if host {
            F32 * s.test.div_ceil(s.tasks.max(1)) * features + F64 * s.test * s.classes
        } else {
            F32 * s.test * layer_peak + F64 * s.test * s.classes
        };
        let steps = if self.strategy.reads_once() {
            s.train.div_ceil(u64::from(self.batch_size))
        } else {
            s.segments * u64::from(self.iterations_per_task)
        };
        let evaluations = steps / u64::from(self.eval_every) + s.segments + 1;
        let curves = F64 * evaluations * (s.tasks + s.classes + 1);
        let data = 2 * F32 * (s.train + s.test) * (s.dim + 1)
            + F32 * u64::from(self.buffer_size) * (s.dim + 1);
        Parts {
            model,
            training,
            evaluation,
            curves,
            data,
        }
    }

    /// Peak bytes of the run, given its stream.
    pub fn memory_bytes(&self, s: &StreamShape) -> u64 {
        let p = self.parts(s);
        p.model + p.training.max(p.evaluation) + p.curves + p.data + OVERHEAD
    }

    /// Refuses a run that would not fit, naming the field behind its largest part.
    pub fn check_memory(&self, s: &StreamShape) -> Result<()> {
        let p = self.parts(s);
        let field = [
            (
                p.model,
                if self.strategy.uses(fields::FEATURES.name) {
                    "features"
                } else {
                    "hidden"
                },
            ),
            (p.training, "batchSize"),
            (p.evaluation, "dataset.perClass"),
            (p.curves, "evalEvery"),
            (p.data, "dataset.perClass"),
        ]
        .into_iter()
        .max_by_key(|(bytes, _)| *bytes)
        .map_or("hidden", |(_, field)| field);
        refuse_beyond(
            self.memory_bytes(s),
            field,
            "the model and its optimizer, the test set's forward pass and every evaluation's curves",
            field,
        )
    }
}
