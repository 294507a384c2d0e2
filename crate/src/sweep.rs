//! Sweeps of any experiment (docs/CLI.md, "Sweeps on every core and on a cluster"): a spec — the
//! experiment, the config every run starts from, the axes that vary and the seeds — expands to a
//! fixed, ordered list of runs; a shard `i/N` is every N-th run from the i-th; each finished run
//! is kept as its own file, so an interrupted sweep resumes and shards on different machines
//! write into one folder; the merge reads them all back, refusing a folder with a run missing or
//! a run of another spec. What a run *is* and when two are the same is decided here; the CLI
//! runs them (a pool of threads, or one Slurm array task per shard).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{Error, Result};

mod records;
pub use records::{Machine, RunRecord, collect, finished, keep, record_path};

/// Which experiment each run of a sweep is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Experiment {
    /// Next-state prediction on Markov chains (`iclab markov train`, docs/SCIENCE.md §7).
    Markov,
    /// In-context vs in-weights classification (`iclab classify train`, §4).
    Classify,
    /// Task diversity: one in-context regression run per pool size (`iclab icl sweep`, §5).
    Diversity,
}

impl Experiment {
    pub const ALL: [Self; 3] = [Self::Markov, Self::Classify, Self::Diversity];

    pub fn name(self) -> &'static str {
        match self {
            Self::Markov => "markov",
            Self::Classify => "classify",
            Self::Diversity => "diversity",
        }
    }
}

/// One setting that varies: a config key by its JSON name (dotted for nested keys, as `--set`
/// takes it) and the values it takes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Axis {
    pub key: String,
    pub values: Vec<Value>,
}

/// A sweep: every combination of the axes' values, once per seed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SweepSpec {
    pub experiment: Experiment,
    /// The config every run starts from, as the experiment's `--config` reads it (missing keys
    /// take their defaults).
    #[serde(default = "empty_object")]
    pub base: Value,
    /// The settings that vary, outermost first.
    #[serde(default)]
    pub axes: Vec<Axis>,
    /// Every combination runs once per seed (the config's `seed`).
    pub seeds: Vec<u32>,
    /// How each run trains and is evaluated (steps, evaluation cadence, …: the experiment's).
    #[serde(default = "empty_object")]
    pub schedule: Value,
}

fn empty_object() -> Value {
    Value::Object(Default::default())
}

/// One run of a sweep, before it runs.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedRun {
    /// Its place in the spec's order (seeds outermost, then the axes in order).
    pub index: usize,
    pub seed: u32,
    /// Each axis's value for this run.
    pub settings: BTreeMap<String, Value>,
    /// The base config with the settings and the seed applied.
    pub config: Value,
}

/// Sets `key` (dotted for nested objects) in `value` to `new`, creating objects on the way.
pub fn set_path(value: &mut Value, key: &str, new: Value) -> Result<()> {
    let path: Vec<&str> = key.split('.').collect();
    let mut at = value;
    for (i, part) in path.iter().enumerate() {
        let Value::Object(map) = at else {
            return Err(Error::invalid(
                path[..i].join("."),
                format!("is not an object, so `{key}` cannot be set"),
            ));
        };
        if i + 1 == path.len() {
            map.insert((*part).to_owned(), new);
            return Ok(());
        }
        at = map
            .entry((*part).to_owned())
            .or_insert_with(|| Value::Object(Default::default()));
    }
    Ok(())
}

impl SweepSpec {
    pub fn from_json(text: &str) -> Result<Self> {
        let spec: Self =
            crate::error::deserialize_config(&mut serde_json::Deserializer::from_str(text))?;
        spec.validate()?;
        Ok(spec)
    }

    pub fn validate(&self) -> Result<()> {
        if !self.base.is_object() {
            return Err(Error::invalid("base", "must be an object (a config)"));
        }
        if !self.schedule.is_object() {
            return Err(Error::invalid("schedule", "must be an object"));
        }
        if self.seeds.is_empty() {
            return Err(Error::invalid("seeds", "needs at least one seed"));
        }
        for (i, axis) in self.axes.iter().enumerate() {
            let field = format!("axes[{i}]");
            if axis.key.is_empty() || axis.key.split('.').any(str::is_empty) {
                return Err(Error::invalid(
                    format!("{field}.key"),
                    format!("`{}` is not a config key", axis.key),
                ));
            }
            if axis.key == "seed" {
                return Err(Error::invalid(
                    format!("{field}.key"),
                    "seeds are the spec's `seeds`, not an axis",
                ));
            }
            if axis.values.is_empty() {
                return Err(Error::invalid(
                    format!("{field}.values"),
                    "needs at least one value",
                ));
            }
            if self.axes[..i].iter().any(|a| a.key == axis.key) {
                return Err(Error::invalid(
                    format!("{field}.key"),
                    format!("`{}` is already an axis", axis.key),
                ));
            }
        }
        Ok(())
    }

    /// Every run, in order: seeds outermost, then each axis, the last varying fastest.
    pub fn runs(&self) -> Result<Vec<PlannedRun>> {
        let mut points: Vec<BTreeMap<String, Value>> = vec![BTreeMap::new()];
        for axis in &self.axes {
            points = points
                .into_iter()
                .flat_map(|p| {
                    axis.values.iter().map(move |v| {
                        let mut q = p.clone();
                        q.insert(axis.key.clone(), v.clone());
                        q
                    })
                })
                .collect();
        }
        let mut runs = Vec::with_capacity(self.seeds.len() * points.len());
        for &seed in &self.seeds {
            for settings in &points {
                let mut config = self.base.clone();
                for (key, value) in settings {
                    set_path(&mut config, key, value.clone())?;
                }
                set_path(&mut config, "seed", Value::from(seed))?;
                runs.push(PlannedRun {
                    index: runs.len(),
                    seed,
                    settings: settings.clone(),
                    config,
                });
            }
        }
        Ok(runs)
    }
}

/// Shard `index` of `count`: the runs whose index is `index` modulo `count` (round robin, so
/// shards of a grid ordered by size get a mix of long and short runs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl Shard {
    pub const WHOLE: Self = Self { index: 0, count: 1 };

    /// `i/N` with i < N (0-based, as Slurm's array task ids).
    pub fn parse(flag: &str, text: &str) -> Result<Self> {
        let bad = || {
            Error::invalid(
                flag,
                format!("`{text}` is not a shard `i/N` with 0 ≤ i < N (e.g. `0/4`)"),
            )
        };
        let (i, n) = text.split_once('/').ok_or_else(bad)?;
        let (index, count) = (
            i.trim().parse::<u32>().map_err(|_| bad())?,
            n.trim().parse::<u32>().map_err(|_| bad())?,
        );
        if count == 0 || index >= count {
            return Err(bad());
        }
        Ok(Self { index, count })
    }

    pub fn holds(&self, run: usize) -> bool {
        run % self.count as usize == self.index as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A 2 × 3 grid over two seeds (also the records' tests' sweep).
    pub(super) fn spec() -> SweepSpec {
        SweepSpec::from_json(
            &json!({
                "experiment": "markov",
                "base": {"task": {"states": 3}, "width": 16},
                "axes": [
                    {"key": "task.states", "values": [2, 3]},
                    {"key": "learningRate", "values": [0.001, 0.002, 0.004]}
                ],
                "seeds": [0, 1],
                "schedule": {"steps": 10}
            })
            .to_string(),
        )
        .expect("spec")
    }

    #[test]
    fn runs_are_the_grid_times_the_seeds_in_order() {
        let runs = spec().runs().expect("runs");
        assert_eq!(runs.len(), 12);
        assert_eq!(
            runs[0].config,
            json!({"task": {"states": 2}, "width": 16, "learningRate": 0.001, "seed": 0})
        );
        assert_eq!(runs[5].config["task"]["states"], json!(3));
        assert_eq!(runs[5].config["learningRate"], json!(0.004));
        assert_eq!(runs[6].seed, 1);
        assert_eq!(runs[11].index, 11);
        // every run differs from every other
        for (i, a) in runs.iter().enumerate() {
            for b in &runs[i + 1..] {
                assert_ne!(a.config, b.config);
            }
        }
    }

    #[test]
    fn shards_split_the_runs_once_each() {
        let runs = spec().runs().expect("runs");
        let shards: Vec<Shard> = (0..5)
            .map(|i| Shard::parse("--shard", &format!("{i}/5")).expect("shard"))
            .collect();
        for run in &runs {
            assert_eq!(shards.iter().filter(|s| s.holds(run.index)).count(), 1);
        }
        for bad in ["5/5", "1/0", "a/2", "3", "-1/2"] {
            let e = Shard::parse("--shard", bad).expect_err(bad);
            assert_eq!(e.field(), Some("--shard"), "{bad}");
        }
    }

    #[test]
    fn bad_specs_name_the_field() {
        let field = |v: Value| {
            SweepSpec::from_json(&v.to_string())
                .expect_err("invalid")
                .field()
                .map(str::to_owned)
        };
        assert_eq!(
            field(json!({"experiment": "markov", "seeds": []})).as_deref(),
            Some("seeds")
        );
        assert_eq!(
            field(json!({"experiment": "markov", "seeds": [0], "axes": [{"key": "seed", "values": [1]}]})).as_deref(),
            Some("axes[0].key")
        );
        assert_eq!(
            field(json!({"experiment": "markov", "seeds": [0], "axes": [{"key": "width", "values": []}]})).as_deref(),
            Some("axes[0].values")
        );
        assert_eq!(
            field(json!({"experiment": "markov", "seeds": [0], "base": 3})).as_deref(),
            Some("base")
        );
        assert!(field(json!({"experiment": "nope", "seeds": [0]})).is_some());
    }
}
