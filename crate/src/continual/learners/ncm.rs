//! Nearest class mean (docs/SCIENCE.md §3, prototype learners): one running mean per class,
//! updated online; a point gets the class of the nearest mean (Euclidean). A class's mean only
//! moves when that class's examples arrive, so learning new classes never rewrites old ones —
//! it is exemplar-free and task-free. Here on raw inputs; on a learned or frozen embedding the
//! same code runs on the embedded points.
//!
//! Online mean: `μ_c ← μ_c + (x − μ_c) / n_c` after the n_c-th example of class c.

use super::HostLearner;
use crate::continual::data::Dataset;
use crate::{Error, Result};

#[derive(Debug, Clone, PartialEq)]
pub struct NearestClassMean {
    dim: usize,
    /// `[classes, dim]`, f64 so long streams do not drift.
    means: Vec<f64>,
    counts: Vec<u64>,
}

impl NearestClassMean {
    pub fn new(dim: usize, classes: usize) -> Self {
        Self {
            dim,
            means: vec![0.0; dim * classes],
            counts: vec![0; classes],
        }
    }

    fn classes(&self) -> usize {
        self.counts.len()
    }

    fn check(&self, data: &Dataset) -> Result<()> {
        if data.dim != self.dim || data.classes > self.counts.len() {
            return Err(Error::invalid(
                "data",
                format!(
                    "{}-dimensional data with {} classes for a {}-dimensional learner with {}",
                    data.dim,
                    data.classes,
                    self.dim,
                    self.counts.len()
                ),
            ));
        }
        Ok(())
    }

    /// Folds every example of `data` into its class mean, in order.
    pub fn update(&mut self, data: &Dataset) -> Result<()> {
        self.check(data)?;
        for i in 0..data.len() {
            let c = data.labels[i] as usize;
            self.counts[c] += 1;
            let n = self.counts[c] as f64;
            let mean = &mut self.means[c * self.dim..(c + 1) * self.dim];
            for (m, &x) in mean.iter_mut().zip(data.input(i)) {
                *m += (f64::from(x) - *m) / n;
            }
        }
        Ok(())
    }

    /// The mean of class `c`, if it has been seen.
    pub fn mean(&self, c: usize) -> Option<&[f64]> {
        (self.counts.get(c).copied().unwrap_or(0) > 0)
            .then(|| &self.means[c * self.dim..(c + 1) * self.dim])
    }

    /// Nearest seen class mean; `None` before any class was seen.
    pub fn predict(&self, x: &[f32]) -> Option<u32> {
        (0..self.counts.len())
            .filter_map(|c| {
                self.mean(c).map(|m| {
                    let d: f64 = m
                        .iter()
                        .zip(x)
                        .map(|(m, &x)| (m - f64::from(x)).powi(2))
                        .sum();
                    (c, d)
                })
            })
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(c, _)| c as u32)
    }

    /// Squared distance to each seen mean, negated (unseen classes: −∞).
    pub fn class_scores(&self, x: &[f32]) -> Vec<f64> {
        (0..self.counts.len())
            .map(|c| match self.mean(c) {
                Some(m) => -m
                    .iter()
                    .zip(x)
                    .map(|(m, &x)| (m - f64::from(x)).powi(2))
                    .sum::<f64>(),
                None => f64::NEG_INFINITY,
            })
            .collect()
    }

    /// Folds in what `other` learned apart (federated reconnaissance, docs/SCIENCE.md §3): each
    /// class's mean becomes the count-weighted mean of the two, `μ = (n_a μ_a + n_b μ_b) / (n_a
    /// + n_b)` — exactly the mean of all the class's examples, so the merged learner is the one
    /// that read both streams (up to rounding), whatever the order. No gradient step, no tuning,
    /// and `dim + 1` numbers per class to communicate.
    pub fn merge(&mut self, other: &Self) -> Result<()> {
        if other.dim != self.dim || other.counts.len() != self.counts.len() {
            return Err(super::shape_mismatch(
                "a nearest-class-mean learner",
                (self.dim, self.counts.len()),
                (other.dim, other.counts.len()),
            ));
        }
        for c in 0..self.counts.len() {
            let (na, nb) = (self.counts[c], other.counts[c]);
            if nb == 0 {
                continue;
            }
            let n = (na + nb) as f64;
            let (wa, wb) = (na as f64 / n, nb as f64 / n);
            let theirs = &other.means[c * self.dim..(c + 1) * self.dim];
            for (m, &o) in self.means[c * self.dim..(c + 1) * self.dim]
                .iter_mut()
                .zip(theirs)
            {
                *m = wa * *m + wb * o;
            }
            self.counts[c] = na + nb;
        }
        Ok(())
    }

    /// Examples learned of each class.
    pub fn counts(&self) -> &[u64] {
        &self.counts
    }

    /// A learner that has learned, of each class `c` in `stats`, `count` examples of mean
    /// `mean` (what another learner's [`counts`](Self::counts) and [`mean`](Self::mean) read):
    /// how a client's prototypes travel. The caller checks the numbers (finite, the right
    /// length, classes in range).
    pub fn from_stats(dim: usize, classes: usize, stats: &[(usize, u64, &[f64])]) -> Self {
        let mut learner = Self::new(dim, classes);
        for &(c, count, mean) in stats {
            learner.counts[c] = count;
            learner.means[c * dim..(c + 1) * dim].copy_from_slice(mean);
        }
        learner
    }

    /// Fraction of `data` classified correctly (0 before anything was learned).
    pub fn accuracy(&self, data: &Dataset) -> Result<f64> {
        self.check(data)?;
        if data.is_empty() {
            return Err(Error::invalid("data", "is empty"));
        }
        let correct = (0..data.len())
            .filter(|&i| self.predict(data.input(i)) == Some(data.labels[i]))
            .count();
        Ok(correct as f64 / data.len() as f64)
    }
}

impl HostLearner for NearestClassMean {
    fn export(&self) -> super::State {
        let mut state = super::State::new();
        state.insert(
            "means".into(),
            (vec![self.classes(), self.dim], self.means.clone()),
        );
        state.insert(
            "counts".into(),
            super::counts_entry(self.counts.iter().map(|&c| c as f64)),
        );
        state
    }

    fn import(&mut self, state: &super::State) -> Result<()> {
        let means = super::take(state, "means", &[self.classes(), self.dim])?.to_vec();
        let counts = super::take_counts(state, "counts", self.classes())?;
        (self.means, self.counts) = (means, counts);
        Ok(())
    }

    fn name(&self) -> &'static str {
        "ncm"
    }

    fn observe(&mut self, batch: &Dataset) -> Result<()> {
        self.update(batch)
    }

    fn scores(&self, data: &Dataset) -> Vec<f64> {
        (0..data.len())
            .flat_map(|i| self.class_scores(data.input(i)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::continual::metrics::{Forgetting, backward_transfer, forgetting};
    use crate::continual::two_d::{Shape, TwoDConfig};

    #[test]
    fn means_by_hand() {
        let data =
            Dataset::new(vec![0.0, 0.0, 2.0, 4.0, 10.0, 10.0], vec![0, 0, 1], 2, 2).expect("valid");
        let mut ncm = NearestClassMean::new(2, 2);
        assert_eq!(ncm.predict(&[1.0, 1.0]), None);
        ncm.update(&data).expect("fits");
        assert_eq!(ncm.mean(0), Some(&[1.0, 2.0][..]));
        assert_eq!(ncm.mean(1), Some(&[10.0, 10.0][..]));
        assert_eq!(ncm.predict(&[3.0, 3.0]), Some(0));
        assert_eq!(ncm.predict(&[7.0, 7.0]), Some(1));
        // online == batch: one more class-0 point moves the mean to the mean of three points
        let more = Dataset::new(vec![4.0, -1.0], vec![0], 2, 2).expect("valid");
        ncm.update(&more).expect("fits");
        assert_eq!(ncm.mean(0), Some(&[2.0, 1.0][..]));
    }

    /// Class-incremental blobs, two classes per task: the class means of earlier tasks never
    /// move, so NCM keeps what it learned (forgetting ≈ 0, as SCIENCE.md §3 says of prototypes).
    #[test]
    fn ncm_does_not_forget_on_split_blobs() {
        let base = TwoDConfig {
            shape: Shape::Blobs,
            classes: 6,
            per_class: 100,
            noise: 0.1,
            seed: 1,
        };
        let train = base.generate().expect("valid");
        let test = TwoDConfig { seed: 2, ..base }.generate().expect("valid");
        let tasks: Vec<Vec<u32>> = vec![vec![0, 1], vec![2, 3], vec![4, 5]];
        let mut ncm = NearestClassMean::new(2, 6);
        let mut r = Vec::new();
        for classes in &tasks {
            ncm.update(&train.with_classes(classes)).expect("fits");
            r.push(
                tasks
                    .iter()
                    .map(|t| ncm.accuracy(&test.with_classes(t)).expect("fits"))
                    .collect::<Vec<f64>>(),
            );
        }
        let f = forgetting(&r, Forgetting::Max).expect("square");
        assert!(f < 0.05, "forgetting {f}, R = {r:?}");
        assert!(backward_transfer(&r).expect("square") > -0.05);
        assert!(r[2].iter().all(|&a| a > 0.9), "{r:?}");
    }

    /// Two clients learn disjoint and overlapping classes apart; merged, either way round, they
    /// hold the means of one learner that read both streams.
    #[test]
    fn merged_clients_equal_one_learner_on_the_union() {
        let data = TwoDConfig {
            shape: Shape::Blobs,
            classes: 4,
            per_class: 50,
            noise: 0.3,
            seed: 3,
        }
        .generate()
        .expect("valid");
        let a_data = data.with_classes(&[0, 1, 2]);
        let b_data = data.with_classes(&[2, 3]);
        let (mut a, mut b) = (NearestClassMean::new(2, 4), NearestClassMean::new(2, 4));
        a.update(&a_data).expect("fits");
        b.update(&b_data).expect("fits");
        let mut union = NearestClassMean::new(2, 4);
        union.update(&a_data).expect("fits");
        union.update(&b_data).expect("fits");
        let mut ab = a.clone();
        ab.merge(&b).expect("same shape");
        let mut ba = b.clone();
        ba.merge(&a).expect("same shape");
        for merged in [&ab, &ba] {
            assert_eq!(merged.counts, union.counts);
            for (m, u) in merged.means.iter().zip(&union.means) {
                assert!((m - u).abs() < 1e-12, "{m} vs {u}");
            }
        }
        // before the merge a client cannot name the other's classes; after, it can
        assert!(a.mean(3).is_none() && ab.mean(3).is_some());
        let err = ab
            .merge(&NearestClassMean::new(3, 4))
            .expect_err("other dims");
        assert_eq!(err.field(), Some("merge"));
    }

    #[test]
    fn mismatched_data_is_an_error() {
        let ncm = NearestClassMean::new(3, 2);
        let data = Dataset::new(vec![0.0, 0.0], vec![0], 2, 2).expect("valid");
        assert_eq!(
            ncm.accuracy(&data).expect_err("dims differ").field(),
            Some("data")
        );
        assert_eq!(
            Dataset::new(vec![0.0], vec![5], 1, 2)
                .expect_err("label")
                .field(),
            Some("labels[0]")
        );
    }
}
