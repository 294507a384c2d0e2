//! In-context regression (docs/SCIENCE.md §1): function classes, prompt batches, the
//! curriculum, out-of-distribution probes, closed-form baselines and the error-vs-k evaluation.

pub mod answer;
pub mod baselines;
pub mod checkpoint;
pub mod config;
pub mod curriculum;
pub mod curves;
pub mod diversity;
pub mod evaluate;
pub mod layers;
pub mod memory;
pub mod pool;
pub mod probe;
pub mod prompt;
pub mod reading;
pub mod session;
pub mod tasks;
pub mod tokens;

pub use pool::TaskPool;
pub use prompt::PromptBatch;
pub use tasks::{Function, FunctionClass, TaskConfig, TaskKind};
pub use tokens::TokenLayout;
