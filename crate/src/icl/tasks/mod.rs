//! Function classes a prompt is drawn from (SCIENCE.md §1). Each class is one file implementing
//! [`FunctionClass`]: it draws one random function per prompt (and, if it needs to, the prompt's
//! inputs). Adding a class means one file here and one [`TaskKind`] variant; bindings and pages
//! list classes through [`TaskKind::ALL`].

mod decision_tree;
pub mod ill_conditioned;
mod linear;
mod noisy_linear;
mod relu_net;
mod sparse_linear;

use rand::RngExt;
use rand::rngs::StdRng;
use rand_distr::StandardNormal;
use serde::{Deserialize, Serialize};

pub use decision_tree::DecisionTree;
pub use ill_conditioned::IllConditionedLinear;
pub use linear::LinearRegression;
pub use noisy_linear::NoisyLinear;
pub use relu_net::ReluNet;
pub use sparse_linear::SparseLinear;

/// One function `f: R^d -> R`, drawn by a [`FunctionClass`]. It reads the first `active`
/// coordinates of `x` it was drawn for (curriculum: the rest are zero).
pub type Function = Box<dyn Fn(&[f32]) -> f32>;

/// A family of functions to learn in context.
pub trait FunctionClass {
    /// Draws one function over the first `active` input coordinates.
    fn sample_function(&self, rng: &mut StdRng, active: usize) -> Function;

    /// Draws a prompt's inputs, `[points, dims]` row-major. Default `x ~ N(0, I_d)`.
    fn sample_inputs(&self, rng: &mut StdRng, points: usize, dims: usize) -> Vec<f32> {
        gaussian(rng, points * dims)
    }

    /// Standard deviation of Gaussian noise added to every output. Default 0.
    fn output_noise(&self) -> f64 {
        0.0
    }

    /// What squared errors are divided by so the zero estimator scores 1 (SCIENCE.md §1):
    /// `E[f(x)²]` under the training distribution.
    fn error_normalizer(&self, active: usize) -> f64;
}

/// `n` draws of N(0, 1).
pub fn gaussian(rng: &mut StdRng, n: usize) -> Vec<f32> {
    (0..n).map(|_| rng.sample(StandardNormal)).collect()
}

/// The function classes a config can name.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskKind {
    /// `f(x) = wᵀx`, `w ~ N(0, I_d)`.
    #[default]
    Linear,
    /// Linear with only `sparsity` random coordinates of `w` non-zero.
    SparseLinear,
    /// Linear plus output noise `N(0, noiseStd²)`.
    NoisyLinear,
    /// `Σ_{i≤100} α_i ReLU(w_iᵀx)`.
    ReluNet,
    /// Depth-4 tree splitting on signs of random coordinates.
    DecisionTree,
    /// Linear with inputs of skewed covariance of condition number `conditionNumber` (Fu et al.).
    IllConditioned,
}

/// Parameters some classes take; ignored by the others.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TaskParams {
    pub sparsity: usize,
    pub noise_std: f64,
    pub condition_number: f64,
}

impl TaskKind {
    /// Every class, in menu order.
    pub const ALL: [Self; 6] = [
        Self::Linear,
        Self::SparseLinear,
        Self::NoisyLinear,
        Self::ReluNet,
        Self::DecisionTree,
        Self::IllConditioned,
    ];

    pub fn class(self, params: TaskParams) -> Box<dyn FunctionClass> {
        match self {
            Self::Linear => Box::new(LinearRegression),
            Self::SparseLinear => Box::new(SparseLinear {
                sparsity: params.sparsity,
            }),
            Self::NoisyLinear => Box::new(NoisyLinear {
                noise_std: params.noise_std,
            }),
            Self::ReluNet => Box::new(ReluNet::default()),
            Self::DecisionTree => Box::new(DecisionTree::default()),
            Self::IllConditioned => Box::new(IllConditionedLinear {
                condition_number: params.condition_number,
            }),
        }
    }

    /// The snake_case name used in configs, URLs and JSON.
    pub fn name(self) -> &'static str {
        match self {
            Self::Linear => "linear",
            Self::SparseLinear => "sparse_linear",
            Self::NoisyLinear => "noisy_linear",
            Self::ReluNet => "relu_net",
            Self::DecisionTree => "decision_tree",
            Self::IllConditioned => "ill_conditioned",
        }
    }

    /// One line for menus.
    pub fn description(self) -> &'static str {
        match self {
            Self::Linear => "Linear functions f(x) = wᵀx, w ~ N(0, I)",
            Self::SparseLinear => "Sparse linear: only a few coordinates of w are non-zero",
            Self::NoisyLinear => "Linear with Gaussian noise on every output",
            Self::ReluNet => "Two-layer ReLU networks with 100 hidden units",
            Self::DecisionTree => "Depth-4 decision trees splitting on the sign of a coordinate",
            Self::IllConditioned => "Linear with ill-conditioned input covariance (Fu et al.)",
        }
    }

    /// Curriculum defaults of the reference for this class (SCIENCE.md §1): prompt length grows
    /// 11 → 41 by 2 for the linear family, 26 → 101 by 5 for ReLU nets and trees.
    pub fn reference_points(self) -> (u32, u32) {
        match self {
            Self::ReluNet | Self::DecisionTree => (26, 5),
            _ => (11, 2),
        }
    }
}

/// `wᵀx` over the first `w.len()` coordinates.
pub(crate) fn dot(w: &[f32], x: &[f32]) -> f32 {
    w.iter().zip(x).map(|(a, b)| a * b).sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    /// Monte-Carlo `E[f(x)²]` over functions and inputs.
    fn second_moment(kind: TaskKind, dims: usize) -> f64 {
        let params = TaskParams {
            sparsity: 3,
            noise_std: 0.0,
            condition_number: 100.0,
        };
        let class = kind.class(params);
        let mut rng = StdRng::seed_from_u64(7);
        let (mut sum, mut n) = (0.0, 0);
        for _ in 0..2000 {
            let f = class.sample_function(&mut rng, dims);
            let xs = class.sample_inputs(&mut rng, 8, dims);
            for x in xs.chunks_exact(dims) {
                sum += f64::from(f(x)).powi(2);
                n += 1;
            }
        }
        sum / f64::from(n)
    }

    #[test]
    fn normalizers_are_the_second_moment() {
        let dims = 6;
        for kind in TaskKind::ALL {
            let params = TaskParams {
                sparsity: 3,
                noise_std: 0.0,
                condition_number: 100.0,
            };
            let expected = kind.class(params).error_normalizer(dims);
            let got = second_moment(kind, dims);
            assert!(
                (got / expected - 1.0).abs() < 0.1,
                "{kind:?}: E[f²] = {got:.3}, normalizer {expected}"
            );
        }
    }

    #[test]
    fn names_match_serde() {
        for kind in TaskKind::ALL {
            let json = serde_json::to_value(kind).expect("serializable");
            assert_eq!(json, serde_json::Value::String(kind.name().into()));
        }
    }

    #[test]
    fn functions_ignore_inactive_coordinates() {
        let mut rng = StdRng::seed_from_u64(1);
        for kind in TaskKind::ALL {
            let params = TaskParams {
                sparsity: 2,
                noise_std: 0.0,
                condition_number: 10.0,
            };
            let f = kind.class(params).sample_function(&mut rng, 3);
            let x = [0.3, -1.2, 0.7, 0.0, 0.0];
            let mut y = x;
            y[3] = 5.0;
            y[4] = -2.0;
            assert_eq!(f(&x), f(&y), "{kind:?}");
        }
    }
}
