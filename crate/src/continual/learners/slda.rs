//! Streaming linear discriminant analysis (Hayes & Kanan 2020, "Lifelong Machine Learning with
//! Deep Streaming Linear Discriminant Analysis"): one running mean per class and one shared
//! covariance, both updated one example at a time; predictions are those of LDA with the current
//! estimates. For an example x of class y, with n_y examples of y and t in all seen so far and
//! Δ = x − μ_y: `S ← S + n_y/(n_y+1) · ΔΔᵀ`, `μ_y ← μ_y + Δ / (n_y + 1)`, `Σ = S / (t + 1)` —
//! the exact streaming (Welford) form of the pooled within-class covariance. (The paper's update
//! weighs ΔΔᵀ by t/(t+1) with the global count, so the first example of each class adds its
//! distance from the origin; here a class's first example adds nothing, as in the batch formula.)
//! Scores: with `Λ = ((1 − ε) Σ + ε I)⁻¹` (shrinkage ε = 10⁻⁴ as in the paper),
//! `s_c(x) = μ_cᵀ Λ x − ½ μ_cᵀ Λ μ_c`. Like NCM it is exemplar-free and task-free, but it uses the
//! shape of the data.

use nalgebra::{DMatrix, DVector};

use super::HostLearner;
use crate::continual::data::Dataset;
use crate::{Error, Result};

/// Shrinkage towards the identity.
pub const SHRINKAGE: f64 = 1e-4;

#[derive(Debug, Clone)]
pub struct StreamingLda {
    means: Vec<DVector<f64>>,
    counts: Vec<u64>,
    /// Pooled within-class scatter S and the covariance S / t.
    scatter: DMatrix<f64>,
    covariance: DMatrix<f64>,
    seen: u64,
    /// `Λ μ_c` and `½ μ_cᵀ Λ μ_c`, refreshed after every batch.
    weights: Vec<DVector<f64>>,
    biases: Vec<f64>,
}

impl StreamingLda {
    pub fn new(dim: usize, classes: usize) -> Self {
        Self {
            means: vec![DVector::zeros(dim); classes],
            counts: vec![0; classes],
            scatter: DMatrix::zeros(dim, dim),
            covariance: DMatrix::zeros(dim, dim),
            seen: 0,
            weights: vec![DVector::zeros(dim); classes],
            biases: vec![0.0; classes],
        }
    }

    pub fn covariance(&self) -> &DMatrix<f64> {
        &self.covariance
    }

    /// Examples learned of each class.
    pub fn counts(&self) -> &[u64] {
        &self.counts
    }

    /// The mean of class `c`.
    pub fn mean(&self, c: usize) -> &DVector<f64> {
        &self.means[c]
    }

    /// The pooled within-class scatter S (`[d, d]`).
    pub fn scatter(&self) -> &DMatrix<f64> {
        &self.scatter
    }

    /// An SLDA that has learned, of each class `c` in `stats`, `count` examples of mean `mean`,
    /// with pooled within-class scatter `scatter` (what another SLDA's [`counts`](Self::counts),
    /// [`mean`](Self::mean) and [`scatter`](Self::scatter) read): how a client's statistics
    /// travel. The caller checks the numbers (finite, symmetric, the right lengths).
    pub fn from_stats(
        dim: usize,
        classes: usize,
        stats: &[(usize, u64, &[f64])],
        scatter: DMatrix<f64>,
    ) -> Result<Self> {
        let mut learner = Self::new(dim, classes);
        for &(c, count, mean) in stats {
            learner.counts[c] = count;
            learner.means[c] = DVector::from_column_slice(mean);
            learner.seen += count;
        }
        learner.covariance = &scatter / learner.seen.max(1) as f64;
        learner.scatter = scatter;
        learner.refresh()?;
        Ok(learner)
    }

    fn refresh(&mut self) -> Result<()> {
        let dim = self.covariance.nrows();
        let shrunk = &self.covariance * (1.0 - SHRINKAGE) + DMatrix::identity(dim, dim) * SHRINKAGE;
        let chol = shrunk.cholesky().ok_or_else(|| {
            Error::invalid("data", "the shrunk covariance is not positive definite")
        })?;
        for c in 0..self.means.len() {
            let w = chol.solve(&self.means[c]);
            self.biases[c] = 0.5 * self.means[c].dot(&w);
            self.weights[c] = w;
        }
        Ok(())
    }
}

impl StreamingLda {
    /// Folds in what `other` learned apart (docs/SCIENCE.md §3): the class means merge as
    /// count-weighted averages and the pooled within-class scatter as Chan et al.'s parallel
    /// form, `S = S_a + S_b + Σ_c n_a,c n_b,c / (n_a,c + n_b,c) · δ_c δ_cᵀ` with `δ_c = μ_b,c −
    /// μ_a,c`: exactly the statistics of one SLDA that read both streams (up to rounding), so
    /// nothing is lost by learning apart. `d² + (d + 1) · classes` numbers to communicate.
    pub fn merge(&mut self, other: &Self) -> Result<()> {
        let dim = self.covariance.nrows();
        if other.covariance.nrows() != dim || other.means.len() != self.means.len() {
            return Err(super::shape_mismatch(
                "an SLDA",
                (dim, self.means.len()),
                (other.covariance.nrows(), other.means.len()),
            ));
        }
        self.scatter += &other.scatter;
        for c in 0..self.means.len() {
            let (na, nb) = (self.counts[c] as f64, other.counts[c] as f64);
            if nb == 0.0 {
                continue;
            }
            let delta = &other.means[c] - &self.means[c];
            self.scatter += &delta * delta.transpose() * (na * nb / (na + nb));
            self.means[c] += &delta * (nb / (na + nb));
            self.counts[c] += other.counts[c];
        }
        self.seen += other.seen;
        self.covariance = &self.scatter / self.seen.max(1) as f64;
        self.refresh()
    }
}

impl HostLearner for StreamingLda {
    fn export(&self) -> super::State {
        let (classes, dim) = (self.counts.len(), self.scatter.nrows());
        let mut state = super::State::new();
        state.insert("means".into(), super::rows_entry(&self.means, dim));
        state.insert(
            "counts".into(),
            super::counts_entry(self.counts.iter().map(|&c| c as f64)),
        );
        state.insert("scatter".into(), super::matrix_entry(&self.scatter));
        state.insert("covariance".into(), super::matrix_entry(&self.covariance));
        state.insert("seen".into(), super::counts_entry([self.seen as f64]));
        state.insert("weights".into(), super::rows_entry(&self.weights, dim));
        state.insert("biases".into(), (vec![classes], self.biases.clone()));
        state
    }

    fn import(&mut self, state: &super::State) -> Result<()> {
        let (classes, dim) = (self.counts.len(), self.scatter.nrows());
        let rows = |name: &str| -> Result<Vec<DVector<f64>>> {
            Ok(super::take(state, name, &[classes, dim])?
                .chunks_exact(dim.max(1))
                .map(DVector::from_column_slice)
                .collect())
        };
        let means = rows("means")?;
        let weights = rows("weights")?;
        let counts = super::take_counts(state, "counts", classes)?;
        let scatter = super::take_matrix(state, "scatter", dim, dim)?;
        let covariance = super::take_matrix(state, "covariance", dim, dim)?;
        let seen = super::take_counts(state, "seen", 1)?[0];
        let biases = super::take(state, "biases", &[classes])?.to_vec();
        *self = Self {
            means,
            counts,
            scatter,
            covariance,
            seen,
            weights,
            biases,
        };
        Ok(())
    }

    fn name(&self) -> &'static str {
        "slda"
    }

    fn observe(&mut self, batch: &Dataset) -> Result<()> {
        let dim = self.covariance.nrows();
        if batch.dim != dim {
            return Err(Error::invalid(
                "data",
                format!(
                    "{}-dimensional data for a {dim}-dimensional SLDA",
                    batch.dim
                ),
            ));
        }
        for i in 0..batch.len() {
            let c = batch.labels[i] as usize;
            let x = DVector::from_iterator(dim, batch.input(i).iter().map(|&v| f64::from(v)));
            let delta = &x - &self.means[c];
            let n = self.counts[c] as f64;
            self.scatter += &delta * delta.transpose() * (n / (n + 1.0));
            self.counts[c] += 1;
            self.means[c] += &delta / (n + 1.0);
            self.seen += 1;
        }
        self.covariance = &self.scatter / self.seen.max(1) as f64;
        self.refresh()
    }

    fn scores(&self, data: &Dataset) -> Vec<f64> {
        let mut out = Vec::with_capacity(data.len() * self.means.len());
        for i in 0..data.len() {
            let x = data.input(i);
            let x = DVector::from_iterator(x.len(), x.iter().map(|&v| f64::from(v)));
            out.extend((0..self.means.len()).map(|c| {
                if self.counts[c] == 0 {
                    f64::NEG_INFINITY
                } else {
                    self.weights[c].dot(&x) - self.biases[c]
                }
            }));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two clients with overlapping classes, merged: the means, the covariance and the scores
    /// of one SLDA that read both streams.
    #[test]
    fn merged_clients_equal_one_learner_on_the_union() {
        use crate::continual::two_d::{Shape, TwoDConfig};
        let data = TwoDConfig {
            shape: Shape::Blobs,
            classes: 4,
            per_class: 40,
            noise: 0.4,
            seed: 5,
        }
        .generate()
        .expect("valid");
        let a_data = data.with_classes(&[0, 1, 2]);
        let b_data = data.with_classes(&[1, 3]);
        let (mut a, mut b) = (StreamingLda::new(2, 4), StreamingLda::new(2, 4));
        a.observe(&a_data).expect("fits");
        b.observe(&b_data).expect("fits");
        let mut union = StreamingLda::new(2, 4);
        union.observe(&a_data).expect("fits");
        union.observe(&b_data).expect("fits");
        a.merge(&b).expect("same shape");
        assert_eq!(a.counts, union.counts);
        assert!((a.covariance() - union.covariance()).abs().max() < 1e-10);
        for (m, u) in a.means.iter().zip(&union.means) {
            assert!((m - u).abs().max() < 1e-12);
        }
        let (sa, su) = (a.scores(&data), union.scores(&data));
        assert!(sa.iter().zip(&su).all(|(x, y)| (x - y).abs() < 1e-6));
        let err = a.merge(&StreamingLda::new(3, 4)).expect_err("other dims");
        assert_eq!(err.field(), Some("merge"));
    }

    /// The streamed mean and covariance equal the batch ones: covariance of the class-centred
    /// data (population form), computed by hand.
    #[test]
    fn streamed_statistics_equal_batch_ones() {
        // class 0: (0,0), (2,0); class 1: (0,4), (0,6)
        let data = Dataset::new(vec![0., 0., 0., 4., 2., 0., 0., 6.], vec![0, 1, 0, 1], 2, 2)
            .expect("valid");
        let mut one_by_one = StreamingLda::new(2, 2);
        for i in 0..4 {
            one_by_one.observe(&data.rows(&[i])).expect("fits");
        }
        // centred: class 0 → (∓1, 0), class 1 → (0, ∓1): Σ = [[0.5, 0], [0, 0.5]]
        let s = one_by_one.covariance();
        assert!((s[(0, 0)] - 0.5).abs() < 1e-12 && (s[(1, 1)] - 0.5).abs() < 1e-12);
        assert!(s[(0, 1)].abs() < 1e-12);
        assert_eq!(one_by_one.means[0].as_slice(), &[1.0, 0.0]);
        assert_eq!(one_by_one.means[1].as_slice(), &[0.0, 5.0]);
        let point = Dataset::new(vec![1.0, 1.0], vec![0], 2, 2).expect("valid");
        let scores = one_by_one.scores(&point);
        assert!(scores[0] > scores[1], "{scores:?}");
        let mut at_once = StreamingLda::new(2, 2);
        at_once.observe(&data).expect("fits");
        assert!((at_once.covariance() - s).abs().max() < 1e-12);
    }
}
