//! Native CLI: the same sessions as the browser, for longer runs, checkpoints and benchmarks.
//!
//! ```text
//! iclab icl train --dims 5 --points 11 --steps 2000 --every 100 --out linear.safetensors --json
//! iclab icl eval --checkpoint linear.safetensors --baselines least_squares,ridge --json
//! iclab predict --checkpoint linear.safetensors --input prompts.json --json
//! iclab icl baselines --task linear --dims 8 --points 17 --prompts 1280 --seed 1 --json
//! iclab icl sweep --task noisy_linear --pools 1,16,256,inf --seeds 0,1 --steps 5000 --json
//! iclab icl layers --checkpoint linear.safetensors --json
//! iclab classify train --classes 1024 --burstiness 2 --steps 5000 --json
//! iclab classify sweep --sweep-burstiness 1,2,4 --sweep-classes 16,64,256,1024 --out phase.json
//! iclab cl run --config cl.json --strategy replay --json
//! iclab markov train --states 3 --length 64 --steps 1000 --every 25 --json
//! iclab cl federated --set learner=slda --set clients=4 --json
//! iclab sweep run spec.json --jobs 2 && iclab sweep merge spec.json --out sweep.json
//! iclab sweep slurm spec.json --shards 16 --cpus-per-task 4 --submit
//! iclab bench --device cpu --steps 20 --json
//! ```

/// `println!` that ends the program quietly when stdout is gone (`iclab … | head`): Rust's
/// `println!` panics on a closed pipe.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if writeln!(std::io::stdout(), $($arg)*).is_err() {
            std::process::exit(0);
        }
    }};
}

mod args;
mod cl;
mod classify;
mod icl;
mod layers;
mod markov;
mod runner;
mod sweep;
mod threads;

// See crate/Cargo.toml: keeps the CPU backend's large per-step buffers instead of mapping them anew.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::Path;
use std::process::ExitCode;

use args::{Cli, Command};
use clap::Parser;
use iclab::device::DeviceChoice;
use iclab::icl::prompt::PromptInput;
use iclab::{Error, Result, Session};
use serde_json::json;

/// `--device` if given, else the device the checkpoint was trained on.
fn device_or_checkpoints(flag: Option<DeviceChoice>, bytes: &[u8]) -> Result<DeviceChoice> {
    match flag {
        Some(device) => Ok(device),
        None => Ok(iclab::icl::checkpoint::parse(bytes)?.header.config.device),
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

fn emit(json: bool, value: serde_json::Value, text: impl FnOnce() -> String) {
    if json {
        out!("{value}");
    } else {
        out!("{}", text());
    }
}

fn to_json<T: serde::Serialize>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or(serde_json::Value::Null)
}

async fn run(cli: Cli) -> Result<()> {
    let json = cli.json;
    match cli.command {
        Command::Icl { command } => icl::command(json, command).await?,
        Command::Cl { command } => cl::command(json, command).await?,
        Command::Predict {
            checkpoint,
            input,
            device,
        } => {
            let bytes = read_bytes("--checkpoint", &checkpoint)?;
            let text = if input.as_os_str() == "-" {
                let mut text = String::new();
                std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
                    .map_err(|e| Error::invalid("--input", format!("cannot read stdin: {e}")))?;
                text
            } else {
                read_text("--input", &input)?
            };
            let device = device_or_checkpoints(device, &bytes)?;
            let session = Session::from_checkpoint(&bytes, device).await?;
            let mut de = serde_json::Deserializer::from_str(&text);
            let prompts: PromptInput = iclab::error::deserialize_config(&mut de).map_err(|e| {
                // A malformed document as a whole is the flag's fault; inner paths name the entry.
                match e.field() {
                    Some("config") => Error::invalid("--input", e.to_string()),
                    _ => e,
                }
            })?;
            let config = session.config();
            let batch = prompts.into_batch(config.dims as usize, config.points as usize)?;
            let preds = session.predict(&batch).await?;
            let rows: Vec<&[f64]> = preds.chunks(batch.points).collect();
            emit(
                json,
                json!({
                    "model": config.model.name(),
                    "task": config.task.kind().name(),
                    "step": session.step(),
                    "predictions": rows,
                }),
                || {
                    rows.iter()
                        .map(|r| {
                            let v: Vec<String> = r.iter().map(|p| format!("{p:.4}")).collect();
                            v.join(" ")
                        })
                        .collect::<Vec<_>>()
                        .join("\n")
                },
            );
        }
        Command::Classify { command } => classify::command(json, command).await?,
        Command::Markov { command } => markov::command(json, command).await?,
        Command::Sweep { command } => runner::command(json, command).await?,
        Command::Catalog => {
            let catalog = to_json(&iclab::catalog::catalog());
            emit(json, catalog.clone(), || {
                let mut lines =
                    vec!["Function classes (--task NAME, --task-param NAME=VALUE):".to_owned()];
                for task in catalog["icl"]["tasks"].as_array().into_iter().flatten() {
                    let params: Vec<String> = task["fields"]
                        .as_object()
                        .into_iter()
                        .flatten()
                        .map(|(name, f)| {
                            format!("{name} = {} ({}–{})", f["default"], f["min"], f["max"])
                        })
                        .collect();
                    lines.push(format!(
                        "  {:<16} {}{}",
                        task["kind"].as_str().unwrap_or_default(),
                        task["description"].as_str().unwrap_or_default(),
                        if params.is_empty() {
                            String::new()
                        } else {
                            format!("; {}", params.join(", "))
                        }
                    ));
                }
                lines.push("Continual strategies (--strategy NAME):".to_owned());
                for s in catalog["continual"]["strategies"]
                    .as_array()
                    .into_iter()
                    .flatten()
                {
                    lines.push(format!(
                        "  {:<16} {}",
                        s["kind"].as_str().unwrap_or_default(),
                        s["title"].as_str().unwrap_or_default()
                    ));
                }
                lines.push("Everything else: iclab catalog --json".to_owned());
                lines.join("\n")
            });
        }
        Command::Bench { session, steps } => {
            let config = session.resolve()?;
            let mut session = Session::new(config.clone()).await?;
            session.train(2).await?; // warm-up: kernel compilation and allocation
            let report = session.train(steps.max(1)).await?;
            let info = session.device_info().clone();
            // The pool this command runs in (main: `threads_for`).
            let threads = rayon::current_num_threads();
            emit(
                json,
                json!({ "bench": { "stepsPerSecond": report.steps_per_second, "steps": steps,
                        "device": info, "threads": threads, "config": to_json(&config) } }),
                || {
                    format!(
                        "{:.2} steps/s on {:?} ({:?}, {threads} CPU thread(s))",
                        report.steps_per_second, info.kind, info.adapter
                    )
                },
            );
        }
    }
    Ok(())
}

/// The command's CPU threads: `--threads`, else by the size of the model it trains.
fn threads_for(cli: &Cli) -> usize {
    if let Some(n) = cli.threads {
        return n as usize;
    }
    // A config the command will refuse anyway needs no threads.
    let config = match &cli.command {
        // A resumed run's model is the checkpoint's.
        Command::Icl {
            command: args::IclCommand::Train {
                resume: Some(path), ..
            },
        } => std::fs::read(path)
            .ok()
            .and_then(|bytes| iclab::icl::checkpoint::parse(&bytes).ok())
            .map(|c| c.header.config),
        Command::Bench { session, .. }
        | Command::Icl {
            command:
                args::IclCommand::Train { session, .. } | args::IclCommand::Sweep { session, .. },
        } => session.resolve().ok(),
        // Sweep runs choose per run (runner/pool.rs); everything else is small.
        _ => None,
    };
    config.map_or(1, |c| threads::auto(c.shape().d_model, c.device, 1))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let json = cli.json;
    threads::set_override(cli.threads.map(|n| n as usize));
    let threads = threads_for(&cli);
    match threads::within(threads, move || pollster::block_on(run(cli))) {
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
