//! Function classes a prompt is drawn from. Each class draws one random function per prompt and
//! evaluates it at the prompt's inputs.

use rand::RngExt;
use rand::rngs::StdRng;
use rand_distr::StandardNormal;
use serde::{Deserialize, Serialize};

/// A family of functions `f: R^d -> R` to learn in context.
pub trait FunctionClass {
    /// Draws one function and returns `f(x_i)` for every row of `xs` (`[points, dims]`, row-major).
    fn sample_outputs(&self, rng: &mut StdRng, xs: &[f32], dims: usize) -> Vec<f32>;

    /// What the squared error is divided by so the zero estimator scores 1 (SCIENCE.md §1).
    fn error_normalizer(&self, dims: usize) -> f64;
}

/// The function classes a config can name.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskKind {
    /// `f(x) = wᵀx`, `w ~ N(0, I_d)`.
    #[default]
    Linear,
}

impl TaskKind {
    pub fn class(self) -> Box<dyn FunctionClass> {
        match self {
            Self::Linear => Box::new(LinearRegression),
        }
    }
}

/// Noiseless linear regression, `w ~ N(0, I_d)`; `E[y²] = d`, so errors are normalized by `d`.
pub struct LinearRegression;

impl FunctionClass for LinearRegression {
    fn sample_outputs(&self, rng: &mut StdRng, xs: &[f32], dims: usize) -> Vec<f32> {
        let w: Vec<f32> = (0..dims).map(|_| rng.sample(StandardNormal)).collect();
        xs.chunks_exact(dims)
            .map(|x| x.iter().zip(&w).map(|(a, b)| a * b).sum())
            .collect()
    }

    fn error_normalizer(&self, dims: usize) -> f64 {
        dims as f64
    }
}
