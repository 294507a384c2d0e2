//! Baselines for in-context regression (SCIENCE.md §1), computed per prompt in f64 with
//! nalgebra. Every baseline answers one question: given the first `k` pairs of a prompt, what is
//! `f(x_query)`? With `k = 0` every baseline predicts 0 (the zero estimator, [`BaselineKind::Zero`],
//! which always predicts 0 and is the reference every chart draws).

pub mod dmmse;
mod knn;
pub(crate) mod lasso;
pub(crate) mod linear;
pub(crate) mod optim;
mod relu_net;
mod trees;

use nalgebra::{DMatrix, DVector};
use serde::{Deserialize, Serialize};

use crate::Result;
use crate::schema::Field;

/// The baselines an evaluation can ask for; JSON curves are keyed by these names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum BaselineKind {
    /// Always 0. Its normalized error is `E[y²]`/normalizer: 1 in distribution for the noiseless
    /// classes, `(d + σ²)/d` for noisy linear, `scale²` under scaled inputs (SCIENCE.md §1).
    /// Every evaluation computes it on its own prompts ([`crate::icl::evaluate::run_baselines`]).
    Zero,
    /// Minimum-norm least squares (`X⁺y`).
    LeastSquares,
    /// Ridge regression, `(XᵀX + αI)⁻¹Xᵀy`.
    Ridge,
    /// Mean of the `n` nearest neighbours' outputs (uniform weights).
    Knn,
    /// `ŵ = (1/k) Σ y_i x_i`.
    Averaging,
    /// Lasso by coordinate descent, objective `(1/2k)‖y − Xw‖² + α‖w‖₁` (scikit-learn's).
    Lasso,
    /// `T` steps of gradient descent on the squared loss from `w = 0`.
    Gd,
    /// `T` iterations of Iterative Newton (Newton–Schulz pseudo-inverse of `XᵀX`, Fu et al.).
    Newton,
    /// A 2-layer ReLU network fitted per prompt by Adam.
    ReluNet,
    /// A greedy regression tree (CART).
    Tree,
    /// Gradient-boosted regression trees.
    BoostedTrees,
    /// Bayes-optimal for the training pool (Raventós et al.): the posterior mean over the pool's
    /// M tasks. Only for a session trained on a task pool.
    Dmmse,
    /// Ridge with `λ = σ²`, the class's output-noise variance: the posterior mean under the
    /// Gaussian prior `w ~ N(0, I)`, Bayes-optimal for a fresh linear task (least squares, the
    /// `λ → 0` limit, when the class is noiseless).
    BayesRidge,
}

impl BaselineKind {
    /// What a chart's legend and a menu call it (fuller than [`Self::title`]).
    pub fn legend(self) -> &'static str {
        match self {
            Self::Zero => "always 0 (zero estimator)",
            Self::LeastSquares => "least squares",
            Self::Ridge => "ridge",
            Self::Knn => "k-NN",
            Self::Averaging => "averaging",
            Self::Lasso => "Lasso",
            Self::Gd => "gradient descent",
            Self::Newton => "iterative Newton",
            Self::ReluNet => "2-layer ReLU net",
            Self::Tree => "greedy tree",
            Self::BoostedTrees => "boosted trees",
            Self::Dmmse => "dMMSE (Bayes for the training pool)",
            Self::BayesRidge => "ridge, λ = σ² (Bayes for a fresh task)",
        }
    }

    pub const ALL: [Self; 13] = [
        Self::Zero,
        Self::LeastSquares,
        Self::Ridge,
        Self::Knn,
        Self::Averaging,
        Self::Lasso,
        Self::Gd,
        Self::Newton,
        Self::ReluNet,
        Self::Tree,
        Self::BoostedTrees,
        Self::Dmmse,
        Self::BayesRidge,
    ];

    /// The snake_case name curves are keyed by.
    pub fn name(self) -> &'static str {
        match self {
            Self::Zero => "zero",
            Self::LeastSquares => "least_squares",
            Self::Ridge => "ridge",
            Self::Knn => "knn",
            Self::Averaging => "averaging",
            Self::Lasso => "lasso",
            Self::Gd => "gd",
            Self::Newton => "newton",
            Self::ReluNet => "relu_net",
            Self::Tree => "tree",
            Self::BoostedTrees => "boosted_trees",
            Self::Dmmse => "dmmse",
            Self::BayesRidge => "bayes_ridge",
        }
    }

    /// Fits a model on every prompt and every k (a network by Adam, boosted trees): the slowest
    /// to evaluate, so a page can compute it after the others.
    pub fn fits_per_prompt(self) -> bool {
        matches!(self, Self::ReluNet | Self::BoostedTrees)
    }

    /// Computed by every evaluation whether asked for or not (the zero estimator).
    pub fn always(self) -> bool {
        self == Self::Zero
    }

    /// Needs a session trained on a task pool (dMMSE).
    pub fn needs_pool(self) -> bool {
        self == Self::Dmmse
    }

    /// Its name in a sentence ("least squares", "k-NN").
    pub fn title(self) -> &'static str {
        match self {
            Self::Zero => "always 0",
            Self::LeastSquares => "least squares",
            Self::Ridge => "ridge",
            Self::Knn => "k-NN",
            Self::Averaging => "averaging",
            Self::Lasso => "Lasso",
            Self::Gd => "gradient descent",
            Self::Newton => "iterative Newton",
            Self::ReluNet => "the 2-layer ReLU net",
            Self::Tree => "the greedy tree",
            Self::BoostedTrees => "boosted trees",
            Self::Dmmse => "dMMSE",
            Self::BayesRidge => "ridge with λ = σ²",
        }
    }

    /// The sentence name of a curve's key: a baseline's title, "the model" for the model.
    pub fn title_of(name: &str) -> String {
        Self::ALL.iter().find(|k| k.name() == name).map_or_else(
            || {
                if name == "model" {
                    "the model".to_owned()
                } else {
                    name.to_owned()
                }
            },
            |k| k.title().to_owned(),
        )
    }
}

/// Settings of the baselines; each is read only by the baseline it names.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct BaselineOptions {
    /// Ridge α. Default 0.1, the smallest of the reference's {0.1, 0.5, 1}.
    pub ridge_alpha: f64,
    /// Neighbours for k-NN. Default 3, as in Garg et al. (Akyürek et al. use 5).
    pub knn_neighbors: u32,
    /// Lasso α. Default 0.01, near the best of the reference sweep on sparse linear.
    pub lasso_alpha: f64,
    /// Most coordinate-descent sweeps per Lasso fit, 1 to 100,000 (the reference's cap). Default
    /// 10,000; a fit that reaches it before its tolerance is counted in the result's
    /// `stoppedEarly`.
    pub lasso_sweeps: u32,
    /// Gradient-descent steps T (step size 1/λ_max of `XᵀX/k`). Default 10.
    pub gd_steps: u32,
    /// Iterative Newton iterations T. Default 20: converged on isotropic prompts except right
    /// around k ≈ d, where `XᵀX` is nearly singular and Newton–Schulz needs ~log₂ κ² steps.
    pub newton_steps: u32,
    /// Hidden units of the per-prompt ReLU net. Default 100, the width of the function class.
    pub net_hidden: u32,
    /// Adam steps of the per-prompt ReLU net. Default 100 (reference).
    pub net_steps: u32,
    /// Adam learning rate of the per-prompt ReLU net. Default 5e-3 (reference).
    pub net_learning_rate: f64,
    /// Depth of the greedy tree and of each boosted tree. Default 4, the depth of the class.
    pub tree_depth: u32,
    /// Boosting rounds. Default 50.
    pub boost_rounds: u32,
    /// Boosting shrinkage. Default 0.3 (XGBoost's default eta).
    pub boost_learning_rate: f64,
}

impl Default for BaselineOptions {
    fn default() -> Self {
        Self {
            ridge_alpha: 0.1,
            knn_neighbors: 3,
            lasso_alpha: 0.01,
            lasso_sweeps: 10_000,
            gd_steps: 10,
            newton_steps: 20,
            net_hidden: 100,
            net_steps: 100,
            net_learning_rate: 5e-3,
            tree_depth: 4,
            boost_rounds: 50,
            boost_learning_rate: 0.3,
        }
    }
}

fn positive(field: &str, value: f64, max: f64) -> Result<()> {
    Field::positive("", max).check_as(&format!("options.{field}"), value)
}

fn whole(field: &str, value: u32, min: u32, max: u32) -> Result<()> {
    Field::int("", min, max).check_as(&format!("options.{field}"), f64::from(value))
}

impl BaselineOptions {
    pub fn validate(&self) -> Result<()> {
        positive("ridgeAlpha", self.ridge_alpha, 1e6)?;
        positive("lassoAlpha", self.lasso_alpha, 1e6)?;
        positive("netLearningRate", self.net_learning_rate, 1.0)?;
        positive("boostLearningRate", self.boost_learning_rate, 1.0)?;
        whole("knnNeighbors", self.knn_neighbors, 1, 1000)?;
        whole("lassoSweeps", self.lasso_sweeps, 1, lasso::MAX_SWEEPS)?;
        whole("gdSteps", self.gd_steps, 0, 10_000)?;
        whole("newtonSteps", self.newton_steps, 0, 1000)?;
        whole("netHidden", self.net_hidden, 1, 1000)?;
        whole("netSteps", self.net_steps, 1, 10_000)?;
        whole("treeDepth", self.tree_depth, 1, 12)?;
        whole("boostRounds", self.boost_rounds, 1, 1000)?;
        Ok(())
    }
}

/// One baseline fit: the context pairs and the query.
pub struct Fit<'a> {
    /// `[k, d]` inputs.
    pub xs: &'a DMatrix<f64>,
    /// `[k]` outputs.
    pub ys: &'a DVector<f64>,
    /// `[d]` query.
    pub query: &'a DVector<f64>,
    /// Seeds the randomized baselines (the ReLU net's init) per prompt and k.
    pub seed: u64,
    /// The class's output-noise variance σ² (the Bayes ridge's λ).
    pub noise_var: f64,
}

/// The prediction of `kind` at `fit.query`; 0 with no context.
pub fn predict(kind: BaselineKind, options: &BaselineOptions, fit: &Fit<'_>) -> f64 {
    predict_checked(kind, options, fit).0
}

/// [`predict`], and whether the fit met its convergence tolerance before its iteration cap
/// (only Lasso can stop early; every other baseline is exact or runs a fixed number of steps).
pub fn predict_checked(
    kind: BaselineKind,
    options: &BaselineOptions,
    fit: &Fit<'_>,
) -> (f64, bool) {
    let (fitted, converged) = Fitted::new(kind, options, fit.xs, fit.ys, fit.seed, fit.noise_var);
    (fitted.predict(fit.query), converged)
}

/// A baseline fitted once to a prompt's examples: it answers any query (a curve across an axis,
/// [`crate::icl::answer`]) without refitting.
pub enum Fitted<'a> {
    /// Every linear estimator: its `ŵ`.
    Linear(DVector<f64>),
    Knn {
        xs: &'a DMatrix<f64>,
        ys: &'a DVector<f64>,
        neighbors: u32,
    },
    Net(relu_net::Net),
    Tree(trees::Tree),
    Boosted(trees::Boosted),
    /// The zero estimator, any baseline with no examples, and dMMSE, which needs the pool
    /// (`dmmse::predictions` computes it for a whole evaluation set).
    Zero,
}

impl<'a> Fitted<'a> {
    /// Fits `kind` to the pairs `xs` `[k, d]`, `ys` `[k]`; also whether the fit met its
    /// convergence tolerance before its iteration cap (only Lasso can stop early).
    pub fn new(
        kind: BaselineKind,
        options: &BaselineOptions,
        xs: &'a DMatrix<f64>,
        ys: &'a DVector<f64>,
        seed: u64,
        noise_var: f64,
    ) -> (Self, bool) {
        if xs.nrows() == 0 {
            return (Self::Zero, true);
        }
        let fitted = match kind {
            BaselineKind::Zero | BaselineKind::Dmmse => Self::Zero,
            BaselineKind::LeastSquares => Self::Linear(linear::least_squares(xs, ys)),
            BaselineKind::Ridge => Self::Linear(linear::ridge(xs, ys, options.ridge_alpha)),
            BaselineKind::Averaging => Self::Linear(linear::averaging(xs, ys)),
            BaselineKind::Lasso => {
                let lasso = lasso::lasso(xs, ys, options.lasso_alpha, options.lasso_sweeps);
                return (Self::Linear(lasso.w), lasso.converged);
            }
            BaselineKind::Gd => Self::Linear(optim::gradient_descent(xs, ys, options.gd_steps)),
            BaselineKind::Newton => {
                Self::Linear(optim::iterative_newton(xs, ys, options.newton_steps))
            }
            BaselineKind::Knn => Self::Knn {
                xs,
                ys,
                neighbors: options.knn_neighbors,
            },
            BaselineKind::ReluNet => Self::Net(relu_net::Net::fit(xs, ys, seed, options)),
            BaselineKind::Tree => {
                Self::Tree(trees::Tree::fit(xs, ys.as_slice(), options.tree_depth))
            }
            BaselineKind::BoostedTrees => Self::Boosted(trees::Boosted::fit(xs, ys, options)),
            BaselineKind::BayesRidge if noise_var > 0.0 => {
                Self::Linear(linear::ridge(xs, ys, noise_var))
            }
            BaselineKind::BayesRidge => Self::Linear(linear::least_squares(xs, ys)),
        };
        (fitted, true)
    }

    /// The fitted baseline's answer at `query`.
    pub fn predict(&self, query: &DVector<f64>) -> f64 {
        match self {
            Self::Linear(w) => w.dot(query),
            Self::Knn { xs, ys, neighbors } => knn::predict(xs, ys, query, *neighbors),
            Self::Net(net) => net.predict(query),
            Self::Tree(tree) => tree.predict(query),
            Self::Boosted(boosted) => boosted.predict(query),
            Self::Zero => 0.0,
        }
    }
}
