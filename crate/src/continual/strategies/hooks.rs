//! What a strategy sees of training: the [`Strategy`] hooks, what each hook is given, and the
//! parameters and gradients flattened into one vector.

use burn::module::{Module, ModuleVisitor, Param};
use burn::tensor::Gradients;
use burn::tensor::{Device, Tensor};
use rand::rngs::StdRng;

use crate::continual::data::Dataset;
use crate::continual::scenarios::Task;

/// What a strategy needs the training loop to compute for it.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Needs {
    /// The parameters as one vector at every step ([`StepContext::params`]).
    pub params: bool,
    /// Logits of the model as it was at the end of the previous task ([`StepContext::teacher`]).
    pub teacher: bool,
    /// The diagonal empirical Fisher at the end of each task ([`TaskEnd::fisher`]).
    pub fisher: bool,
    /// Each step's gradient and parameter change ([`Strategy::after_step`]).
    pub updates: bool,
    /// Each hidden unit's activity and outgoing weights after every step
    /// ([`Strategy::replace_units`]).
    pub units: bool,
}

/// One hidden layer after a step, as [`Strategy::replace_units`] sees it: per unit, its mean
/// |activation| over the step's batch and the summed |weights| from it to the next layer.
pub struct UnitStats {
    pub activity: Vec<f32>,
    pub outgoing: Vec<f32>,
}

/// One optimizer step, as [`Strategy::after_step`] sees it (if [`Needs::updates`]): flattened
/// in [`flat_params`] order, constant, on the inner (non-autodiff) device.
pub struct StepUpdate<'a> {
    /// The gradient of the step's loss (penalty included), at the parameters before the step.
    pub grad: &'a Tensor<1>,
    pub before: &'a Tensor<1>,
    pub after: &'a Tensor<1>,
}

/// What a strategy may use to add a loss term at one step.
pub struct StepContext<'a> {
    /// Logits of the model being trained on the whole batch (current + rehearsed), with grad.
    pub logits: &'a Tensor<2>,
    /// Every parameter flattened into one vector, with grad (if [`Needs::params`]).
    pub params: Option<&'a Tensor<1>>,
    /// The previous task's model's logits on the same batch, constant (if [`Needs::teacher`]).
    pub teacher: Option<&'a Tensor<2>>,
    pub device: &'a Device,
}

/// What a strategy learns when a task ends.
pub struct TaskEnd<'a> {
    /// The parameters now, flattened, constant.
    pub params: &'a Tensor<1>,
    /// Mean squared gradient of the loss over minibatches of the task (if [`Needs::fisher`]).
    pub fisher: Option<&'a Tensor<1>>,
    pub task: &'a Task,
}

pub trait Strategy {
    fn needs(&self) -> Needs {
        Needs::default()
    }

    /// Called when a segment of training on `task` starts; `index` is the task's index in the
    /// stream's task list (a task that comes back passes the same index again), not the segment's.
    fn start_task(&mut self, _task: &Task, _index: usize) {}

    /// Whether the current task's batch is part of the step (Joint replaces it).
    fn trains_on_current(&self) -> bool {
        true
    }

    /// Up to `n` stored examples to train on next to the current batch; `None` for none.
    fn rehearsal(&mut self, _rng: &mut StdRng, _n: usize) -> Option<Dataset> {
        None
    }

    /// An extra loss term for this step.
    fn penalty(&self, _ctx: &StepContext) -> Option<Tensor<1>> {
        None
    }

    /// Called with every batch of the current task after the step.
    fn observe(&mut self, _batch: &Dataset, _rng: &mut StdRng) {}

    /// Called after every optimizer step with what the step did (if [`Needs::updates`]).
    fn after_step(&mut self, _update: &StepUpdate) {}

    /// Called when training on a task ends.
    fn end_task(&mut self, _end: &TaskEnd) {}

    /// After every step: the standard deviation of Gaussian noise to add to every parameter
    /// (shrink and perturb), if any.
    fn perturbation(&self) -> Option<f64> {
        None
    }

    /// After every step (if [`Needs::units`]), given each hidden layer's [`UnitStats`]: the
    /// units of each layer to reinitialize (fresh incoming weights, zero bias and outgoing
    /// weights).
    fn replace_units(&mut self, _layers: &[UnitStats], _rng: &mut StdRng) -> Vec<Vec<usize>> {
        Vec::new()
    }
}

struct Flatten(Vec<Tensor<1>>);

impl ModuleVisitor for Flatten {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        self.0.push(param.val().flatten::<1>(0, D - 1));
    }
}

/// Every float parameter of `module`, flattened and concatenated in visiting order.
pub fn flat_params<M: Module>(module: &M) -> Tensor<1> {
    let mut f = Flatten(Vec::new());
    module.visit(&mut f);
    Tensor::cat(f.0, 0)
}

struct FlattenGrads<'a>(&'a Gradients, Vec<Tensor<1>>);

impl ModuleVisitor for FlattenGrads<'_> {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        let value = param.val();
        let grad = value
            .grad(self.0)
            .unwrap_or_else(|| value.clone().inner().zeros_like());
        self.1.push(grad.flatten::<1>(0, D - 1));
    }
}

/// The gradient of every float parameter of `module` in [`flat_params`] order (zeros where a
/// parameter got none), on the inner (non-autodiff) device.
pub fn flat_grads<M: Module>(module: &M, grads: &Gradients) -> Tensor<1> {
    let mut f = FlattenGrads(grads, Vec::new());
    module.visit(&mut f);
    Tensor::cat(f.1, 0)
}
