//! `iclab classify train | sweep`: in-context classification (docs/SCIENCE.md §4; Reddy 2023,
//! Chan et al. 2022, Singh et al. 2023). `train` prints both evaluations through one run;
//! `sweep` trains one run per point of a grid over burstiness B, classes K and noise ε and
//! records where in-context learning wins and where in-weights learning does (the phase
//! diagram the site ships).

use std::path::PathBuf;

use clap::{Args, Subcommand};
use iclab::classify::session::fields;
use iclab::classify::{
    BurstyConfig, ClassifyBackbone, ClassifyConfig, ClassifyEvaluation, ClassifySession, sequences,
};
use iclab::device::DeviceChoice;
use iclab::schema::Field;
use iclab::{Error, Result};
use serde::Serialize;

use crate::args::parse_enum;

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

/// How long to train and how often to evaluate.
#[derive(Args)]
pub struct Schedule {
    /// Training steps.
    #[arg(long, default_value_t = 6000)]
    steps: u32,
    /// Steps between evaluations.
    #[arg(long, default_value_t = 500)]
    every: u32,
    /// Sequences per evaluation split.
    #[arg(long, default_value_t = 512)]
    prompts: u32,
}

impl Schedule {
    fn check(&self) -> Result<()> {
        Field::int("steps", 1, 10_000_000).check_as("--steps", f64::from(self.steps))?;
        Field::int("every", 1, 100_000).check_as("--every", f64::from(self.every))?;
        fields::PROMPTS.check_as("--prompts", f64::from(self.prompts))
    }
}

/// `--config` (a `ClassifyConfig` JSON file, as `startClassify` takes) and flags over it.
#[derive(Args)]
pub struct ClassifyArgs {
    /// JSON file of the same schema as `startClassify`'s config; flags override it.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Item dimension D.
    #[arg(long)]
    dims: Option<u32>,
    /// Classes K.
    #[arg(long)]
    classes: Option<u32>,
    /// Labels L.
    #[arg(long)]
    labels: Option<u32>,
    /// Context pairs N.
    #[arg(long)]
    pairs: Option<u32>,
    /// Burstiness B.
    #[arg(long)]
    burstiness: Option<u32>,
    /// Within-class noise ε.
    #[arg(long)]
    noise: Option<f64>,
    /// Zipf exponent α of the class frequencies.
    #[arg(long)]
    zipf: Option<f64>,
    /// Probability that a training sequence is bursty.
    #[arg(long)]
    bursty_prob: Option<f64>,
    /// Probability that a training sequence uses fresh class means.
    #[arg(long)]
    novel_prob: Option<f64>,
    #[arg(long, value_parser = parse_enum::<ClassifyBackbone>)]
    backbone: Option<ClassifyBackbone>,
    #[arg(long)]
    layers: Option<u32>,
    /// Width of the attention-only network's MLP.
    #[arg(long)]
    hidden: Option<u32>,
    /// Residual width of the transformer and the xLSTM.
    #[arg(long)]
    d_model: Option<u32>,
    #[arg(long)]
    heads: Option<u32>,
    #[arg(long)]
    learning_rate: Option<f64>,
    #[arg(long)]
    batch_size: Option<u32>,
    #[arg(long)]
    weight_decay: Option<f64>,
    #[arg(long, value_parser = parse_enum::<DeviceChoice>)]
    device: Option<DeviceChoice>,
    #[arg(long)]
    seed: Option<u32>,
}

impl ClassifyArgs {
    /// The config: the file (or the defaults), each flag checked under its own name and set,
    /// then the whole validated.
    pub fn resolve(&self) -> Result<ClassifyConfig> {
        let mut c = match &self.config {
            Some(path) => ClassifyConfig::from_json(&crate::read_text("--config", path)?)?,
            None => ClassifyConfig::default(),
        };
        let t = &mut c.task;
        let ints = [
            ("--dims", self.dims, sequences::fields::DIMS, &mut t.dims),
            (
                "--classes",
                self.classes,
                sequences::fields::CLASSES,
                &mut t.classes,
            ),
            (
                "--labels",
                self.labels,
                sequences::fields::LABELS,
                &mut t.labels,
            ),
            (
                "--pairs",
                self.pairs,
                sequences::fields::PAIRS,
                &mut t.pairs,
            ),
            (
                "--burstiness",
                self.burstiness,
                sequences::fields::BURSTINESS,
                &mut t.burstiness,
            ),
        ];
        for (flag, value, field, slot) in ints {
            if let Some(v) = value {
                field.check_as(flag, f64::from(v))?;
                *slot = v;
            }
        }
        let reals = [
            (
                "--noise",
                self.noise,
                sequences::fields::NOISE,
                &mut t.noise,
            ),
            ("--zipf", self.zipf, sequences::fields::ZIPF, &mut t.zipf),
            (
                "--bursty-prob",
                self.bursty_prob,
                sequences::fields::BURSTY_PROB,
                &mut t.bursty_prob,
            ),
            (
                "--novel-prob",
                self.novel_prob,
                sequences::fields::NOVEL_PROB,
                &mut t.novel_prob,
            ),
        ];
        for (flag, value, field, slot) in reals {
            if let Some(v) = value {
                field.check_as(flag, v)?;
                *slot = v;
            }
        }
        let ints = [
            ("--layers", self.layers, fields::LAYERS, &mut c.layers),
            ("--hidden", self.hidden, fields::HIDDEN, &mut c.hidden),
            ("--d-model", self.d_model, fields::D_MODEL, &mut c.d_model),
            ("--heads", self.heads, fields::HEADS, &mut c.heads),
            (
                "--batch-size",
                self.batch_size,
                fields::BATCH_SIZE,
                &mut c.batch_size,
            ),
            ("--seed", self.seed, fields::SEED, &mut c.seed),
        ];
        for (flag, value, field, slot) in ints {
            if let Some(v) = value {
                field.check_as(flag, f64::from(v))?;
                *slot = v;
            }
        }
        let reals = [
            (
                "--learning-rate",
                self.learning_rate,
                fields::LEARNING_RATE,
                &mut c.learning_rate,
            ),
            (
                "--weight-decay",
                self.weight_decay,
                fields::WEIGHT_DECAY,
                &mut c.weight_decay,
            ),
        ];
        for (flag, value, field, slot) in reals {
            if let Some(v) = value {
                field.check_as(flag, v)?;
                *slot = v;
            }
        }
        if let Some(b) = self.backbone {
            c.backbone = b;
        }
        if let Some(d) = self.device {
            c.device = d;
        }
        c.validate()?;
        Ok(c)
    }
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

/// Comma-separated values of `flag`, each checked by `field`.
pub fn parse_list<T: std::str::FromStr + Copy + Into<f64>>(
    flag: &str,
    text: &str,
    field: Field,
) -> Result<Vec<T>> {
    let values = text
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            let v: T = s
                .parse()
                .map_err(|_| Error::invalid(flag, format!("`{s}` is not a number")))?;
            field.check_as(flag, v.into())?;
            Ok(v)
        })
        .collect::<Result<Vec<T>>>()?;
    if values.is_empty() {
        return Err(Error::invalid(flag, "needs at least one value"));
    }
    Ok(values)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_parse_and_bad_values_name_the_flag() {
        let b: Vec<u32> = parse_list(
            "--sweep-burstiness",
            "1, 2,4",
            sequences::fields::BURSTINESS,
        )
        .expect("list");
        assert_eq!(b, vec![1, 2, 4]);
        let bad = parse_list::<u32>("--sweep-classes", "16,x", sequences::fields::CLASSES);
        assert_eq!(bad.expect_err("x").field(), Some("--sweep-classes"));
        let out = parse_list::<f64>("--sweep-noise", "0.1,99", sequences::fields::NOISE);
        assert_eq!(out.expect_err("99").field(), Some("--sweep-noise"));
        let none = parse_list::<u32>("--sweep-classes", "", sequences::fields::CLASSES);
        assert_eq!(none.expect_err("empty").field(), Some("--sweep-classes"));
    }

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
