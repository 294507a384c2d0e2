//! What the registry says of each strategy besides its code: its family, how it is built (a
//! [`Recipe`]) and the settings it reads from the config (a [`Setting`] each, which the catalog
//! lists so the continual page builds their controls).

use serde::Serialize;

use crate::continual::learners::HostLearner;
use crate::continual::run::fields;
use crate::schema::{Field, serde_name};

use super::Strategy;

/// How a learner is built and trained.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// An MLP trained by gradient steps, with a [`Strategy`]'s hooks.
    Net,
    /// The prototypical network: an MLP trained by gradient steps, classifying by prototypes.
    Protonet,
    /// A host learner ([`HostLearner`]) reading each segment once, on raw inputs or an embedding.
    Host,
}

/// A learner, ready to be built into a run (see `continual::run::learner`).
pub enum Recipe {
    Net(Box<dyn Strategy>),
    Protonet,
    /// Makes the learner for features of the given width (the inputs' or the embedding's).
    Host(Box<dyn Fn(usize) -> Box<dyn HostLearner>>),
}

/// What a run's stream gives a recipe: its train data's input width and number of classes.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    pub dim: usize,
    pub classes: usize,
}

/// A setting a strategy reads from [`ClConfig`]: the catalog lists it with the strategy, and the
/// continual page builds its control from that.
#[derive(Debug, Clone, Copy)]
pub struct Setting {
    /// The page's and URL's name: one per meaning (`ewcLambda` and `l2Lambda` are both
    /// `regularization`, with their own defaults), shared where one setting serves several
    /// strategies (`bufferSize`).
    pub name: &'static str,
    /// The config key it sets.
    pub key: &'static str,
    /// What a form calls it.
    pub label: &'static str,
    pub value: SettingValue,
}

#[derive(Debug, Clone, Copy)]
pub enum SettingValue {
    /// A number within `field`; its default is `default`, or the config's when `None`.
    Number { field: Field, default: Option<f64> },
    /// One of a menu's choices (config name, title), the config's default first chosen.
    Choice(fn() -> Vec<(String, String)>),
}

impl Setting {
    pub(super) const fn number(name: &'static str, label: &'static str, field: Field) -> Self {
        Self {
            name,
            key: field.name,
            label,
            value: SettingValue::Number {
                field,
                default: None,
            },
        }
    }

    /// `regularization` (λ) under this strategy's own name and default.
    pub(super) const fn lambda(name: &'static str, label: &'static str, default: f64) -> Self {
        Self {
            name,
            key: fields::REGULARIZATION.name,
            label,
            value: SettingValue::Number {
                field: fields::REGULARIZATION,
                default: Some(default),
            },
        }
    }

    pub(super) const fn choice(
        name: &'static str,
        label: &'static str,
        choices: fn() -> Vec<(String, String)>,
    ) -> Self {
        Self {
            name,
            key: name,
            label,
            value: SettingValue::Choice(choices),
        }
    }
}

/// `(config name, title)` of every value of a menu enum.
pub(super) fn titled<T: Serialize + Copy>(
    all: &[T],
    title: fn(T) -> &'static str,
) -> Vec<(String, String)> {
    all.iter()
        .map(|&v| (serde_name(&v), title(v).to_owned()))
        .collect()
}
