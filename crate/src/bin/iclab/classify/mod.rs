//! `iclab classify train | sweep`: in-context classification (docs/SCIENCE.md §4; Reddy 2023,
//! Chan et al. 2022, Singh et al. 2023). `train` prints both evaluations through one run;
//! `sweep` trains one run per point of a grid over burstiness B, classes K and noise ε and
//! records where in-context learning wins and where in-weights learning does (the phase
//! diagram the site ships).

use std::path::PathBuf;

use clap::Subcommand;
use iclab::classify::{BurstyConfig, ClassifyConfig, ClassifySession, ClassifySweep, Point, Run};
use iclab::pace::Pace;
use iclab::train::cadence::Cadence;
use iclab::{Error, Result};

mod flags;

pub use flags::{ClassifyArgs, Schedule, parse_list};

#[derive(Subcommand)]
pub enum ClassifyCommand {
    /// Trains one experiment, evaluating in-context and in-weights accuracy every `--every`
    /// steps; the last line holds the emergence step.
    Train {
        #[command(flatten)]
        config: ClassifyArgs,
        #[command(flatten)]
        schedule: Schedule,
        /// Write the trained classifier here (safetensors with its config, step and history;
        /// the in-context-or-in-weights page's "Load model…" reads it).
        #[arg(long, value_name = "PATH")]
        out: Option<PathBuf>,
    },
    /// Evaluates a classifier file (written by `train --out` or the page): in-context and
    /// in-weights accuracy, context-label accuracy and the induction scores.
    Eval {
        /// The classifier file.
        #[arg(long)]
        checkpoint: PathBuf,
        /// Sequences per evaluation split.
        #[arg(long, default_value_t = 512)]
        prompts: u32,
        /// Default: the device it was trained on.
        #[arg(long, value_parser = crate::args::parse_enum::<iclab::device::DeviceChoice>)]
        device: Option<iclab::device::DeviceChoice>,
    },
    /// One run per (seed, B, K, ε) of the grid; `--out` writes the phase diagram as JSON.
    Sweep {
        #[command(flatten)]
        config: ClassifyArgs,
        #[command(flatten)]
        schedule: Schedule,
        /// Burstiness values, comma-separated (each must divide the context pairs).
        #[arg(long, default_value = "1,2,4")]
        sweep_burstiness: String,
        /// Class counts K, comma-separated (each a multiple of the labels).
        #[arg(long, default_value = "16,64,256,1024")]
        sweep_classes: String,
        /// Within-class noise values ε, comma-separated.
        #[arg(long, default_value = "0.1")]
        sweep_noise: String,
        /// L2 weight decay values, comma-separated (transience: with and without).
        #[arg(long, default_value = "0")]
        sweep_weight_decay: String,
        /// Seeds, comma-separated.
        #[arg(long, default_value = "0")]
        seeds: String,
        /// Write the sweep here (JSON), rewritten after every run.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

/// Trains `config` on `schedule`, calling `each` after every evaluation.
pub async fn run(
    config: ClassifyConfig,
    schedule: &Schedule,
    each: &mut dyn FnMut(&Point),
    out: Option<&std::path::Path>,
) -> Result<Run> {
    schedule.check()?;
    let started = std::time::Instant::now();
    let mut session = ClassifySession::new(config.clone()).await?;
    let mut curve = Vec::new();
    let mut last = None;
    // the core's cadence with an evaluation at every report, as the package's train() streams
    let cadence = Cadence {
        every: schedule.every,
        eval_every: schedule.every,
    };
    while session.step() < schedule.steps {
        let trained = session
            .train_on(
                cadence,
                schedule.steps,
                Some(schedule.prompts),
                &mut Pace::free(),
            )
            .await?;
        let Some(e) = trained.evaluation else {
            continue;
        };
        let point = Point::of(&e, trained.report.loss);
        each(&point);
        curve.push(point);
        last = Some(e);
    }
    let last = last.ok_or_else(|| Error::invalid("--steps", "must be at least 1"))?;
    if let Some(path) = out {
        crate::write_atomic("--out", path, &session.save().await?)?;
    }
    Ok(Run::new(
        &config,
        schedule.prompts,
        curve,
        last,
        started.elapsed().as_secs_f64(),
    ))
}

/// The axes of a sweep.
pub struct Axes {
    pub seeds: Vec<u32>,
    pub weight_decay: Vec<f64>,
    pub noise: Vec<f64>,
    pub burstiness: Vec<u32>,
    pub classes: Vec<u32>,
}

/// Every grid point's config, seeds outermost, then weight decay, ε, B and K; each validated (so
/// a B that does not divide N is an error naming the flag before anything trains).
pub fn grid(base: &ClassifyConfig, axes: &Axes) -> Result<Vec<ClassifyConfig>> {
    let mut out = Vec::new();
    for (&seed, &wd) in axes
        .seeds
        .iter()
        .flat_map(|s| axes.weight_decay.iter().map(move |w| (s, w)))
    {
        for &eps in &axes.noise {
            for &b in &axes.burstiness {
                for &k in &axes.classes {
                    let c = ClassifyConfig {
                        seed,
                        weight_decay: wd,
                        task: BurstyConfig {
                            noise: eps,
                            burstiness: b,
                            classes: k,
                            ..base.task.clone()
                        },
                        ..base.clone()
                    };
                    c.validate().map_err(|e| match e.field() {
                        Some("task.burstiness") => {
                            Error::invalid("--sweep-burstiness", e.to_string())
                        }
                        Some("task.labels") | Some("task.classes") => {
                            Error::invalid("--sweep-classes", e.to_string())
                        }
                        _ => e,
                    })?;
                    out.push(c);
                }
            }
        }
    }
    Ok(out)
}

/// A text line per evaluation.
pub fn line(p: &Point) -> String {
    let induction = match (p.label_to_item, p.query_to_match) {
        (Some(a), Some(b)) => format!("  label→item {a:.3}  query→match {b:.3}"),
        _ => String::new(),
    };
    format!(
        "step {:>7}  loss {:.4}  in-context {:.3} (context labels {:.3})  in-weights {:.3}{induction}",
        p.step, p.loss, p.in_context, p.context_label_accuracy, p.in_weights
    )
}

/// A text line per run of a sweep.
pub fn summary(r: &Run) -> String {
    format!(
        "K {:>5}  B {:>2}  ε {:.2}  wd {}  seed {}: in-context {:.3} (peak {:.3} at {}), in-weights {:.3}, {} — emergence {}, {:.0} s",
        r.classes,
        r.burstiness,
        r.noise,
        r.weight_decay,
        r.seed,
        r.final_in_context,
        r.peak_in_context,
        r.peak_step,
        r.final_in_weights,
        r.winner.words(),
        r.emergence_step
            .map_or("none".to_owned(), |s| format!("at step {s}")),
        r.wall_seconds
    )
}

/// The runs of `path` when it exists and was written with this base config and schedule (a sweep
/// resumes, and re-running a finished one recomputes its findings); another sweep there is an
/// error naming `--out`.
fn existing(
    path: &std::path::Path,
    base: &ClassifyConfig,
    schedule: &Schedule,
) -> Result<Vec<Run>> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => {
            return Err(Error::invalid(
                "--out",
                format!("cannot read {}: {e}", path.display()),
            ));
        }
    };
    // the runs and their settings only: the findings are recomputed, whatever rule wrote them
    #[derive(serde::Deserialize)]
    struct Stored {
        config: ClassifyConfig,
        runs: Vec<Run>,
    }
    let sweep: Stored = serde_json::from_str(&text).map_err(|e| {
        Error::invalid(
            "--out",
            format!("{} is not a sweep iclab wrote: {e}", path.display()),
        )
    })?;
    let mut sweep = sweep;
    // judged by the current rules, as a fresh run would be
    sweep.runs.iter_mut().for_each(Run::refresh);
    if sweep.config != *base || sweep.runs.iter().any(|r| r.prompts != schedule.prompts) {
        return Err(Error::invalid(
            "--out",
            format!(
                "{} holds a sweep of other settings (model, task or evaluation); use another file",
                path.display()
            ),
        ));
    }
    Ok(sweep.runs)
}

/// The sweep's findings as text: the phase diagram per ε, then transience and weight decay.
pub fn findings(r: &ClassifySweep) -> String {
    let mut out: Vec<String> = r.phase.statements.clone();
    for t in &r.transience {
        out.push(t.statement.clone());
        out.extend(t.weight_decay.iter().map(|e| e.statement.clone()));
    }
    out.join("\n")
}

/// Runs `iclab classify …`.
pub async fn command(json: bool, command: ClassifyCommand) -> Result<()> {
    match command {
        ClassifyCommand::Train {
            config,
            schedule,
            out,
        } => {
            let run = run(
                config.resolve()?,
                &schedule,
                &mut |p| {
                    crate::emit(json, crate::to_json(p), || line(p));
                },
                out.as_deref(),
            )
            .await?;
            crate::emit(
                json,
                serde_json::json!({ "run": crate::to_json(&run) }),
                || summary(&run),
            );
        }
        ClassifyCommand::Eval {
            checkpoint,
            prompts,
            device,
        } => {
            iclab::classify::session::fields::PROMPTS.check_as("--prompts", f64::from(prompts))?;
            let bytes = crate::read_bytes("--checkpoint", &checkpoint)?;
            let mut session = ClassifySession::load(&bytes, device)
                .await
                .map_err(|e| match e {
                    Error::InvalidCheckpoint { .. } => {
                        Error::invalid("--checkpoint", format!("{}: {e}", checkpoint.display()))
                    }
                    other => other,
                })?;
            let e = session.evaluate(prompts).await?;
            crate::emit(json, crate::to_json(&e), || {
                let induction = e.induction.as_ref().map_or(String::new(), |i| {
                    format!(
                        "  label→item {:.3}  query→match {:.3}",
                        i.label_to_item, i.query_to_match
                    )
                });
                format!(
                    "{} at step {}: in-context {:.3} (context labels {:.3})  in-weights {:.3}{induction}",
                    checkpoint.display(),
                    e.step,
                    e.in_context,
                    e.context_label_accuracy,
                    e.in_weights
                )
            });
        }
        ClassifyCommand::Sweep {
            config,
            schedule,
            sweep_burstiness: burstiness,
            sweep_classes: classes,
            sweep_noise: noise,
            sweep_weight_decay: weight_decay,
            seeds,
            out,
        } => {
            use iclab::classify::sequences::fields as task;
            let base = config.resolve()?;
            let axes = Axes {
                seeds: crate::sweep::parse_seeds(&seeds)?,
                weight_decay: parse_list(
                    "--sweep-weight-decay",
                    &weight_decay,
                    iclab::classify::session::fields::WEIGHT_DECAY,
                )?,
                noise: parse_list("--sweep-noise", &noise, task::NOISE)?,
                burstiness: parse_list("--sweep-burstiness", &burstiness, task::BURSTINESS)?,
                classes: parse_list("--sweep-classes", &classes, task::CLASSES)?,
            };
            let grid = grid(&base, &axes)?;
            let command = format!(
                "iclab {}",
                std::env::args().skip(1).collect::<Vec<_>>().join(" ")
            );
            let mut runs = match &out {
                Some(path) => existing(path, &base, &schedule)?,
                None => Vec::new(),
            };
            for (i, point) in grid.into_iter().enumerate() {
                let t = &point.task;
                if runs.iter().any(|r| {
                    (
                        r.seed,
                        r.weight_decay,
                        r.noise,
                        r.burstiness,
                        r.classes,
                        r.steps,
                    ) == (
                        point.seed,
                        point.weight_decay,
                        t.noise,
                        t.burstiness,
                        t.classes,
                        schedule.steps,
                    )
                }) {
                    eprintln!(
                        "run {}: already in {}, skipped",
                        i + 1,
                        out.as_ref()
                            .map_or(String::new(), |p| p.display().to_string())
                    );
                    continue;
                }
                let what = format!(
                    "run {}: K {} B {} ε {} wd {} seed {}",
                    i + 1,
                    point.task.classes,
                    point.task.burstiness,
                    point.task.noise,
                    point.weight_decay,
                    point.seed
                );
                let run = run(
                    point,
                    &schedule,
                    &mut |p| {
                        eprintln!("{what}: {}", line(p));
                    },
                    None,
                )
                .await?;
                crate::emit(json, crate::to_json(&run), || summary(&run));
                runs.push(run);
                if let Some(path) = &out {
                    let record = ClassifySweep::new(command.clone(), base.clone(), runs.clone());
                    crate::write_atomic(
                        "--out",
                        path,
                        crate::to_json(&record).to_string().as_bytes(),
                    )?;
                }
            }
            let record = ClassifySweep::new(command, base, runs);
            // a resumed sweep with nothing left to train still gets its findings recomputed
            if let Some(path) = &out {
                crate::write_atomic(
                    "--out",
                    path,
                    crate::to_json(&record).to_string().as_bytes(),
                )?;
            }
            crate::emit(
                json,
                serde_json::json!({
                    "phase": crate::to_json(&record.phase),
                    "transience": crate::to_json(&record.transience),
                }),
                || findings(&record),
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn axes(burstiness: &[u32], classes: &[u32]) -> Axes {
        Axes {
            seeds: vec![0, 1],
            weight_decay: vec![0.0, 1e-3],
            noise: vec![0.1],
            burstiness: burstiness.to_vec(),
            classes: classes.to_vec(),
        }
    }

    #[test]
    fn the_grid_checks_every_point() {
        let base = ClassifyConfig::default();
        let g = grid(&base, &axes(&[1, 2], &[16, 64])).expect("grid");
        assert_eq!(g.len(), 16);
        let last = &g[15];
        assert_eq!(
            (
                last.seed,
                last.weight_decay,
                last.task.burstiness,
                last.task.classes
            ),
            (1, 1e-3, 2, 64)
        );
        // B = 3 does not divide N = 4; K = 20 is not a multiple of L = 16
        let e = grid(&base, &axes(&[3], &[16])).expect_err("B = 3");
        assert_eq!(e.field(), Some("--sweep-burstiness"));
        let e = grid(&base, &axes(&[1], &[20])).expect_err("K = 20");
        assert_eq!(e.field(), Some("--sweep-classes"));
    }
}
