//! Learning without Forgetting (Li & Hoiem 2017; Avalanche's `LwF`): the model as it was at the
//! end of the previous task is kept frozen, and every step adds its distillation loss on the
//! current batch, over the output units of the classes seen before: with temperature T,
//! `α · KL(softmax(z_old / T) ‖ softmax(z / T))`, mean over the batch — no stored examples.

use burn::tensor::activation::{log_softmax, softmax};
use burn::tensor::{Int, Tensor, TensorData};

use super::{Needs, StepContext, Strategy, TaskEnd};

pub struct Lwf {
    alpha: f64,
    temperature: f64,
    /// Classes seen in finished tasks.
    old: Vec<u32>,
}

impl Lwf {
    pub fn new(alpha: f64, temperature: f64) -> Self {
        Self {
            alpha,
            temperature,
            old: Vec::new(),
        }
    }
}

impl Strategy for Lwf {
    fn needs(&self) -> Needs {
        Needs {
            teacher: true,
            ..Needs::default()
        }
    }

    fn penalty(&self, ctx: &StepContext) -> Option<Tensor<1>> {
        let teacher = ctx.teacher?;
        if self.old.is_empty() {
            return None;
        }
        let idx: Vec<i64> = self.old.iter().map(|&c| i64::from(c)).collect();
        let idx = Tensor::<1, Int>::from_data(TensorData::new(idx, [self.old.len()]), ctx.device);
        let t = self.temperature;
        let student = ctx.logits.clone().select(1, idx.clone()).div_scalar(t);
        let teacher = teacher.clone().select(1, idx).div_scalar(t);
        let q = softmax(teacher.clone(), 1);
        let kl = q * (log_softmax(teacher, 1) - log_softmax(student, 1));
        let batch = ctx.logits.dims()[0] as f64;
        Some(kl.sum().div_scalar(batch).mul_scalar(self.alpha))
    }

    fn end_task(&mut self, end: &TaskEnd) {
        for &c in &end.task.classes {
            if !self.old.contains(&c) {
                self.old.push(c);
            }
        }
    }
}
