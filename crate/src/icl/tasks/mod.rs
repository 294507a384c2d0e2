//! Function classes a prompt is drawn from (SCIENCE.md §1). Each class is one file: a struct
//! holding its parameters (its part of the config, tagged by `kind`) that implements
//! [`FunctionClass`]: it draws one random function per prompt (and, if it needs to, the prompt's
//! inputs), checks its parameters and describes them for menus. Adding a class means one file
//! here and one line in [`function_classes!`]'s list below; the config, the catalog (menus, the
//! URL table, the teachers page), the CLI and the package's types all read that list.

use rand::RngExt;
use rand::rngs::StdRng;
use rand_distr::StandardNormal;
use serde::{Deserialize, Serialize};

use super::baselines::BaselineKind;
use crate::Result;
use crate::schema::Field;

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

    /// Its short name in menus and legends ("sparse linear").
    fn title(&self) -> &'static str;

    /// One line explaining it.
    fn description(&self) -> &'static str;

    /// The parameters this class reads, with their bounds (named as in the config). Default: none.
    fn parameters(&self) -> Vec<Field> {
        Vec::new()
    }

    /// Checks the parameters against their bounds and against the input dimension `dims`;
    /// errors name the parameter (`task.` is added by the session config).
    fn validate(&self, _dims: u32) -> Result<()> {
        Ok(())
    }

    /// The baselines this class is usually compared with (Garg et al.'s figures), the ones a
    /// page draws for it by default. Default: least squares and gradient descent, the linear
    /// family's.
    fn reference_baselines(&self) -> &'static [BaselineKind] {
        &[BaselineKind::LeastSquares, BaselineKind::Gd]
    }

    /// Curriculum defaults of the reference for this class (SCIENCE.md §1): the prompt length's
    /// start and increment. Default 11 → 41 by 2, the linear family's.
    fn reference_points(&self) -> (u32, u32) {
        (11, 2)
    }
}

/// `n` draws of N(0, 1).
pub fn gaussian(rng: &mut StdRng, n: usize) -> Vec<f32> {
    (0..n).map(|_| rng.sample(StandardNormal)).collect()
}

/// Declares the classes once: each line is `Variant(module::Struct) = "name"`, with its doc. It
/// makes [`TaskKind`] (the bare names, for evaluations and menus) and [`TaskConfig`] (a class with
/// its parameters, the config's `task`), both serialized by `name`.
macro_rules! function_classes {
    ($($(#[doc = $doc:literal])* $variant:ident($module:ident::$class:ident) = $name:literal,)*) => {
        $(mod $module; pub use $module::$class;)*

        /// The function classes a config can name.
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(test, derive(ts_rs::TS))]
        pub enum TaskKind {
            #[default]
            $($(#[doc = $doc])* #[serde(rename = $name)] $variant,)*
        }

        /// A function class with its parameters (JS and CLI schema), tagged by `kind`:
        /// `{ "kind": "sparse_linear", "sparsity": 3 }`.
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(tag = "kind")]
        #[cfg_attr(test, derive(ts_rs::TS))]
        pub enum TaskConfig {
            $($(#[doc = $doc])* #[serde(rename = $name)] $variant($class),)*
        }

        impl TaskKind {
            /// Every class, in menu order.
            pub const ALL: [Self; [$($name,)*].len()] = [$(Self::$variant,)*];

            /// The snake_case name used in configs, URLs and JSON.
            pub const fn name(self) -> &'static str {
                match self {
                    $(Self::$variant => $name,)*
                }
            }

            /// This class with its default parameters.
            pub fn config(self) -> TaskConfig {
                match self {
                    $(Self::$variant => TaskConfig::$variant($class::default()),)*
                }
            }
        }

        /// Each class's TypeScript declaration (docs, declaration), for the generated types.
        #[cfg(test)]
        pub(crate) fn class_types(cfg: &ts_rs::Config) -> Vec<(Option<String>, String)> {
            use ts_rs::TS;
            vec![$((<$class as TS>::docs(), <$class as TS>::decl(cfg)),)*]
        }

        impl TaskConfig {
            pub fn kind(&self) -> TaskKind {
                match self {
                    $(Self::$variant(_) => TaskKind::$variant,)*
                }
            }

            /// The class, to draw prompts from.
            pub fn class(&self) -> &dyn FunctionClass {
                match self {
                    $(Self::$variant(c) => c,)*
                }
            }

            /// An owned copy of the class (a session keeps one).
            pub fn boxed(&self) -> Box<dyn FunctionClass> {
                match self {
                    $(Self::$variant(c) => Box::new(c.clone()),)*
                }
            }
        }
    };
}

// The first line is the default class.
function_classes! {
    /// `f(x) = wᵀx`, `w ~ N(0, I_d)`.
    Linear(linear::LinearRegression) = "linear",
    /// Linear with only `sparsity` random coordinates of `w` non-zero.
    SparseLinear(sparse_linear::SparseLinear) = "sparse_linear",
    /// Linear plus output noise `N(0, noiseStd²)`.
    NoisyLinear(noisy_linear::NoisyLinear) = "noisy_linear",
    /// `Σ_{i≤100} α_i ReLU(w_iᵀx)`.
    ReluNet(relu_net::ReluNet) = "relu_net",
    /// Depth-4 tree splitting on signs of random coordinates.
    DecisionTree(decision_tree::DecisionTree) = "decision_tree",
    /// Linear with inputs of skewed covariance of condition number `conditionNumber` (Fu et al.).
    IllConditioned(ill_conditioned::IllConditionedLinear) = "ill_conditioned",
    /// `Σ w_i x_i² / √3`, `w ~ N(0, I_d)` (Garg et al.'s quadratic regression).
    Quadratic(quadratic::QuadraticRegression) = "quadratic",
}

pub use ill_conditioned::{covariance_sqrt, transform_rows};

/// A config's `task`: the tagged object (`{ "kind": "sparse_linear", "sparsity": 3 }`), or a
/// class's bare name (`"linear"`, the form every config used before tasks were tagged), which
/// means that class with its default parameters. Errors keep their path (`task.kind`).
pub fn task_or_name<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> std::result::Result<TaskConfig, D::Error> {
    struct TaskOrName;

    impl<'de> serde::de::Visitor<'de> for TaskOrName {
        type Value = TaskConfig;

        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a function class: { kind, ...its parameters } or its name")
        }

        fn visit_str<E: serde::de::Error>(self, name: &str) -> std::result::Result<TaskConfig, E> {
            TaskKind::ALL
                .into_iter()
                .find(|k| k.name() == name)
                .map(TaskKind::config)
                .ok_or_else(|| E::unknown_variant(name, &TASK_NAMES))
        }

        fn visit_map<M: serde::de::MapAccess<'de>>(
            self,
            map: M,
        ) -> std::result::Result<TaskConfig, M::Error> {
            TaskConfig::deserialize(serde::de::value::MapAccessDeserializer::new(map))
        }
    }

    deserializer.deserialize_any(TaskOrName)
}

/// Every class's name, for error messages.
const TASK_NAMES: [&str; TaskKind::ALL.len()] = {
    let mut names = [""; TaskKind::ALL.len()];
    let mut i = 0;
    while i < names.len() {
        names[i] = TaskKind::ALL[i].name();
        i += 1;
    }
    names
};

impl Default for TaskConfig {
    fn default() -> Self {
        TaskKind::default().config()
    }
}

impl TaskKind {
    /// The class with its default parameters, to draw prompts from.
    pub fn class(self) -> Box<dyn FunctionClass> {
        self.config().boxed()
    }

    /// One line for menus.
    pub fn description(self) -> &'static str {
        self.config().class().description()
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
        let class = match kind {
            TaskKind::NoisyLinear => {
                TaskConfig::NoisyLinear(NoisyLinear { noise_std: 0.0 }).boxed()
            }
            _ => kind.class(),
        };
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
            let expected = kind.class().error_normalizer(dims);
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
            let config = serde_json::to_value(kind.config()).expect("serializable");
            assert_eq!(config["kind"], json, "{config}");
            // Fields the config does not hold (the ReLU net's width) come back as the defaults.
            let back: TaskConfig = serde_json::from_value(config).expect("round trip");
            assert_eq!(back, kind.config());
        }
    }

    #[test]
    fn parameters_are_checked_against_their_bounds() {
        let sparse = TaskConfig::SparseLinear(SparseLinear { sparsity: 6 });
        let err = sparse.class().validate(5).expect_err("6 of 5 coordinates");
        assert_eq!(err.field(), Some("sparsity"));
        assert!(sparse.class().validate(6).is_ok());
        let noisy = TaskConfig::NoisyLinear(NoisyLinear { noise_std: -1.0 });
        assert_eq!(
            noisy.class().validate(5).expect_err("negative σ").field(),
            Some("noiseStd")
        );
        // Every parameter a class names is a field of its config, with its default inside bounds.
        for kind in TaskKind::ALL {
            let config = serde_json::to_value(kind.config()).expect("serializable");
            for field in kind.config().class().parameters() {
                let default = config[field.name].as_f64().expect("a numeric parameter");
                assert!(field.accepts(default), "{kind:?}.{}", field.name);
            }
        }
    }

    #[test]
    fn functions_ignore_inactive_coordinates() {
        let mut rng = StdRng::seed_from_u64(1);
        for kind in TaskKind::ALL {
            let f = kind.class().sample_function(&mut rng, 3);
            let x = [0.3, -1.2, 0.7, 0.0, 0.0];
            let mut y = x;
            y[3] = 5.0;
            y[4] = -2.0;
            assert_eq!(f(&x), f(&y), "{kind:?}");
        }
    }
}
