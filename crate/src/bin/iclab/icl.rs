//! `iclab icl …`: train, sweep, evaluate, analyse the layers of, and run the baselines of the
//! in-context learner.

use std::path::PathBuf;

use iclab::icl::evaluate;
use iclab::pace::Pace;
use iclab::train::cadence::Cadence;
use iclab::{Error, Result, Session};
use serde_json::json;

use crate::args::CheckpointArgs;
use crate::args::IclCommand;
use crate::{device_or_checkpoints, emit, layers, read_bytes, sweep, to_json, write_atomic};

use std::path::Path;

use iclab::icl::answer::{Answer, AnswerConfig};
use iclab::icl::evaluate::EvalResult;

/// One row per query: its inputs, the model's answer and each baseline's; `*` marks a query
/// outside the inputs the model was trained on.
fn answer_table(answer: &Answer) -> String {
    let mut out = format!(
        "{} examples; {} queries (* = outside {:?}, where nearly all training inputs fell)\n",
        answer.examples.len(),
        answer.queries.len(),
        answer.typical_range
    );
    let mut header = format!("{:>24} {:>10}", "query", "model");
    for name in answer.baselines.keys() {
        header.push_str(&format!(" {name:>14}"));
    }
    out.push_str(&header);
    for (q, query) in answer.queries.iter().enumerate() {
        let xs: Vec<String> = query.iter().map(|v| format!("{v:.3}")).collect();
        let mark = if answer.outside[q] { "*" } else { " " };
        out.push_str(&format!(
            "\n{:>23}{mark} {:>10.4}",
            xs.join(","),
            answer.model[q]
        ));
        for values in answer.baselines.values() {
            out.push_str(&format!(" {:>14.4}", values[q]));
        }
    }
    out
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
async fn open_checkpoint(from: &CheckpointArgs) -> Result<Session> {
    let bytes = read_bytes("--checkpoint", &from.checkpoint)?;
    let device = device_or_checkpoints(from.device, &bytes)?;
    Session::from_checkpoint(&bytes, device).await
}

pub async fn command(json: bool, command: IclCommand) -> Result<()> {
    match command {
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
            // the core's cadence, on the model's own step (a resumed run keeps its multiples),
            // as the package's train() streams: the last step's evaluation is the final one,
            // printed after the checkpoint is written
            let cadence = Cadence { every, eval_every };
            let (first, end) = (session.step(), session.step().saturating_add(steps));
            let mut last = None;
            while session.step() < end {
                let before = session.step();
                let trained = session
                    .train_on(cadence, end, Some(&eval), &mut Pace::free())
                    .await?;
                let report = trained.report;
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
                match trained.evaluation {
                    Some(result) if session.step() >= end => last = Some(result),
                    Some(result) => {
                        if json {
                            out!("{}", json!({ "evaluation": to_json(&result) }));
                        } else {
                            print_evaluation(false, &result);
                        }
                        evaluations.push(result);
                    }
                    None => {}
                }
                // a checkpoint each time the run's own steps reach a multiple of --save-every
                let (done, chunk) = (session.step() - first, session.step() - before);
                if save_every > 0 && done % save_every < chunk {
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
            let result = match last {
                Some(result) => result,
                None => session.evaluate(&eval).await?,
            };
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
        IclCommand::Sweep {
            session,
            pools,
            seeds,
            steps,
            every,
            out,
            eval,
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
        IclCommand::Eval { from, eval } => {
            let eval = eval.resolve(from.seed)?;
            let session = open_checkpoint(&from).await?;
            print_evaluation(json, &session.evaluate(&eval).await?);
        }
        IclCommand::Layers { from, options } => {
            let config = options.resolve(from.seed)?;
            let result = open_checkpoint(&from).await?.layers(&config).await?;
            emit(json, to_json(&result), || layers::table(&result));
        }
        IclCommand::Answer {
            checkpoint,
            device,
            table,
            baselines,
        } => {
            let prompt = AnswerConfig {
                table: Some(crate::read_text("--table", &table)?),
                baselines: crate::args::baselines_list(baselines.as_deref())?,
                ..Default::default()
            };
            let from = CheckpointArgs {
                checkpoint,
                device,
                seed: None,
            };
            // the table's errors name the file: `--table` is the flag at fault
            let answer = open_checkpoint(&from)
                .await?
                .answer(&prompt)
                .await
                .map_err(|e| match e {
                    Error::InvalidConfig { field, reason } if field == "table" => {
                        Error::invalid("--table", format!("{}: {reason}", table.display()))
                    }
                    other => other,
                })?;
            emit(json, to_json(&answer), || answer_table(&answer));
        }
        IclCommand::Baselines { session, eval } => {
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
    }
    Ok(())
}
