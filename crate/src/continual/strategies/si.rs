//! Synaptic Intelligence (Zenke, Poole & Ganguli 2017; Avalanche's `SynapticIntelligence`):
//! while a task trains, each parameter's contribution to the drop in loss is summed along the
//! optimization path, `ω_k += −g_k · Δθ_k` per step; when the task ends its importance grows by
//! `Ω_k += ω_k / ((θ_k(end) − θ_k(start))² + ξ)`, ω is reset and θ* = θ(end); every later step
//! adds `λ · Σ_k Ω_k (θ_k − θ*_k)²`. Unlike EWC it needs no extra pass over the data: the
//! importance is a by-product of training. Ω is kept ≥ 0 (a negative path integral, noise of
//! the stochastic gradient, would reward moving away from θ*).

use burn::tensor::Tensor;
use burn::tensor::activation::relu;

use super::{Needs, StepContext, StepUpdate, Strategy, TaskEnd};

/// Zenke et al.'s damping ξ of the importance's denominator.
const DAMPING: f64 = 1e-3;

pub struct Si {
    lambda: f64,
    /// ω: this task's path integral so far.
    path: Option<Tensor<1>>,
    /// θ at the start of the current task.
    start: Option<Tensor<1>>,
    /// (Ω, θ*) once a task has ended.
    anchor: Option<(Tensor<1>, Tensor<1>)>,
}

impl Si {
    pub fn new(lambda: f64) -> Self {
        Self {
            lambda,
            path: None,
            start: None,
            anchor: None,
        }
    }
}

impl Strategy for Si {
    fn needs(&self) -> Needs {
        Needs {
            params: true,
            updates: true,
            ..Needs::default()
        }
    }

    fn start_task(&mut self, _task: &crate::continual::scenarios::Task, _index: usize) {
        self.start = None;
        self.path = None;
    }

    fn after_step(&mut self, update: &StepUpdate) {
        let step = update.grad.clone().neg() * (update.after.clone() - update.before.clone());
        self.path = Some(match self.path.take() {
            Some(path) => path + step,
            None => step,
        });
        if self.start.is_none() {
            self.start = Some(update.before.clone());
        }
    }

    fn penalty(&self, ctx: &StepContext) -> Option<Tensor<1>> {
        let ((importance, anchor), params) = (self.anchor.as_ref()?, ctx.params?);
        Some(
            (importance.clone() * (params.clone() - anchor.clone()).powi_scalar(2))
                .sum()
                .mul_scalar(self.lambda),
        )
    }

    fn end_task(&mut self, end: &TaskEnd) {
        let now = end.params.clone().inner();
        let (Some(path), Some(start)) = (self.path.take(), self.start.take()) else {
            return;
        };
        let moved = (now - start).powi_scalar(2).add_scalar(DAMPING);
        let gained = relu(path / moved);
        let importance = match self.anchor.take() {
            Some((importance, _)) => importance + gained,
            None => gained,
        };
        self.anchor = Some((importance, end.params.clone()));
    }
}

#[cfg(test)]
mod tests {
    use burn::tensor::{Device, TensorData};

    use super::*;

    fn vector(values: &[f32]) -> Tensor<1> {
        Tensor::from_data(
            TensorData::new(values.to_vec(), [values.len()]),
            &Device::flex(),
        )
    }

    fn read(t: Tensor<1>) -> Vec<f32> {
        t.into_data().try_to_vec::<f32>().expect("f32")
    }

    /// By hand: parameter 0 moves 0 → 1 in two steps against a gradient of −1 (ω = 1, Δ = 1:
    /// Ω = 1/(1 + ξ)); parameter 1 moves 0 → 1 with no gradient (it did not lower the loss:
    /// Ω = 0); parameter 2 moves against a positive gradient (ω < 0: clamped to 0).
    #[test]
    fn importance_is_the_path_integral_over_the_squared_distance() {
        let mut si = Si::new(2.0);
        let steps = [
            ([-1.0, 0.0, 1.0], [0.0, 0.0, 0.0], [0.5, 0.5, 0.5]),
            ([-1.0, 0.0, 1.0], [0.5, 0.5, 0.5], [1.0, 1.0, 1.0]),
        ];
        for (g, before, after) in steps {
            si.after_step(&StepUpdate {
                grad: &vector(&g),
                before: &vector(&before),
                after: &vector(&after),
            });
        }
        let empty = crate::continual::data::Dataset::new(Vec::new(), Vec::new(), 1, 1)
            .expect("an empty dataset");
        let task = crate::continual::scenarios::Task {
            name: "t".into(),
            classes: vec![0],
            train: empty.clone(),
            test: empty,
        };
        si.end_task(&TaskEnd {
            params: &vector(&[1.0, 1.0, 1.0]),
            fisher: None,
            task: &task,
        });
        let (importance, anchor) = si.anchor.clone().expect("an anchor after a task");
        let omega = read(importance);
        assert!(
            (omega[0] - 1.0 / (1.0 + DAMPING as f32)).abs() < 1e-5,
            "{omega:?}"
        );
        assert_eq!(&omega[1..], &[0.0, 0.0]);
        assert_eq!(read(anchor), vec![1.0, 1.0, 1.0]);
        // λ Σ Ω (θ − θ*)² at θ = (3, 5, 5): only parameter 0 counts, 2 · Ω₀ · 4.
        let logits = vector(&[0.0]).reshape([1, 1]);
        let penalty = si
            .penalty(&StepContext {
                logits: &logits,
                params: Some(&vector(&[3.0, 5.0, 5.0])),
                teacher: None,
                device: &Device::flex(),
            })
            .expect("a penalty after a task");
        let p = read(penalty)[0];
        assert!((p - 8.0 * omega[0]).abs() < 1e-4, "{p}");
    }
}
