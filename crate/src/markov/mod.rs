//! Next-token prediction in context on Markov chains (docs/SCIENCE.md §7; Edelman, Edelman, Goel,
//! Malach & Tsilivis, NeurIPS 2024, "The Evolution of Statistical Induction Heads"): the task
//! ([`task`]), the rules a model is measured against ([`strategies`]), the stage it is in
//! ([`stage`]), the paper's model ([`model`]) and a run of it ([`session`]).

pub mod model;
pub mod session;
pub mod stage;
pub mod strategies;
pub mod task;

pub use stage::{Stage, StageFinding};
pub use strategies::{Rule, kl};
pub use task::{Batch, Chain, MarkovConfig};
