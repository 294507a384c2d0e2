//! Prototypical network (Snell et al. 2017) trained on a stream, with online prototypes
//! ("Federated Reconnaissance", Hendryx et al. 2021): an embedding network f maps inputs to
//! points; each class is represented by the running mean of its examples' embeddings, and a
//! point's logits are its negated squared distances to the prototypes,
//! `z_c = −‖f(x) − p_c‖²`.
//!
//! Training step on a batch of the current task: for classes present in the batch the prototype is
//! the batch's mean embedding (differentiable), for classes seen before it is the stored prototype
//! (constant); classes never seen are masked out; loss = cross-entropy of the logits. An example
//! is never part of its own class's prototype (Snell et al. keep support and query apart): its
//! distance to its class is to the mean of the batch's *other* examples of that class, or to the
//! stored prototype when it is the only one (with neither, to itself: a constant logit). After the
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

    /// The prototypes and their counts as a learner file holds them.
    pub async fn export(&self) -> crate::Result<super::State> {
        let dims = self.means.dims().to_vec();
        let means = crate::device::read_f32(self.means.clone(), "the prototypes").await?;
        let mut state = super::State::new();
        state.insert(
            "means".into(),
            (dims, means.into_iter().map(f64::from).collect()),
        );
        state.insert(
            "counts".into(),
            super::counts_entry(self.counts.iter().map(|&c| c as f64)),
        );
        Ok(state)
    }

    /// Takes what [`Self::export`] wrote for prototypes of the same shape.
    pub fn import(&mut self, state: &super::State, device: &Device) -> crate::Result<()> {
        let [classes, width] = self.means.dims();
        let means: Vec<f32> = super::take(state, "means", &[classes, width])?
            .iter()
            .map(|&v| v as f32)
            .collect();
        let counts = super::take_counts(state, "counts", classes)?;
        self.means = Tensor::from_data(TensorData::new(means, [classes, width]), device);
        self.counts = counts;
        Ok(())
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
    /// the others, and for each example's own class the mean of the *other* examples of it. With
    /// `n` examples of class c and batch mean `p`, that leave-one-out mean is
    /// `(n·p − z_i)/(n − 1)`, so `z_i − p⁽⁻ⁱ⁾ = n/(n − 1) · (z_i − p)`: the own-class squared
    /// distance is the batch-mean one times `(n/(n − 1))²`.
    pub fn training_logits(&self, z: Tensor<2>, labels: &[u32], device: &Device) -> Tensor<2> {
        let classes = self.counts.len();
        let mut per_class = vec![0u64; classes];
        for &l in labels {
            per_class[l as usize] += 1;
        }
        // a class met once in the batch with a stored prototype uses the stored one: its
        // batch mean would be the example itself
        let batch_proto: Vec<bool> = (0..classes)
            .map(|c| per_class[c] > 1 || (per_class[c] == 1 && self.counts[c] == 0))
            .collect();
        let inv: Vec<f32> = per_class
            .iter()
            .map(|&n| if n > 0 { 1.0 / n as f32 } else { 0.0 })
            .collect();
        let present: Vec<f32> = batch_proto
            .iter()
            .map(|&b| f32::from(u8::from(b)))
            .collect();
        let batch_means = self.one_hot(labels, device).matmul(z.clone()) * column(inv, device);
        let present = column(present, device);
        let protos =
            batch_means * present.clone() + self.means.clone() * (present.neg().add_scalar(1.0));
        let mut scale = vec![1f32; labels.len() * classes];
        for (i, &l) in labels.iter().enumerate() {
            let n = per_class[l as usize];
            if n > 1 {
                let f = n as f32 / (n - 1) as f32;
                scale[i * classes + l as usize] = f * f;
            }
        }
        let scale = Tensor::from_data(TensorData::new(scale, [labels.len(), classes]), device);
        neg_sq_distances(z, protos) * scale + self.mask(labels, device)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn logits(p: &Prototypes, z: &[f32], labels: &[u32], device: &Device) -> Vec<f32> {
        let z = Tensor::from_data(TensorData::new(z.to_vec(), [labels.len(), 2]), device);
        p.training_logits(z, labels, device)
            .into_data()
            .try_to_vec::<f32>()
            .expect("f32")
    }

    /// By hand: z = (0,0), (2,0) of class 0 and (10,10) of class 1. Example 0's own prototype is
    /// example 1 alone (distance 4), not the batch mean (1,0), which includes example 0 itself
    /// (distance 1); to class 1 it is 200.
    #[test]
    fn an_example_is_not_part_of_its_own_prototype() {
        let device = Device::flex();
        let p = Prototypes::new(3, 2, &device);
        let l = logits(&p, &[0.0, 0.0, 2.0, 0.0, 10.0, 10.0], &[0, 0, 1], &device);
        let close = |a: f32, b: f32| assert!((a - b).abs() < 1e-3, "{a} vs {b}");
        close(l[0], -4.0); // example 0 → class 0: ‖(0,0) − (2,0)‖²
        close(l[1], -200.0); // example 0 → class 1
        close(l[3], -4.0); // example 1 → class 0: ‖(2,0) − (0,0)‖²
        close(l[4], -164.0); // example 1 → class 1: ‖(2,0) − (10,10)‖²
        close(l[6], -181.0); // example 2 → class 0: ‖(10,10) − (1,0)‖², the batch mean
        assert!(l[2] < -1e8, "class 2 was never seen");
        // example 2 is its class's only example and nothing is stored: a constant 0
        close(l[7], 0.0);
        // once class 1 has a stored prototype, a lone example is measured against it
        let mut stored = p.clone();
        let z = Tensor::from_data(TensorData::new(vec![4.0f32, 4.0], [1, 2]), &device);
        stored.update(z, &[1], &device);
        let l = logits(
            &stored,
            &[0.0, 0.0, 2.0, 0.0, 10.0, 10.0],
            &[0, 0, 1],
            &device,
        );
        close(l[7], -72.0); // ‖(10,10) − (4,4)‖²
    }
}
