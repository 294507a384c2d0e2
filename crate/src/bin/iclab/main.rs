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
mod classify;
mod layers;
mod sweep;

// See crate/Cargo.toml: keeps the CPU backend's large per-step buffers instead of mapping them anew.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use args::{ClCommand, Cli, Command, IclCommand};
use clap::Parser;
use iclab::continual::digits::Digits;
use iclab::continual::run::{ClConfig, ClRun, DataConfig};
use iclab::device::DeviceChoice;
use iclab::icl::evaluate::{self, EvalResult};
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

/// A training run's record for `--log`: written at every intermediate checkpoint (without an
/// evaluation) and at the end.
struct Run<'a> {
    session: &'a Session,
    resume: Option<&'a Path>,
    started: std::time::Instant,
    reports: &'a [iclab::train::Report],
    /// `--eval-every`'s evaluations, in step order.
    evaluations: &'a [EvalResult],
}

impl Run<'_> {
    fn write_log(&self, path: &Path, evaluation: Option<&EvalResult>) -> Result<()> {
        let record = json!({
            "config": to_json(self.session.config()),
            "resumedFrom": self.resume.map(|p| p.display().to_string()),
            "steps": self.session.step(),
            "wallSeconds": self.started.elapsed().as_secs_f64(),
            "reports": to_json(&self.reports),
            "evaluations": to_json(&self.evaluations),
            "evaluation": evaluation.map(to_json),
        });
        let text = serde_json::to_string_pretty(&record).unwrap_or_default();
        write_atomic("--log", path, text.as_bytes())
    }
}

fn print_evaluation(json: bool, eval: &EvalResult) {
    if json {
        out!("{}", to_json(eval));
        return;
    }
    out!(
        "error vs k ({} prompts, {} dims, probe {:?}; 1 = zero estimator):",
        eval.prompts,
        eval.dims,
        eval.probe
    );
    for (name, curve) in &eval.curves {
        let values: Vec<String> = curve.mean.iter().map(|e| format!("{e:.3}")).collect();
        out!("  {name:>14}: [{}]", values.join(", "));
    }
}

/// The session of `--checkpoint` on `--device` (default: the device it was trained on).
async fn open_checkpoint(from: &args::CheckpointArgs) -> Result<Session> {
    let bytes = read_bytes("--checkpoint", &from.checkpoint)?;
    let device = device_or_checkpoints(from.device, &bytes)?;
    Session::from_checkpoint(&bytes, device).await
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
                    eval_every,
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
            let task = session.config().task.kind().name();
            let out = out.unwrap_or_else(|| PathBuf::from(format!("{task}.safetensors")));
            let log = log.unwrap_or_else(|| out.with_extension("log.json"));
            let started = std::time::Instant::now();
            let mut reports = Vec::new();
            let mut evaluations = Vec::new();
            let mut done = 0;
            while done < steps {
                let n = every.min(steps - done);
                let report = session.train(n).await?;
                done += n;
                if json {
                    out!("{}", json!({ "report": to_json(&report) }));
                } else {
                    out!(
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
                if eval_every > 0 && done % eval_every < n && done < steps {
                    let result = session.evaluate(&eval).await?;
                    if json {
                        out!("{}", json!({ "evaluation": to_json(&result) }));
                    } else {
                        print_evaluation(false, &result);
                    }
                    evaluations.push(result);
                }
                if save_every > 0 && done % save_every < n {
                    write_atomic("--out", &out, &session.save().await?)?;
                    let run = Run {
                        session: &session,
                        resume: resume.as_deref(),
                        started,
                        reports: &reports,
                        evaluations: &evaluations,
                    };
                    run.write_log(&log, None)?;
                }
            }
            write_atomic("--out", &out, &session.save().await?)?;
            if !json {
                out!("checkpoint: {}", out.display());
            }
            let result = session.evaluate(&eval).await?;
            print_evaluation(json, &result);
            let run = Run {
                session: &session,
                resume: resume.as_deref(),
                started,
                reports: &reports,
                evaluations: &evaluations,
            };
            run.write_log(&log, Some(&result))?;
        }
        Command::Icl {
            command:
                IclCommand::Sweep {
                    session,
                    pools,
                    seeds,
                    steps,
                    every,
                    out,
                    eval,
                },
        } => {
            let pools = sweep::parse_pools(&pools)?;
            let seeds = sweep::parse_seeds(&seeds)?;
            if every == 0 {
                return Err(Error::invalid("--every", "must be at least 1"));
            }
            let base = session.resolve()?;
            let eval = eval.resolve(None)?;
            let command = format!(
                "iclab {}",
                std::env::args().skip(1).collect::<Vec<_>>().join(" ")
            );
            let mut record = None;
            if let Some(dir) = &out {
                std::fs::create_dir_all(dir).map_err(|e| {
                    Error::invalid("--out", format!("cannot create {}: {e}", dir.display()))
                })?;
                record = sweep::existing(dir, &base, &eval)?;
            }
            let (mut commands, mut runs, config) = match record {
                Some(r) => (r.commands, r.runs, r.config),
                None => (vec![], vec![], base.clone()),
            };
            // the same command again (resuming, or recomputing the findings) is recorded once
            if !commands.contains(&command) {
                commands.push(command);
            }
            let base_steps = runs.first().map_or(steps, |r| r.steps);
            if !json {
                out!("{}", sweep::HEADER);
            }
            for &seed in &seeds {
                for &pool in &pools {
                    if runs
                        .iter()
                        .any(|r| r.task_pool == pool && r.seed == seed && r.steps == steps)
                    {
                        eprintln!(
                            "M = {} seed {seed}, {steps} steps: already in the sweep, skipped",
                            pool.map_or("∞".to_owned(), |m| m.to_string())
                        );
                        continue;
                    }
                    let plan = sweep::Plan {
                        base: &base,
                        steps,
                        every,
                        eval: &eval,
                        out: out.as_deref(),
                        base_steps,
                    };
                    let run =
                        sweep::run_one(&plan, pool, seed, &mut |line| eprintln!("{line}")).await?;
                    emit(json, to_json(&run), || sweep::row(&run));
                    runs.push(run);
                    if let Some(dir) = &out {
                        let record = iclab::icl::diversity::DiversitySweep::new(
                            commands.clone(),
                            config.clone(),
                            eval.clone(),
                            runs.clone(),
                        );
                        sweep::save(dir, &record)?;
                    }
                }
            }
            let record = iclab::icl::diversity::DiversitySweep::new(commands, config, eval, runs);
            // a resumed sweep with nothing left to train still gets its findings recomputed
            if let Some(dir) = &out {
                sweep::save(dir, &record)?;
            }
            emit(
                json,
                json!({ "findings": to_json(&record.findings) }),
                || sweep::findings(&record),
            );
        }
        Command::Icl {
            command: IclCommand::Eval { from, eval },
        } => {
            let eval = eval.resolve(from.seed)?;
            let session = open_checkpoint(&from).await?;
            print_evaluation(json, &session.evaluate(&eval).await?);
        }
        Command::Icl {
            command: IclCommand::Layers { from, options },
        } => {
            let config = options.resolve(from.seed)?;
            let result = open_checkpoint(&from).await?.layers(&config).await?;
            emit(json, to_json(&result), || layers::table(&result));
        }
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
        Command::Icl {
            command: IclCommand::Baselines { session, eval },
        } => {
            let config = session.resolve()?;
            let eval = eval.resolve(session.seed)?;
            config.check_evaluation(&eval, false)?;
            let seed = eval.seed_for(config.seed);
            let pool = config.pool();
            let result = evaluate::baselines_only(
                &eval,
                config.task.kind(),
                config.task.class(),
                pool.as_ref(),
                seed,
                config.points as usize,
                config.dims as usize,
            )?;
            print_evaluation(json, &result);
        }
        Command::Cl {
            command:
                ClCommand::Run {
                    config,
                    strategy,
                    seed,
                    digits,
                    unlearn,
                    sets,
                },
        } => {
            let mut cl = match &config {
                Some(path) => ClConfig::from_json(&read_text("--config", path)?)?,
                None => ClConfig::default(),
            };
            if let Some(s) = strategy {
                cl.strategy = s;
            }
            if let Some(s) = seed {
                cl.seed = s;
            }
            if !sets.is_empty() {
                cl = args::with_sets(&cl, &sets, ClConfig::from_json)?;
            }
            let digits = match (&cl.dataset, digits) {
                (DataConfig::Digits(_), path) => {
                    let path = path.unwrap_or_else(|| {
                        Path::new(env!("CARGO_MANIFEST_DIR")).join("../web/data/digits.bin")
                    });
                    Some(Digits::parse(&read_bytes("--digits", &path)?)?)
                }
                _ => None,
            };
            let mut run = ClRun::new(&cl, digits.as_ref()).await?;
            run.advance(run.total_steps()).await?;
            if let Some(c) = unlearn {
                run.unlearn(c).await.map_err(|e| match e.field() {
                    Some("class") => Error::invalid("--unlearn", e.to_string()),
                    _ => e,
                })?;
            }
            let result = run.result()?;
            emit(json, to_json(&result), || {
                let mut out = format!(
                    "{:?}, {} tasks; R[i][j] = accuracy on task j after task i:\n",
                    result.strategy,
                    result.tasks.len()
                );
                for row in &result.accuracy_matrix {
                    let cells: Vec<String> = row.iter().map(|a| format!("{a:.3}")).collect();
                    out.push_str(&format!("  [{}]\n", cells.join(", ")));
                }
                let Some(m) = &result.metrics else {
                    return out;
                };
                out.push_str(&format!(
                    "ACC {:.3}  forgetting ({:?}) {:.3}  BWT {:.3}  FWT {:.3}  min-ACC {}  WC-ACC {:.3}  WF10 {:.3}",
                    m.average_accuracy,
                    m.forgetting_definition,
                    m.forgetting,
                    m.backward_transfer,
                    m.forward_transfer,
                    m.min_acc.map_or("-".to_owned(), |v| format!("{v:.3}")),
                    m.wc_acc,
                    m.windowed_forgetting,
                ));
                out
            });
        }
        Command::Classify { command } => classify::command(json, command).await?,
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
