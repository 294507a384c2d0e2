//! In-context classification (docs/SCIENCE.md §4; Reddy 2023, Chan et al. 2022, Singh et al.
//! 2023): a second in-context task family, where the answer is a label that either the context
//! holds (in-context learning) or the weights remember (in-weights learning).

pub mod model;
pub mod sequences;
pub mod session;

pub use model::{Classifier, ClassifierConfig, ClassifyBackbone};
pub use sequences::{BurstyConfig, Sequences, Split, World};
pub use session::{
    ClassifyConfig, ClassifyEvaluation, ClassifyReport, ClassifySession, QueryAttention,
    emergence_step,
};
