//! EWC's importance of each weight: the diagonal empirical Fisher over a task's whole training set.

use burn::nn::loss::CrossEntropyLossConfig;
use burn::tensor::{Device, Tensor};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

use super::learner::Heads;
use super::tensors;
use crate::continual::data::Dataset;
use crate::continual::strategies::{flat_grads, flat_params};
use crate::model::mlp::Mlp;

/// A task's whole training set in minibatches of `batch`, in an order drawn from `rng`: a task's
/// data is stored class by class, so any prefix of it would show the Fisher only the first
/// classes (SCIENCE.md §3).
pub(super) fn fisher_batches(data: &Dataset, batch: usize, rng: &mut StdRng) -> Vec<Dataset> {
    let mut order: Vec<usize> = (0..data.len()).collect();
    order.shuffle(rng);
    order.chunks(batch).map(|rows| data.rows(rows)).collect()
}

/// EWC's diagonal empirical Fisher: the mean over `batches` of the squared gradient of each
/// minibatch's loss (Avalanche's `compute_importances`, which uses every minibatch of the task).
pub(super) fn fisher(
    model: &Mlp,
    batches: Vec<Dataset>,
    heads: &Heads,
    device: &Device,
) -> Tensor<1> {
    let ce = CrossEntropyLossConfig::new().init(device);
    let count = batches.len();
    let mut sum: Option<Tensor<1>> = None;
    for batch in batches {
        let (x, y) = tensors(&batch, device);
        let mut logits = model.forward(x);
        if let Some(m) = heads.mask(&batch.labels, device) {
            logits = logits + m;
        }
        let grads = ce.forward(logits, y).backward();
        let g = flat_grads(model, &grads).powi_scalar(2);
        sum = Some(match sum {
            Some(s) => s + g,
            None => g,
        });
    }
    sum.map_or_else(
        || flat_params(model).inner().zeros_like(),
        |s| s.div_scalar(count as f64),
    )
}

#[cfg(all(test, not(target_family = "wasm")))]
mod tests {
    use super::*;
    use crate::continual::run::{ClConfig, ClRun, StrategyKind};

    /// SCIENCE.md §3: EWC's Fisher is over the whole task. A task's data is stored class by
    /// class (200 blobs per class here), so the first 16 minibatches of 4, what it used to read,
    /// held 64 examples of the task's first class and none of its second.
    #[test]
    fn the_fisher_reads_every_example_of_the_task_in_mixed_batches() {
        pollster::block_on(async {
            let config = ClConfig {
                strategy: StrategyKind::Ewc,
                batch_size: 4,
                ..ClConfig::default()
            };
            let mut run = ClRun::new(&config, None).await.expect("run");
            for t in 0..run.stream.tasks.len() {
                let task = &run.stream.tasks[t].train;
                let mut want: Vec<u32> = task.labels.clone();
                let batches = fisher_batches(task, 4, &mut run.rng);
                let mut seen: Vec<u32> = batches.iter().flat_map(|b| b.labels.clone()).collect();
                want.sort_unstable();
                seen.sort_unstable();
                assert_eq!(seen, want, "task {t}: every example once");
                let single_class = batches
                    .iter()
                    .filter(|b| b.labels.iter().all(|&l| l == b.labels[0]))
                    .count();
                // two classes per task: a shuffled batch of 4 is single-class 1/8 of the time
                assert!(
                    single_class * 3 < batches.len(),
                    "task {t}: {single_class} of {} batches hold one class",
                    batches.len()
                );
            }
        });
    }
}
