//! `iclab classify`'s flags: the experiment (a `--config` file and flags over it, each checked
//! under its own name), the schedule, and the comma-separated lists a sweep takes.

use std::path::PathBuf;

use clap::Args;
use iclab::classify::session::fields;
use iclab::classify::{ClassifyBackbone, ClassifyConfig, sequences};
use iclab::device::DeviceChoice;
use iclab::schema::Field;
use iclab::{Error, Result};

use crate::args::parse_enum;

/// How long to train and how often to evaluate (as flags, or as a sweep spec's `schedule`).
#[derive(Args, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Schedule {
    /// Training steps.
    #[arg(long, default_value_t = 6000)]
    pub steps: u32,
    /// Steps between evaluations.
    #[arg(long, default_value_t = 500)]
    pub every: u32,
    /// Sequences per evaluation split.
    #[arg(long, default_value_t = 512)]
    pub prompts: u32,
}

impl Default for Schedule {
    fn default() -> Self {
        Self {
            steps: 6000,
            every: 500,
            prompts: 512,
        }
    }
}

impl Schedule {
    pub fn check(&self) -> Result<()> {
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
    /// Any config key by its JSON name, `key=value`, after the flags above (`weightDecay=1e-4`,
    /// `task.zipf=1`); repeatable. The core checks the result and names the key at fault.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    sets: Vec<String>,
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
        if !self.sets.is_empty() {
            c = crate::args::with_sets(&c, &self.sets, ClassifyConfig::from_json)?;
        }
        c.validate()?;
        Ok(c)
    }
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
}
