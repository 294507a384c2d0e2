//! In-context regression (shared/SCIENCE.md §1): function classes, prompt batches and the
//! error-vs-k evaluation.

pub mod eval;
pub mod prompt;
pub mod task;

pub use prompt::PromptBatch;
pub use task::{FunctionClass, TaskKind};
