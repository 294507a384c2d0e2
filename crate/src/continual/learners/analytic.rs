//! Analytic (closed-form) incremental learning with exact class unlearning (ACIL / G-ACIL,
//! Zhuang et al. 2022, 2024; ACU, "Analytic Continual Unlearning", 2025).
//!
//! Features: a fixed random expansion φ(x) = ReLU(B x + c) of width F ("buffer layer"), B with
//! entries N(0, 1 / (d · s²)) where s is the RMS of the first batch's inputs, c ~ N(0, 1). The
//! head is the ridge regression of one-hot targets Y on Φ:
//! `W = (ΦᵀΦ + γI)⁻¹ ΦᵀY`, scores `φ(x)ᵀW`.
//!
//! Recursive least squares keeps `R = (ΦᵀΦ + γI)⁻¹` (R₀ = I/γ, W₀ = 0) and folds in each batch
//! (Woodbury): `R ← R − R Φ_bᵀ (I + Φ_b R Φ_bᵀ)⁻¹ Φ_b R`, then `W ← W + R Φ_bᵀ (Y_b − Φ_b W)`.
//! After any sequence of batches W equals the joint ridge solution on all of them (up to
//! rounding): incremental learning with no forgetting at all *relative to joint training of the
//! same head*.
//!
//! Unlearning class c keeps per-class statistics `A_c = Φ_cᵀΦ_c` (F² numbers per class): the
//! class's contribution is removed, `A ← A − A_c`, its target column is zeroed, and
//! `R = (A + γI)⁻¹`, `W = R ΦᵀY` are recomputed — exactly the head trained without the class.

use nalgebra::{DMatrix, DVector};
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand_distr::{Distribution, StandardNormal};

use super::HostLearner;
use crate::continual::data::Dataset;
use crate::{Error, Result};

#[derive(Debug, Clone)]
pub struct AnalyticHead {
    ridge: f64,
    width: usize,
    classes: usize,
    seed: u64,
    /// `[F, d]` and `[F]`, drawn at the first batch.
    expansion: Option<(DMatrix<f64>, DVector<f64>)>,
    r: DMatrix<f64>,
    w: DMatrix<f64>,
    /// Per class: `Φ_cᵀΦ_c` and `Φ_cᵀ1` (the class's column of ΦᵀY).
    gram: Vec<DMatrix<f64>>,
    target: Vec<DVector<f64>>,
    forgotten: Vec<bool>,
    /// Classes with at least one example learned: the others score −∞ (their column of W is
    /// 0, which would beat a seen class whose score is negative).
    seen: Vec<bool>,
}

impl AnalyticHead {
    pub fn new(width: usize, classes: usize, ridge: f64, seed: u64) -> Self {
        Self {
            ridge,
            width,
            classes,
            seed,
            expansion: None,
            r: DMatrix::identity(width, width) / ridge,
            w: DMatrix::zeros(width, classes),
            gram: vec![DMatrix::zeros(width, width); classes],
            target: vec![DVector::zeros(width); classes],
            forgotten: vec![false; classes],
            seen: vec![false; classes],
        }
    }

    /// The head's weights `[F, classes]`.
    pub fn weights(&self) -> &DMatrix<f64> {
        &self.w
    }

    /// φ of every row of `data`, `[n, F]`.
    pub fn features(&self, data: &Dataset) -> Result<DMatrix<f64>> {
        let (b, c) = self
            .expansion
            .as_ref()
            .ok_or_else(|| Error::invalid("data", "the analytic head has seen no data yet"))?;
        if data.dim != b.ncols() {
            return Err(Error::invalid(
                "data",
                format!(
                    "{}-dimensional data for a {}-dimensional head",
                    data.dim,
                    b.ncols()
                ),
            ));
        }
        let x = DMatrix::from_row_iterator(
            data.len(),
            data.dim,
            data.inputs.iter().map(|&v| f64::from(v)),
        );
        let mut phi = x * b.transpose();
        for mut row in phi.row_iter_mut() {
            for (v, bias) in row.iter_mut().zip(c.iter()) {
                *v = (*v + bias).max(0.0);
            }
        }
        Ok(phi)
    }

    fn draw_expansion(&mut self, data: &Dataset) {
        let rms = (data
            .inputs
            .iter()
            .map(|&v| f64::from(v).powi(2))
            .sum::<f64>()
            / data.inputs.len().max(1) as f64)
            .sqrt()
            .max(1e-6);
        let mut rng = StdRng::seed_from_u64(self.seed ^ 0xA2A1_7100);
        let scale = 1.0 / (rms * (data.dim as f64).sqrt());
        let mut normal = || -> f64 { StandardNormal.sample(&mut rng) };
        let b = DMatrix::from_fn(self.width, data.dim, |_, _| normal() * scale);
        let c = DVector::from_fn(self.width, |_, _| normal());
        self.expansion = Some((b, c));
    }

    fn one_hot(&self, data: &Dataset) -> DMatrix<f64> {
        DMatrix::from_fn(data.len(), self.classes, |i, c| {
            f64::from(u8::from(data.labels[i] as usize == c))
        })
    }

    /// The joint ridge solution `(ΦᵀΦ + γI)⁻¹ ΦᵀY` on `data` with this head's features, computed
    /// at once — what the recursive updates must equal.
    pub fn joint_solution(&self, data: &Dataset) -> Result<DMatrix<f64>> {
        let phi = self.features(data)?;
        let a = phi.transpose() * &phi + DMatrix::identity(self.width, self.width) * self.ridge;
        let rhs = phi.transpose() * self.one_hot(data);
        a.cholesky()
            .map(|ch| ch.solve(&rhs))
            .ok_or_else(|| Error::invalid("data", "the ridge system is singular"))
    }

    /// Removes everything class `c` contributed, as if it had never been trained on.
    pub fn forget(&mut self, c: usize) -> Result<()> {
        if c >= self.classes {
            return Err(Error::invalid(
                "class",
                format!("must be between 0 and {}, got {c}", self.classes - 1),
            ));
        }
        self.gram[c].fill(0.0);
        self.target[c].fill(0.0);
        self.forgotten[c] = true;
        self.solve("class")
    }

    /// `R = (Σ_c A_c + γI)⁻¹` and `W = R ΦᵀY` from the per-class statistics (an error names
    /// `field` if the system is singular).
    fn solve(&mut self, field: &'static str) -> Result<()> {
        let mut a = DMatrix::identity(self.width, self.width) * self.ridge;
        let mut rhs = DMatrix::zeros(self.width, self.classes);
        for k in 0..self.classes {
            a += &self.gram[k];
            rhs.set_column(k, &self.target[k]);
        }
        let chol = a
            .cholesky()
            .ok_or_else(|| Error::invalid(field, "the ridge system became singular"))?;
        self.r = chol.inverse();
        self.w = &self.r * rhs;
        Ok(())
    }

    /// A fresh head on `other`'s random expansion: heads that learn apart on one shared expansion
    /// live in one feature space, and so can [`merge`](Self::merge). Each draws its own otherwise
    /// (from its first batch's scale), and those do not merge.
    pub fn sharing_expansion(mut self, other: &Self) -> Result<Self> {
        let Some(expansion) = other.expansion.clone() else {
            return Err(Error::invalid(
                "merge",
                "the head to share an expansion with has seen no data yet",
            ));
        };
        if expansion.0.nrows() != self.width {
            return Err(Error::invalid(
                "merge",
                format!(
                    "a head of width {} cannot share an expansion of width {}",
                    self.width,
                    expansion.0.nrows()
                ),
            ));
        }
        self.expansion = Some(expansion);
        Ok(self)
    }

    /// Folds in what `other` learned apart on the same expansion (docs/SCIENCE.md §3): the
    /// per-class statistics `Φ_cᵀΦ_c` and `Φ_cᵀ1` add, and the ridge solution is solved again —
    /// exactly the head that read both streams (up to rounding). A class either forgot stays
    /// forgotten. `F² + F` numbers per class to communicate.
    pub fn merge(&mut self, other: &Self) -> Result<()> {
        if other.width != self.width || other.classes != self.classes || other.ridge != self.ridge {
            return Err(Error::invalid(
                "merge",
                format!(
                    "a head of width {}, {} classes and ridge {} cannot take one of width {}, {} classes and ridge {}",
                    self.width, self.classes, self.ridge, other.width, other.classes, other.ridge
                ),
            ));
        }
        match (&self.expansion, &other.expansion) {
            (_, None) => return Ok(()),
            (None, Some(theirs)) => self.expansion = Some(theirs.clone()),
            (Some(ours), Some(theirs)) if ours != theirs => {
                return Err(Error::invalid(
                    "merge",
                    "the two heads drew different random expansions: heads merge only on a shared one",
                ));
            }
            _ => {}
        }
        for c in 0..self.classes {
            if self.forgotten[c] || other.forgotten[c] {
                self.forgotten[c] = true;
                self.gram[c].fill(0.0);
                self.target[c].fill(0.0);
                continue;
            }
            self.gram[c] += &other.gram[c];
            self.target[c] += &other.target[c];
            self.seen[c] |= other.seen[c];
        }
        self.solve("merge")
    }
}

impl HostLearner for AnalyticHead {
    fn export(&self) -> super::State {
        let (f, c) = (self.width, self.classes);
        let mut state = super::State::new();
        if let Some((weights, bias)) = &self.expansion {
            state.insert("expansion.weight".into(), super::matrix_entry(weights));
            state.insert(
                "expansion.bias".into(),
                (vec![bias.len()], bias.as_slice().to_vec()),
            );
        }
        state.insert("r".into(), super::matrix_entry(&self.r));
        state.insert("w".into(), super::matrix_entry(&self.w));
        let gram: Vec<f64> = self
            .gram
            .iter()
            .flat_map(|g| g.transpose().as_slice().to_vec())
            .collect();
        state.insert("gram".into(), (vec![c, f, f], gram));
        state.insert("target".into(), super::rows_entry(&self.target, f));
        let flag = |b: &bool| if *b { 1.0 } else { 0.0 };
        state.insert(
            "forgotten".into(),
            super::counts_entry(self.forgotten.iter().map(flag)),
        );
        state.insert(
            "seen".into(),
            super::counts_entry(self.seen.iter().map(flag)),
        );
        state
    }

    fn import(&mut self, state: &super::State) -> Result<()> {
        let (f, c) = (self.width, self.classes);
        let expansion = match state.get("expansion.weight") {
            None => None,
            Some((shape, _)) => {
                let d = shape.get(1).copied().unwrap_or(0);
                let weights = super::take_matrix(state, "expansion.weight", f, d)?;
                let bias = DVector::from_column_slice(super::take(state, "expansion.bias", &[f])?);
                Some((weights, bias))
            }
        };
        let r = super::take_matrix(state, "r", f, f)?;
        let w = super::take_matrix(state, "w", f, c)?;
        let gram = super::take(state, "gram", &[c, f, f])?
            .chunks_exact((f * f).max(1))
            .map(|g| DMatrix::from_row_slice(f, f, g))
            .collect();
        let target = super::take(state, "target", &[c, f])?
            .chunks_exact(f.max(1))
            .map(DVector::from_column_slice)
            .collect();
        let flags = |name: &str| -> Result<Vec<bool>> {
            Ok(super::take_counts(state, name, c)?
                .iter()
                .map(|&v| v > 0)
                .collect())
        };
        let (forgotten, seen) = (flags("forgotten")?, flags("seen")?);
        self.expansion = expansion;
        (self.r, self.w, self.gram, self.target) = (r, w, gram, target);
        (self.forgotten, self.seen) = (forgotten, seen);
        Ok(())
    }

    fn name(&self) -> &'static str {
        "analytic"
    }

    fn observe(&mut self, batch: &Dataset) -> Result<()> {
        // a forgotten class stays forgotten: its later examples are not learned
        let keep: Vec<usize> = (0..batch.len())
            .filter(|&i| !self.forgotten[batch.labels[i] as usize])
            .collect();
        let batch = &batch.rows(&keep);
        if batch.is_empty() {
            return Ok(());
        }
        if self.expansion.is_none() {
            self.draw_expansion(batch);
        }
        let phi = self.features(batch)?;
        let y = self.one_hot(batch);
        let n = batch.len();
        // Woodbury: R ← R − R Φᵀ (I + Φ R Φᵀ)⁻¹ Φ R
        let r_phi_t = &self.r * phi.transpose();
        let k = DMatrix::identity(n, n) + &phi * &r_phi_t;
        let k_inv = k
            .cholesky()
            .ok_or_else(|| Error::invalid("data", "the RLS update is singular"))?
            .inverse();
        self.r -= &r_phi_t * k_inv * r_phi_t.transpose();
        // keep R symmetric against rounding
        self.r = (&self.r + self.r.transpose()) * 0.5;
        let residual = y - &phi * &self.w;
        self.w += &self.r * phi.transpose() * residual;
        for i in 0..n {
            let c = batch.labels[i] as usize;
            let row = phi.row(i).transpose();
            self.gram[c] += &row * row.transpose();
            self.target[c] += &row;
            self.seen[c] = true;
        }
        Ok(())
    }

    fn unlearn(&mut self, c: usize) -> Result<()> {
        self.forget(c)
    }

    fn scores(&self, data: &Dataset) -> Vec<f64> {
        let Ok(phi) = self.features(data) else {
            return vec![f64::NEG_INFINITY; data.len() * self.classes];
        };
        let s = phi * &self.w;
        let mut out = Vec::with_capacity(data.len() * self.classes);
        for i in 0..data.len() {
            for c in 0..self.classes {
                out.push(if self.forgotten[c] || !self.seen[c] {
                    f64::NEG_INFINITY
                } else {
                    s[(i, c)]
                });
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two heads that learn apart on one shared expansion, merged: the weights of one head that
    /// read both streams; heads with their own expansions are refused by name.
    #[test]
    fn merged_heads_equal_one_head_on_the_union() {
        use crate::continual::two_d::{Shape, TwoDConfig};
        let data = TwoDConfig {
            shape: Shape::Blobs,
            classes: 4,
            per_class: 30,
            noise: 0.3,
            seed: 9,
        }
        .generate()
        .expect("valid");
        let (a_data, b_data) = (data.with_classes(&[0, 1]), data.with_classes(&[2, 3]));
        let mut a = AnalyticHead::new(32, 4, 1.0, 1);
        a.observe(&a_data).expect("fits");
        let mut b = AnalyticHead::new(32, 4, 1.0, 2)
            .sharing_expansion(&a)
            .expect("a has one");
        b.observe(&b_data).expect("fits");
        let mut union = AnalyticHead::new(32, 4, 1.0, 1);
        union.observe(&a_data).expect("fits");
        union.observe(&b_data).expect("fits");
        let mut merged = a.clone();
        merged.merge(&b).expect("shared expansion");
        assert!((merged.weights() - union.weights()).abs().max() < 1e-8);
        assert!(merged.scores(&data).iter().all(|s| s.is_finite()));
        assert!(
            a.scores(&b_data).iter().any(|s| s.is_infinite()),
            "a alone cannot name 2, 3"
        );
        let mut own = AnalyticHead::new(32, 4, 1.0, 2);
        own.observe(&b_data).expect("fits");
        assert_eq!(
            a.merge(&own).expect_err("own expansion").field(),
            Some("merge")
        );
    }

    /// A class the head has not seen scores −∞, not the 0 of its untouched column: with one-hot
    /// targets a seen class's score can be negative, and 0 would then win the argmax.
    #[test]
    fn classes_never_seen_cannot_win() {
        let data = Dataset {
            inputs: vec![-1.0, 0.0, -1.1, 0.1, 1.0, 0.0, 1.2, -0.1],
            labels: vec![0, 0, 1, 1],
            dim: 2,
            classes: 3,
            image: None,
        };
        let mut head = AnalyticHead::new(16, 3, 0.01, 1);
        head.observe(&data).expect("update");
        let far = Dataset {
            inputs: vec![0.0, 40.0, -30.0, -30.0, 25.0, 5.0],
            labels: vec![0, 0, 0],
            ..data.clone()
        };
        let scores = head.scores(&far);
        for row in scores.chunks_exact(3) {
            assert_eq!(row[2], f64::NEG_INFINITY, "{row:?}");
            assert!(row[0].is_finite() && row[1].is_finite(), "{row:?}");
        }
    }
}
