//! Prototypical network (Snell et al. 2017) trained on a stream, with online prototypes
//! ("Federated Reconnaissance", Hendryx et al. 2021): an embedding network f maps inputs to
//! points; each class is represented by the running mean of its examples' embeddings, and a
//! point's logits are its negated squared distances to the prototypes,
//! `z_c = −‖f(x) − p_c‖²`.
//!
//! Training step on a batch of the current task: for classes present in the batch the prototype is
//! the batch's mean embedding (differentiable), for classes seen before it is the stored prototype
//! (constant); classes never seen are masked out; loss = cross-entropy of the logits. After the
//! step every embedding of the batch is folded into its class's stored prototype,
//! `p_c ← p_c + (S_c − n_c p_c) / N_c` (S_c the batch's sum for class c, n_c its count, N_c the
//! count so far). Old prototypes are never rewritten by new classes — only the embedding drifts.

use burn::tensor::{Device, Tensor, TensorData};

/// Logit given to classes that cannot be predicted (never seen).
const MASKED: f32 = -1e9;

#[derive(Debug, Clone)]
pub struct Prototypes {
    /// `[classes, width]`, constant.
    means: Tensor<2>,
    counts: Vec<u64>,
}

/// `−‖z_i − p_c‖²` for every row of `z` `[n, w]` and `p` `[classes, w]`.
fn neg_sq_distances(z: Tensor<2>, p: Tensor<2>) -> Tensor<2> {
    let classes = p.dims()[0];
    let zz = z.clone().powi_scalar(2).sum_dim(1);
    let pp = p.clone().powi_scalar(2).sum_dim(1).reshape([1, classes]);
    z.matmul(p.transpose()).mul_scalar(2.0) - zz - pp
}

fn column(values: Vec<f32>, device: &Device) -> Tensor<2> {
    let n = values.len();
    Tensor::from_data(TensorData::new(values, [n, 1]), device)
}

impl Prototypes {
    pub fn new(classes: usize, width: usize, device: &Device) -> Self {
        Self {
            means: Tensor::zeros([classes, width], device),
            counts: vec![0; classes],
        }
    }

    pub fn counts(&self) -> &[u64] {
        &self.counts
    }

    fn mask(&self, extra: &[u32], device: &Device) -> Tensor<2> {
        let classes = self.counts.len();
        let m: Vec<f32> = (0..classes)
            .map(|c| {
                if self.counts[c] > 0 || extra.contains(&(c as u32)) {
                    0.0
                } else {
                    MASKED
                }
            })
            .collect();
        Tensor::from_data(TensorData::new(m, [1, classes]), device)
    }

    /// `[classes, n]` matrix with 1 where example i has label c.
    fn one_hot(&self, labels: &[u32], device: &Device) -> Tensor<2> {
        let (classes, n) = (self.counts.len(), labels.len());
        let mut m = vec![0f32; classes * n];
        for (i, &l) in labels.iter().enumerate() {
            m[l as usize * n + i] = 1.0;
        }
        Tensor::from_data(TensorData::new(m, [classes, n]), device)
    }

    /// Logits for evaluation: distances to the stored prototypes, on `z`'s device.
    pub fn logits(&self, z: Tensor<2>) -> Tensor<2> {
        let device = z.device();
        let means = self.means.clone().inner().to_device(&device);
        neg_sq_distances(z, means) + self.mask(&[], &device)
    }

    /// Logits for a training step: batch means for the batch's classes, stored prototypes for
    /// the others.
    pub fn training_logits(&self, z: Tensor<2>, labels: &[u32], device: &Device) -> Tensor<2> {
        let classes = self.counts.len();
        let mut per_class = vec![0u64; classes];
        for &l in labels {
            per_class[l as usize] += 1;
        }
        let inv: Vec<f32> = per_class
            .iter()
            .map(|&n| if n > 0 { 1.0 / n as f32 } else { 0.0 })
            .collect();
        let present: Vec<f32> = per_class
            .iter()
            .map(|&n| f32::from(u8::from(n > 0)))
            .collect();
        let batch_means = self.one_hot(labels, device).matmul(z.clone()) * column(inv, device);
        let present = column(present, device);
        let protos =
            batch_means * present.clone() + self.means.clone() * (present.neg().add_scalar(1.0));
        neg_sq_distances(z, protos) + self.mask(labels, device)
    }

    /// Folds the batch's embeddings (constant) into the stored prototypes.
    pub fn update(&mut self, z: Tensor<2>, labels: &[u32], device: &Device) {
        let classes = self.counts.len();
        let mut n = vec![0u64; classes];
        for &l in labels {
            n[l as usize] += 1;
        }
        for (count, k) in self.counts.iter_mut().zip(&n) {
            *count += k;
        }
        let sums = self.one_hot(labels, device).matmul(z.detach());
        let ratio: Vec<f32> = (0..classes)
            .map(|c| {
                if self.counts[c] > 0 {
                    1.0 / self.counts[c] as f32
                } else {
                    0.0
                }
            })
            .collect();
        let batch_counts: Vec<f32> = n.iter().map(|&k| k as f32).collect();
        let means = self.means.clone();
        self.means = (means.clone()
            + (sums - means * column(batch_counts, device)) * column(ratio, device))
        .detach();
    }
}
