//! In-context classification (docs/SCIENCE.md §4; Reddy 2023, Chan et al. 2022, Singh et al.
//! 2023): a second in-context task family, where the answer is a label that either the context
//! holds (in-context learning) or the weights remember (in-weights learning).

pub mod config;
pub mod memory;
pub mod model;
pub mod phase;
pub mod runs;
pub mod sequences;
pub mod session;
pub mod sweep;
pub mod transience;

pub use model::{Classifier, ClassifierConfig, ClassifyBackbone};
pub use phase::{PhaseCell, PhaseDiagram};
pub use runs::{Point, Run, Strategy};
pub use sequences::{BurstyConfig, Sequences, Split, World};
pub use session::{
    ClassifyConfig, ClassifyEvaluation, ClassifyReport, ClassifySession, QueryAttention,
    copying_is_the_task, emergence_bar, emergence_base, emergence_step,
};
pub use sweep::ClassifySweep;
pub use transience::{Transience, TransienceOutcome};
