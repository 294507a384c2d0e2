//! Native CLI: the same sessions as the browser, for longer runs, checkpoints and benchmarks.
//!
//! ```text
//! iclab icl train --dims 5 --points 11 --steps 2000 --every 100 --json
//! iclab bench --device cpu --steps 20 --json
//! ```

use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use iclab::config::{Preset, SessionConfig};
use iclab::device::DeviceChoice;
use iclab::icl::TaskKind;
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
    /// Meta-train a model and print a report every `--every` steps, then its error vs k.
    Train {
        #[command(flatten)]
        session: SessionArgs,
        /// Total training steps.
        #[arg(long, default_value_t = 1000)]
        steps: u32,
        /// Steps per report.
        #[arg(long, default_value_t = 100)]
        every: u32,
        /// Prompts in the final evaluation.
        #[arg(long, default_value_t = 1280)]
        prompts: u32,
    },
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
}

fn parse_enum<T: serde::de::DeserializeOwned>(text: &str) -> std::result::Result<T, String> {
    serde_json::from_value(serde_json::Value::String(text.to_owned())).map_err(|e| e.to_string())
}

impl SessionArgs {
    fn resolve(&self) -> Result<SessionConfig> {
        let mut config = match &self.config {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| {
                    Error::invalid("--config", format!("cannot read {}: {e}", path.display()))
                })?;
                SessionConfig::from_json(&text)?
            }
            None => SessionConfig::default(),
        };
        macro_rules! set {
            ($($flag:ident => $field:ident),*) => {$(
                if let Some(v) = self.$flag { config.$field = v; }
            )*};
        }
        set!(task => task, preset => preset, dims => dims, points => points,
             batch_size => batch_size, lr => learning_rate, device => device, seed => seed);
        config.layers = self.layers.or(config.layers);
        config.d_model = self.d_model.or(config.d_model);
        config.heads = self.heads.or(config.heads);
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

async fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Icl {
            command:
                IclCommand::Train {
                    session,
                    steps,
                    every,
                    prompts,
                },
        } => {
            if every == 0 {
                return Err(Error::invalid("--every", "must be at least 1"));
            }
            let mut session = Session::new(session.resolve()?).await?;
            let mut done = 0;
            while done < steps {
                let n = every.min(steps - done);
                let report = session.train(n).await?;
                done += n;
                emit(cli.json, json!({ "report": to_json(&report) }), || {
                    format!(
                        "step {:>6}  loss {:.4}  (normalized {:.4})  {:.1} steps/s  [{:?}]",
                        report.step,
                        report.loss,
                        report.normalized_loss,
                        report.steps_per_second,
                        report.device
                    )
                });
            }
            let eval = session.evaluate(prompts).await?;
            emit(cli.json, json!({ "evaluation": to_json(&eval) }), || {
                let curve: Vec<String> =
                    eval.model.mean.iter().map(|e| format!("{e:.3}")).collect();
                format!("error vs k: [{}]", curve.join(", "))
            });
        }
        Command::Bench { session, steps } => {
            let config = session.resolve()?;
            let mut session = Session::new(config.clone()).await?;
            session.train(2).await?; // warm-up: kernel compilation and allocation
            let report = session.train(steps.max(1)).await?;
            let info = session.device_info().clone();
            emit(
                cli.json,
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
