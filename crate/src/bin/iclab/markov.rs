//! `iclab markov train`: next-state prediction in context on Markov chains (docs/SCIENCE.md §7):
//! trains the paper's two-layer attention-only model and prints, at every evaluation, its KL
//! divergence to each rule, its loss, the stage the core decides and the attention scores.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use iclab::Result;
use iclab::device::DeviceChoice;
use iclab::markov::model::MarkovBackbone;
use iclab::markov::session::{MarkovEvaluation, MarkovRunConfig, MarkovSession};

use crate::args::{parse_enum, with_sets};
use crate::{emit, read_text, to_json};

#[derive(Subcommand)]
pub enum MarkovCommand {
    /// Trains one model on fresh chains every step, evaluating every `--every` steps on a fixed
    /// set of chains; the last line lists the stages in the order they were first decided.
    Train {
        #[command(flatten)]
        run: RunArgs,
        /// Training steps.
        #[arg(long, default_value_t = 1000)]
        steps: u32,
        /// Steps between evaluations.
        #[arg(long, default_value_t = 25)]
        every: u32,
    },
    /// One run per (seed, states, learning rate): the step at which each stage was first
    /// decided and the wall time; `--out` writes them as JSON (rewritten after every run).
    Sweep {
        #[command(flatten)]
        run: RunArgs,
        #[arg(long, default_value_t = 1000)]
        steps: u32,
        #[arg(long, default_value_t = 25)]
        every: u32,
        /// Seeds, comma-separated.
        #[arg(long, default_value = "0,1,2,3,4")]
        seeds: String,
        /// States k, comma-separated (default: the config's).
        #[arg(long)]
        sweep_states: Option<String>,
        /// Learning rates, comma-separated (default: the config's).
        #[arg(long)]
        sweep_learning_rate: Option<String>,
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

/// A comma-separated list of numbers for `flag`.
fn list<T: std::str::FromStr>(flag: &str, text: &str) -> Result<Vec<T>> {
    text.split(',')
        .map(|x| {
            x.trim().parse::<T>().map_err(|_| {
                iclab::Error::invalid(
                    flag,
                    format!("`{x}` is not a number (a comma-separated list)"),
                )
            })
        })
        .collect()
}

/// Trains `config` for `steps`, evaluating every `every`; each evaluation to `each`.
pub(crate) async fn trained(
    config: MarkovRunConfig,
    steps: u32,
    every: u32,
    each: &mut dyn FnMut(&MarkovEvaluation, f64),
) -> Result<(Vec<MarkovEvaluation>, usize)> {
    iclab::schema::Field::int("steps", 1, 1_000_000).check_as("--steps", f64::from(steps))?;
    iclab::schema::Field::int("every", 1, 100_000).check_as("--every", f64::from(every))?;
    let mut session = MarkovSession::new(config).await?;
    let first = session.evaluate().await?;
    each(&first, f64::NAN);
    let mut history = vec![first];
    while session.step() < steps {
        let report = session.train(every.min(steps - session.step())).await?;
        let e = session.evaluate().await?;
        each(&e, report.loss);
        history.push(e);
    }
    Ok((history, session.num_params()))
}

pub(crate) fn seen(history: &[MarkovEvaluation]) -> Vec<(iclab::markov::Stage, u32)> {
    iclab::markov::stage::stages_seen(
        &history
            .iter()
            .map(|e| (e.step, e.stage.stage))
            .collect::<Vec<_>>(),
    )
}

/// `--config` (a `MarkovRunConfig` JSON file) and flags over it.
#[derive(Args)]
pub struct RunArgs {
    #[arg(long)]
    config: Option<PathBuf>,
    /// States k (2–8).
    #[arg(long)]
    states: Option<u32>,
    /// Dirichlet α of each transition row.
    #[arg(long)]
    alpha: Option<f64>,
    /// Sequence length T.
    #[arg(long)]
    length: Option<u32>,
    /// 2 (bigram chains) or 3 (each state depends on the last two).
    #[arg(long)]
    order: Option<u32>,
    /// attention_only (the paper's), transformer or xlstm.
    #[arg(long, value_parser = parse_enum::<MarkovBackbone>)]
    backbone: Option<MarkovBackbone>,
    #[arg(long)]
    width: Option<u32>,
    #[arg(long)]
    layers: Option<u32>,
    /// Adam learning rate.
    #[arg(long, alias = "lr")]
    learning_rate: Option<f64>,
    #[arg(long)]
    batch_size: Option<u32>,
    /// Chains in the fixed evaluation set.
    #[arg(long)]
    eval_sequences: Option<u32>,
    #[arg(long, value_parser = parse_enum::<DeviceChoice>)]
    device: Option<DeviceChoice>,
    #[arg(long)]
    seed: Option<u32>,
    /// Any config key by its JSON name (`task.alpha=0.5`); repeatable, after the flags.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    sets: Vec<String>,
}

impl RunArgs {
    fn resolve(&self) -> Result<MarkovRunConfig> {
        let mut c = match &self.config {
            Some(path) => MarkovRunConfig::from_json(&read_text("--config", path)?)?,
            None => MarkovRunConfig::default(),
        };
        let t = &mut c.task;
        t.states = self.states.unwrap_or(t.states);
        t.alpha = self.alpha.unwrap_or(t.alpha);
        t.length = self.length.unwrap_or(t.length);
        t.order = self.order.unwrap_or(t.order);
        c.backbone = self.backbone.unwrap_or(c.backbone);
        c.width = self.width.unwrap_or(c.width);
        c.layers = self.layers.unwrap_or(c.layers);
        c.learning_rate = self.learning_rate.unwrap_or(c.learning_rate);
        c.batch_size = self.batch_size.unwrap_or(c.batch_size);
        c.eval_sequences = self.eval_sequences.unwrap_or(c.eval_sequences);
        c.device = self.device.unwrap_or(c.device);
        c.seed = self.seed.unwrap_or(c.seed);
        if !self.sets.is_empty() {
            c = with_sets(&c, &self.sets, MarkovRunConfig::from_json)?;
        }
        c.validate()?;
        Ok(c)
    }
}

fn line(e: &MarkovEvaluation, loss: f64) -> String {
    let kl = |name: &str| e.to_rules.get(name).map_or(f64::NAN, |m| m.mean);
    let heads: Vec<String> = e
        .attention
        .iter()
        .map(|h| {
            format!(
                "L{}H{} prev {:.2} ind {:.2}",
                h.layer + 1,
                h.head,
                h.previous_state,
                h.induction
            )
        })
        .collect();
    format!(
        "step {:>6}  loss {loss:.4}  KL to uniform {:.3} unigram {:.3} bigram {:.3} truth {:.3}  stage {:?}  {}",
        e.step,
        kl("uniform"),
        kl("unigram"),
        kl("bigram"),
        kl("oracle"),
        e.stage.stage,
        heads.join("  ")
    )
}

pub async fn command(json: bool, command: MarkovCommand) -> Result<()> {
    match command {
        MarkovCommand::Train { run, steps, every } => {
            let config = run.resolve()?;
            let started = std::time::Instant::now();
            let (history, parameters) = trained(config, steps, every, &mut |e, loss| {
                emit(json, to_json(e), || line(e, loss));
            })
            .await?;
            let seen = seen(&history);
            let wall = started.elapsed().as_secs_f64();
            emit(
                json,
                serde_json::json!({
                    "stages": to_json(&seen),
                    "parameters": parameters,
                    "wallSeconds": wall,
                }),
                || {
                    let parts: Vec<String> = seen
                        .iter()
                        .map(|(stage, step)| format!("{stage:?} from step {step}"))
                        .collect();
                    format!(
                        "stages first decided: {} ({parameters} parameters, {wall:.0} s)",
                        parts.join(", ")
                    )
                },
            );
        }
        MarkovCommand::Sweep {
            run,
            steps,
            every,
            seeds,
            sweep_states,
            sweep_learning_rate,
            out,
        } => {
            let base = run.resolve()?;
            let seeds: Vec<u32> = list("--seeds", &seeds)?;
            let states: Vec<u32> = match &sweep_states {
                Some(t) => list("--sweep-states", t)?,
                None => vec![base.task.states],
            };
            let rates: Vec<f64> = match &sweep_learning_rate {
                Some(t) => list("--sweep-learning-rate", t)?,
                None => vec![base.learning_rate],
            };
            let mut grid = Vec::new();
            for &seed in &seeds {
                for &k in &states {
                    for &lr in &rates {
                        let mut c = base.clone();
                        c.seed = seed;
                        c.task.states = k;
                        c.learning_rate = lr;
                        c.validate()?;
                        grid.push(c);
                    }
                }
            }
            let command: Vec<String> = std::env::args().collect();
            let mut runs = Vec::new();
            for config in grid {
                let started = std::time::Instant::now();
                let (history, parameters) =
                    trained(config.clone(), steps, every, &mut |_, _| {}).await?;
                let seen = seen(&history);
                let wall = started.elapsed().as_secs_f64();
                let record = serde_json::json!({
                    "config": to_json(&config),
                    "steps": steps,
                    "every": every,
                    "stages": to_json(&seen),
                    "last": to_json(&history.last().map(|e| &e.stage)),
                    "parameters": parameters,
                    "wallSeconds": wall,
                });
                emit(json, record.clone(), || {
                    let parts: Vec<String> = seen
                        .iter()
                        .map(|(stage, step)| format!("{stage:?} {step}"))
                        .collect();
                    format!(
                        "{} seed {} k {} lr {}: {} ({wall:.0} s)",
                        serde_json::to_value(config.backbone)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_owned))
                            .unwrap_or_default(),
                        config.seed,
                        config.task.states,
                        config.learning_rate,
                        parts.join(", ")
                    )
                });
                runs.push(record);
                if let Some(path) = &out {
                    let text = serde_json::to_string_pretty(&serde_json::json!({
                        "command": command.join(" "),
                        "runs": runs,
                    }))
                    .unwrap_or_default();
                    crate::write_atomic("--out", path, text.as_bytes())?;
                }
            }
        }
    }
    Ok(())
}
