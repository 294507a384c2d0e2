//! `iclab classify train | sweep`: in-context classification (docs/SCIENCE.md §4; Reddy 2023,
//! Chan et al. 2022, Singh et al. 2023). `train` prints both evaluations through one run;
//! `sweep` trains one run per point of a grid over burstiness B, classes K and noise ε and
//! records where in-context learning wins and where in-weights learning does (the phase
//! diagram the site ships).

use std::path::PathBuf;

use clap::Subcommand;
use iclab::classify::{BurstyConfig, ClassifyConfig, ClassifyEvaluation, ClassifySession};
use iclab::{Error, Result};
use serde::Serialize;

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

/// One evaluation of a run, with the mean loss of the steps before it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Point {
    pub step: u32,
    pub loss: f64,
    pub in_context: f64,
    pub in_weights: f64,
    /// Reddy's induction scores (absent for the xLSTM).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label_to_item: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query_to_match: Option<f64>,
}

/// A whole run: its config, its curve, and what it ended as.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Run {
    pub classes: u32,
    pub burstiness: u32,
    pub noise: f64,
    pub weight_decay: f64,
    pub seed: u32,
    pub steps: u32,
    pub chance: f64,
    pub curve: Vec<Point>,
    /// The first evaluation with in-context accuracy halfway from chance to perfect.
    pub emergence_step: Option<u32>,
    /// The largest in-context accuracy of the run and its step (transience: a peak well above
    /// the final value).
    pub peak_in_context: f64,
    pub peak_step: u32,
    pub final_in_context: f64,
    pub final_in_weights: f64,
    /// Which strategy the run ended with: `in_context`, `in_weights`, `both` (each above
    /// halfway from chance to perfect) or `neither`.
    pub winner: &'static str,
    /// The last evaluation's attention at the query (the heatmap of the run's end).
    pub final_evaluation: ClassifyEvaluation,
    pub wall_seconds: f64,
}

/// Which strategy a run ended with (see [`Run::winner`]).
pub fn winner(in_context: f64, in_weights: f64, chance: f64) -> &'static str {
    let bar = chance + (1.0 - chance) / 2.0;
    match (in_context >= bar, in_weights >= bar) {
        (true, true) => "both",
        (true, false) => "in_context",
        (false, true) => "in_weights",
        (false, false) => "neither",
    }
}

/// Trains `config` on `schedule`, calling `each` after every evaluation.
pub async fn run(
    config: ClassifyConfig,
    schedule: &Schedule,
    each: &mut dyn FnMut(&Point),
) -> Result<Run> {
    schedule.check()?;
    let started = std::time::Instant::now();
    let task = config.task.clone();
    let (seed, weight_decay) = (config.seed, config.weight_decay);
    let mut session = ClassifySession::new(config).await?;
    let mut curve = Vec::new();
    let mut last = None;
    while session.step() < schedule.steps {
        let n = schedule.every.min(schedule.steps - session.step());
        let report = session.train(n).await?;
        let e = session.evaluate(schedule.prompts).await?;
        let point = Point {
            step: e.step,
            loss: report.loss,
            in_context: e.in_context,
            in_weights: e.in_weights,
            label_to_item: e.induction.map(|i| i.label_to_item),
            query_to_match: e.induction.map(|i| i.query_to_match),
        };
        each(&point);
        curve.push(point);
        last = Some(e);
    }
    let last = last.ok_or_else(|| Error::invalid("--steps", "must be at least 1"))?;
    let peak = curve
        .iter()
        .max_by(|a, b| a.in_context.total_cmp(&b.in_context))
        .map_or((f64::NAN, 0), |p| (p.in_context, p.step));
    Ok(Run {
        classes: task.classes,
        burstiness: task.burstiness,
        noise: task.noise,
        weight_decay,
        seed,
        steps: schedule.steps,
        chance: last.chance,
        emergence_step: last.emergence_step,
        peak_in_context: peak.0,
        peak_step: peak.1,
        final_in_context: last.in_context,
        final_in_weights: last.in_weights,
        winner: winner(last.in_context, last.in_weights, last.chance),
        final_evaluation: last,
        curve,
        wall_seconds: started.elapsed().as_secs_f64(),
    })
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
                        Some("burstiness") => Error::invalid("--sweep-burstiness", e.to_string()),
                        Some("labels") | Some("classes") => {
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
        "step {:>7}  loss {:.4}  in-context {:.3}  in-weights {:.3}{induction}",
        p.step, p.loss, p.in_context, p.in_weights
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
        r.winner,
        r.emergence_step
            .map_or("none".to_owned(), |s| format!("at step {s}")),
        r.wall_seconds
    )
}

/// Runs `iclab classify …`.
pub async fn command(json: bool, command: ClassifyCommand) -> Result<()> {
    match command {
        ClassifyCommand::Train { config, schedule } => {
            let run = run(config.resolve()?, &schedule, &mut |p| {
                crate::emit(json, crate::to_json(p), || line(p));
            })
            .await?;
            crate::emit(
                json,
                serde_json::json!({ "run": crate::to_json(&run) }),
                || summary(&run),
            );
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
            let command: Vec<String> = std::env::args().skip(1).collect();
            let mut runs = Vec::new();
            for (i, point) in grid.into_iter().enumerate() {
                let what = format!(
                    "run {}: K {} B {} ε {} wd {} seed {}",
                    i + 1,
                    point.task.classes,
                    point.task.burstiness,
                    point.task.noise,
                    point.weight_decay,
                    point.seed
                );
                let run = run(point, &schedule, &mut |p| {
                    eprintln!("{what}: {}", line(p));
                })
                .await?;
                crate::emit(json, crate::to_json(&run), || summary(&run));
                runs.push(run);
                if let Some(path) = &out {
                    let record = serde_json::json!({
                        "command": format!("iclab {}", command.join(" ")),
                        "config": crate::to_json(&base),
                        "runs": crate::to_json(&runs),
                    });
                    crate::write_atomic("--out", path, record.to_string().as_bytes())?;
                }
            }
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

    #[test]
    fn the_winner_is_whichever_passed_halfway() {
        let chance = 1.0 / 16.0;
        assert_eq!(winner(0.9, 0.1, chance), "in_context");
        assert_eq!(winner(0.1, 0.95, chance), "in_weights");
        assert_eq!(winner(0.6, 0.6, chance), "both");
        assert_eq!(winner(0.4, 0.3, chance), "neither");
    }
}
