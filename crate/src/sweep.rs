//! Sweeps of any experiment (docs/CLI.md, "Sweeps on every core and on a cluster"): a spec — the
//! experiment, the config every run starts from, the axes that vary and the seeds — expands to a
//! fixed, ordered list of runs; a shard `i/N` is every N-th run from the i-th; each finished run
//! is kept as its own file, so an interrupted sweep resumes and shards on different machines
//! write into one folder; the merge reads them all back, refusing a folder with a run missing or
//! a run of another spec. What a run *is* and when two are the same is decided here; the CLI
//! runs them (a pool of threads, or one Slurm array task per shard).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{Error, Result};

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

/// Where and on what a run ran.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Machine {
    pub host: String,
    /// Cores the process could use.
    pub cores: usize,
    pub os: String,
    pub arch: String,
    /// iclab's version.
    pub iclab: String,
}

impl Machine {
    pub fn this() -> Self {
        let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
            .map(|h| h.trim().to_owned())
            .ok()
            .or_else(|| std::env::var("HOSTNAME").ok())
            .unwrap_or_else(|| "unknown".to_owned());
        Self {
            host,
            cores: std::thread::available_parallelism().map_or(1, usize::from),
            os: std::env::consts::OS.to_owned(),
            arch: std::env::consts::ARCH.to_owned(),
            iclab: env!("CARGO_PKG_VERSION").to_owned(),
        }
    }
}

/// A finished run, as kept in `DIR/runs/NNNNN.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunRecord {
    pub index: usize,
    pub experiment: Experiment,
    pub seed: u32,
    pub settings: BTreeMap<String, Value>,
    pub config: Value,
    pub schedule: Value,
    /// The experiment's result for this run.
    pub result: Value,
    pub wall_seconds: f64,
    pub machine: Machine,
}

impl RunRecord {
    /// Whether this record is `run` of `spec`: the same experiment, config and schedule.
    pub fn is(&self, spec: &SweepSpec, run: &PlannedRun) -> bool {
        self.index == run.index
            && self.experiment == spec.experiment
            && self.config == run.config
            && self.schedule == spec.schedule
    }
}

/// The file a run's record is kept in.
pub fn record_path(dir: &Path, index: usize) -> PathBuf {
    dir.join("runs").join(format!("{index:05}.json"))
}

/// The record of `run` in `dir`, if it finished there; a record of another run in its place is
/// an error naming the folder (a folder holds one sweep).
pub fn finished(dir: &Path, spec: &SweepSpec, run: &PlannedRun) -> Result<Option<RunRecord>> {
    let path = record_path(dir, run.index);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(Error::invalid(
                "--dir",
                format!("cannot read {}: {e}", path.display()),
            ));
        }
    };
    let record: RunRecord = serde_json::from_str(&text).map_err(|e| {
        Error::invalid(
            "--dir",
            format!("{} is not a run record: {e}", path.display()),
        )
    })?;
    if !record.is(spec, run) {
        return Err(Error::invalid(
            "--dir",
            format!(
                "{} holds run {} of another sweep (its config or schedule differ from this \
                 spec's); give this sweep its own folder",
                path.display(),
                run.index
            ),
        ));
    }
    Ok(Some(record))
}

/// Writes a run's record through a temporary file and a rename: a run stopped halfway leaves
/// no record, so it runs again on resume.
pub fn keep(dir: &Path, record: &RunRecord) -> Result<()> {
    let path = record_path(dir, record.index);
    let fail = |e: std::io::Error| {
        Error::invalid("--dir", format!("cannot write {}: {e}", path.display()))
    };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(fail)?;
    }
    let text = serde_json::to_string_pretty(record).map_err(|e| Error::backend(e.to_string()))?;
    // unique per process and thread: shards on several machines may share the folder
    let tmp = path.with_extension(format!(
        "{}-{:?}.tmp",
        std::process::id(),
        std::thread::current().id()
    ));
    std::fs::write(&tmp, text)
        .and_then(|()| std::fs::rename(&tmp, &path))
        .map_err(fail)
}

/// Every run's record, in order; an error naming the runs still missing (and how many) if any.
pub fn collect(dir: &Path, spec: &SweepSpec) -> Result<Vec<RunRecord>> {
    let runs = spec.runs()?;
    let mut records = Vec::with_capacity(runs.len());
    let mut missing = Vec::new();
    for run in &runs {
        match finished(dir, spec, run)? {
            Some(r) => records.push(r),
            None => missing.push(run.index),
        }
    }
    if !missing.is_empty() {
        let shown: Vec<String> = missing.iter().take(10).map(usize::to_string).collect();
        return Err(Error::invalid(
            "--dir",
            format!(
                "{} of {} runs have no record in {} yet (runs {}{}); run the missing shards, \
                 then merge again",
                missing.len(),
                runs.len(),
                dir.display(),
                shown.join(", "),
                if missing.len() > shown.len() {
                    ", …"
                } else {
                    ""
                }
            ),
        ));
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec() -> SweepSpec {
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

    #[test]
    fn records_resume_and_refuse_another_sweep() {
        let dir = std::env::temp_dir().join(format!("iclab-sweep-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let spec = spec();
        let runs = spec.runs().expect("runs");
        assert!(finished(&dir, &spec, &runs[3]).expect("read").is_none());
        let record = RunRecord {
            index: 3,
            experiment: spec.experiment,
            seed: runs[3].seed,
            settings: runs[3].settings.clone(),
            config: runs[3].config.clone(),
            schedule: spec.schedule.clone(),
            result: json!({"ok": true}),
            wall_seconds: 1.0,
            machine: Machine::this(),
        };
        keep(&dir, &record).expect("keep");
        assert_eq!(finished(&dir, &spec, &runs[3]).expect("read"), Some(record));
        let missing = collect(&dir, &spec).expect_err("11 missing");
        assert!(missing.to_string().contains("11 of 12 runs"), "{missing}");
        let mut other = spec.clone();
        other.schedule = json!({"steps": 20});
        let e = finished(&dir, &other, &runs[3]).expect_err("another sweep");
        assert_eq!(e.field(), Some("--dir"));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
