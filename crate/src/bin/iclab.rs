//! Native CLI: the same sessions as the browser, for longer runs, checkpoints and benchmarks.
//!
//! ```text
//! iclab icl train --dims 5 --points 11 --steps 2000 --every 100 --out linear.safetensors --json
//! iclab icl eval --checkpoint linear.safetensors --baselines least_squares,ridge --json
//! iclab icl baselines --task linear --dims 8 --points 17 --prompts 1280 --seed 1 --json
//! iclab bench --device cpu --steps 20 --json
//! ```

use std::process::ExitCode;

use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand};
use iclab::config::{Preset, SessionConfig};
use iclab::device::DeviceChoice;
use iclab::icl::TaskKind;
use iclab::icl::baselines::BaselineKind;
use iclab::icl::curriculum::Curriculum;
use iclab::icl::evaluate::{self, EvalConfig, EvalResult};
use iclab::icl::probe::Probe;
use iclab::{Error, Result, Session};
use serde_json::json;

#[derive(Parser)]
#[command(
    name = "iclab",
    version,
    about = "Train in-context and continual learners"
)]
struct Cli {
    /// Print machine-readable JSON (one object per line) instead of text.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

// Parsed once per process: the size difference between variants does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand)]
enum Command {
    /// In-context regression.
    Icl {
        #[command(subcommand)]
        command: IclCommand,
    },
    /// Training steps per second for one config on one device.
    Bench {
        #[command(flatten)]
        session: SessionArgs,
        /// Timed steps (after one untimed warm-up report).
        #[arg(long, default_value_t = 20)]
        steps: u32,
    },
}

#[derive(Subcommand)]
enum IclCommand {
    /// Meta-train a model, print a report every `--every` steps, save a checkpoint and a JSON
    /// log, then print its error vs k next to the requested baselines.
    Train {
        #[command(flatten)]
        session: SessionArgs,
        /// Total training steps (continued from `--resume`'s step when given).
        #[arg(long, default_value_t = 1000)]
        steps: u32,
        /// Steps per report.
        #[arg(long, default_value_t = 100)]
        every: u32,
        /// Write the checkpoint (safetensors) here, at the end and every `--save-every` steps.
        /// Default: `<task>.safetensors` in the current directory.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Steps between intermediate checkpoints (0: only at the end).
        #[arg(long, default_value_t = 0)]
        save_every: u32,
        /// Write the run's JSON log (config, reports, final evaluation, wall time) here.
        /// Default: `<task>.log.json` next to the checkpoint.
        #[arg(long)]
        log: Option<PathBuf>,
        /// Continue training from this checkpoint (its config wins; `--device` still applies).
        #[arg(long)]
        resume: Option<PathBuf>,
        #[command(flatten)]
        eval: EvalArgs,
    },
    /// Error vs k of a checkpoint and the requested baselines, with 90% bootstrap bands.
    Eval {
        /// Checkpoint written by `iclab icl train` or the browser.
        #[arg(long)]
        checkpoint: PathBuf,
        /// Default: the device the checkpoint was trained on.
        #[arg(long, value_parser = parse_enum::<DeviceChoice>)]
        device: Option<DeviceChoice>,
        /// Seeds the evaluation prompts.
        #[arg(long)]
        seed: Option<u32>,
        #[command(flatten)]
        eval: EvalArgs,
    },
    /// Baselines only: error vs k on prompts of a task, no model.
    Baselines {
        #[command(flatten)]
        session: SessionArgs,
        #[command(flatten)]
        eval: EvalArgs,
    },
}

/// Evaluation flags; `--eval-config` reads a JSON file of the JS `evaluate` schema first.
#[derive(Args)]
struct EvalArgs {
    /// JSON evaluation config (same schema as `session.evaluate` in JS).
    #[arg(long)]
    eval_config: Option<PathBuf>,
    /// Prompts averaged over.
    #[arg(long)]
    prompts: Option<u32>,
    /// Out-of-distribution probe: none, skewed, orthant, scaled, noisy.
    #[arg(long, value_parser = parse_enum::<Probe>)]
    probe: Option<Probe>,
    #[arg(long)]
    probe_scale: Option<f64>,
    #[arg(long)]
    probe_noise: Option<f64>,
    /// Comma-separated baselines (least_squares, ridge, knn, averaging, lasso, gd, newton,
    /// relu_net, tree, boosted_trees) or `all`.
    #[arg(long)]
    baselines: Option<String>,
    #[arg(long)]
    ridge_alpha: Option<f64>,
    #[arg(long)]
    knn_neighbors: Option<u32>,
    #[arg(long)]
    lasso_alpha: Option<f64>,
    #[arg(long)]
    gd_steps: Option<u32>,
    #[arg(long)]
    newton_steps: Option<u32>,
    /// Also print the first N prompts in full (inputs, targets, every method's predictions).
    #[arg(long)]
    examples: Option<u32>,
}

impl EvalArgs {
    fn resolve(&self, seed: Option<u32>) -> Result<EvalConfig> {
        let mut config = match &self.eval_config {
            Some(path) => EvalConfig::from_json(&read_text("--eval-config", path)?)?,
            None => EvalConfig::default(),
        };
        if let Some(v) = self.prompts {
            config.prompts = v;
        }
        if let Some(v) = self.probe {
            config.probe = v;
        }
        if let Some(v) = self.probe_scale {
            config.probe_scale = v;
        }
        if let Some(v) = self.probe_noise {
            config.probe_noise = v;
        }
        if let Some(list) = &self.baselines {
            config.baselines = parse_baselines(list)?;
        }
        let o = &mut config.options;
        o.ridge_alpha = self.ridge_alpha.unwrap_or(o.ridge_alpha);
        o.knn_neighbors = self.knn_neighbors.unwrap_or(o.knn_neighbors);
        o.lasso_alpha = self.lasso_alpha.unwrap_or(o.lasso_alpha);
        o.gd_steps = self.gd_steps.unwrap_or(o.gd_steps);
        o.newton_steps = self.newton_steps.unwrap_or(o.newton_steps);
        if let Some(v) = self.examples {
            config.examples = v;
        }
        if seed.is_some() {
            config.seed = seed;
        }
        config.validate()?;
        Ok(config)
    }
}

fn parse_baselines(list: &str) -> Result<Vec<BaselineKind>> {
    if list.trim() == "all" {
        return Ok(BaselineKind::ALL.to_vec());
    }
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|name| {
            parse_enum::<BaselineKind>(name).map_err(|_| {
                let known: Vec<&str> = BaselineKind::ALL.iter().map(|k| k.name()).collect();
                Error::invalid(
                    "--baselines",
                    format!(
                        "unknown baseline `{name}`, expected `all` or some of {}",
                        known.join(", ")
                    ),
                )
            })
        })
        .collect()
}

/// `--device` if given, else the device the checkpoint was trained on.
fn device_or_checkpoints(flag: Option<DeviceChoice>, bytes: &[u8]) -> Result<DeviceChoice> {
    match flag {
        Some(device) => Ok(device),
        None => Ok(iclab::checkpoint::parse(bytes)?.header.config.device),
    }
}

fn read_text(flag: &str, path: &Path) -> Result<String> {
    std::fs::read_to_string(path)
        .map_err(|e| Error::invalid(flag, format!("cannot read {}: {e}", path.display())))
}

fn read_bytes(flag: &str, path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path)
        .map_err(|e| Error::invalid(flag, format!("cannot read {}: {e}", path.display())))
}

/// Writes via a temporary file and a rename, so a crash never leaves half a checkpoint.
fn write_atomic(flag: &str, path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes)
        .and_then(|()| std::fs::rename(&tmp, path))
        .map_err(|e| Error::invalid(flag, format!("cannot write {}: {e}", path.display())))
}

/// Flags mirror the JS config keys; `--config` reads a JSON file of the same schema first.
#[derive(Args)]
struct SessionArgs {
    /// JSON config file (same schema as `createSession` in JS).
    #[arg(long)]
    config: Option<std::path::PathBuf>,
    #[arg(long, value_parser = parse_enum::<TaskKind>)]
    task: Option<TaskKind>,
    #[arg(long, value_parser = parse_enum::<Preset>)]
    preset: Option<Preset>,
    #[arg(long)]
    dims: Option<u32>,
    #[arg(long)]
    points: Option<u32>,
    #[arg(long)]
    batch_size: Option<u32>,
    #[arg(long)]
    lr: Option<f64>,
    #[arg(long)]
    layers: Option<u32>,
    #[arg(long)]
    d_model: Option<u32>,
    #[arg(long)]
    heads: Option<u32>,
    #[arg(long, value_parser = parse_enum::<DeviceChoice>)]
    device: Option<DeviceChoice>,
    #[arg(long)]
    seed: Option<u32>,
    #[arg(long)]
    sparsity: Option<u32>,
    #[arg(long)]
    noise_std: Option<f64>,
    #[arg(long)]
    condition_number: Option<f64>,
    #[arg(long)]
    warmup_steps: Option<u32>,
    #[arg(long)]
    decay_steps: Option<u32>,
    /// Steps between curriculum increments; turns on the reference curriculum (dims from
    /// min(5, d) by 1, points from the class's reference start by its increment).
    #[arg(long)]
    curriculum_interval: Option<u32>,
}

fn parse_enum<T: serde::de::DeserializeOwned>(text: &str) -> std::result::Result<T, String> {
    serde_json::from_value(serde_json::Value::String(text.to_owned())).map_err(|e| e.to_string())
}

impl SessionArgs {
    fn resolve(&self) -> Result<SessionConfig> {
        let mut config = match &self.config {
            Some(path) => SessionConfig::from_json(&read_text("--config", path)?)?,
            None => SessionConfig::default(),
        };
        macro_rules! set {
            ($($flag:ident => $field:ident),*) => {$(
                if let Some(v) = self.$flag { config.$field = v; }
            )*};
        }
        set!(task => task, preset => preset, dims => dims, points => points,
             batch_size => batch_size, lr => learning_rate, device => device, seed => seed,
             sparsity => sparsity, noise_std => noise_std, condition_number => condition_number,
             warmup_steps => warmup_steps, decay_steps => decay_steps);
        config.layers = self.layers.or(config.layers);
        config.d_model = self.d_model.or(config.d_model);
        config.heads = self.heads.or(config.heads);
        if let Some(interval) = self.curriculum_interval {
            let (points_start, points_increment) = config.task.reference_points();
            config.curriculum = Some(Curriculum {
                dims_start: config.dims.min(5),
                dims_increment: 1,
                points_start: points_start.min(config.points),
                points_increment,
                interval,
            });
        }
        config.validate()?;
        Ok(config)
    }
}

fn emit(json: bool, value: serde_json::Value, text: impl FnOnce() -> String) {
    if json {
        println!("{value}");
    } else {
        println!("{}", text());
    }
}

fn to_json<T: serde::Serialize>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or(serde_json::Value::Null)
}

/// A training run's record for `--log`: written at every intermediate checkpoint (without an
/// evaluation) and at the end.
struct Run<'a> {
    session: &'a Session,
    resume: Option<&'a Path>,
    started: std::time::Instant,
    reports: &'a [iclab::train::Report],
}

impl Run<'_> {
    fn write_log(&self, path: &Path, evaluation: Option<&EvalResult>) -> Result<()> {
        let record = json!({
            "config": to_json(self.session.config()),
            "resumedFrom": self.resume.map(|p| p.display().to_string()),
            "steps": self.session.step(),
            "wallSeconds": self.started.elapsed().as_secs_f64(),
            "reports": to_json(&self.reports),
            "evaluation": evaluation.map(to_json),
        });
        let text = serde_json::to_string_pretty(&record).unwrap_or_default();
        write_atomic("--log", path, text.as_bytes())
    }
}

fn print_evaluation(json: bool, eval: &EvalResult) {
    if json {
        println!("{}", to_json(eval));
        return;
    }
    println!(
        "error vs k ({} prompts, {} dims, probe {:?}; 1 = zero estimator):",
        eval.prompts, eval.dims, eval.probe
    );
    for (name, curve) in &eval.curves {
        let values: Vec<String> = curve.mean.iter().map(|e| format!("{e:.3}")).collect();
        println!("  {name:>14}: [{}]", values.join(", "));
    }
}

async fn run(cli: Cli) -> Result<()> {
    let json = cli.json;
    match cli.command {
        Command::Icl {
            command:
                IclCommand::Train {
                    session,
                    steps,
                    every,
                    out,
                    save_every,
                    log,
                    resume,
                    eval,
                },
        } => {
            if every == 0 {
                return Err(Error::invalid("--every", "must be at least 1"));
            }
            let eval = eval.resolve(None)?;
            let mut session = match &resume {
                Some(path) => {
                    let bytes = read_bytes("--resume", path)?;
                    let device = device_or_checkpoints(session.device, &bytes)?;
                    Session::from_checkpoint(&bytes, device).await?
                }
                None => Session::new(session.resolve()?).await?,
            };
            let task = session.config().task.name();
            let out = out.unwrap_or_else(|| PathBuf::from(format!("{task}.safetensors")));
            let log = log.unwrap_or_else(|| out.with_extension("log.json"));
            let started = std::time::Instant::now();
            let mut reports = Vec::new();
            let mut done = 0;
            while done < steps {
                let n = every.min(steps - done);
                let report = session.train(n).await?;
                done += n;
                if json {
                    println!("{}", json!({ "report": to_json(&report) }));
                } else {
                    println!(
                        "step {:>6}  loss {:.4}  (normalized {:.4})  d={} points={}  lr {:.2e}  {:.1} steps/s",
                        report.step,
                        report.loss,
                        report.normalized_loss,
                        report.active_dims,
                        report.points,
                        report.learning_rate,
                        report.steps_per_second,
                    );
                }
                reports.push(report);
                if save_every > 0 && done % save_every < n {
                    write_atomic("--out", &out, &session.save().await?)?;
                    let run = Run {
                        session: &session,
                        resume: resume.as_deref(),
                        started,
                        reports: &reports,
                    };
                    run.write_log(&log, None)?;
                }
            }
            write_atomic("--out", &out, &session.save().await?)?;
            if !json {
                println!("checkpoint: {}", out.display());
            }
            let result = session.evaluate(&eval).await?;
            print_evaluation(json, &result);
            let run = Run {
                session: &session,
                resume: resume.as_deref(),
                started,
                reports: &reports,
            };
            run.write_log(&log, Some(&result))?;
        }
        Command::Icl {
            command:
                IclCommand::Eval {
                    checkpoint,
                    device,
                    seed,
                    eval,
                },
        } => {
            let eval = eval.resolve(seed)?;
            let bytes = read_bytes("--checkpoint", &checkpoint)?;
            let device = device_or_checkpoints(device, &bytes)?;
            let session = Session::from_checkpoint(&bytes, device).await?;
            print_evaluation(json, &session.evaluate(&eval).await?);
        }
        Command::Icl {
            command: IclCommand::Baselines { session, eval },
        } => {
            let config = session.resolve()?;
            let eval = eval.resolve(session.seed)?;
            let class = config.task.class(config.task_params());
            let seed = eval.seed_for(config.seed);
            let result = evaluate::baselines_only(
                &eval,
                config.task,
                class.as_ref(),
                seed,
                config.points as usize,
                config.dims as usize,
            );
            print_evaluation(json, &result);
        }
        Command::Bench { session, steps } => {
            let config = session.resolve()?;
            let mut session = Session::new(config.clone()).await?;
            session.train(2).await?; // warm-up: kernel compilation and allocation
            let report = session.train(steps.max(1)).await?;
            let info = session.device_info().clone();
            emit(
                json,
                json!({ "bench": { "stepsPerSecond": report.steps_per_second, "steps": steps,
                        "device": info, "config": to_json(&config) } }),
                || {
                    format!(
                        "{:.2} steps/s on {:?} ({:?})",
                        report.steps_per_second, info.kind, info.adapter
                    )
                },
            );
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let json = cli.json;
    match pollster::block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            if json {
                eprintln!("{}", json!({ "error": to_json(&err.to_payload()) }));
            } else {
                eprintln!("error: {err}");
            }
            ExitCode::from(2)
        }
    }
}
