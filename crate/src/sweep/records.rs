//! A sweep's runs as files: each finished run's record in `DIR/runs/NNNNN.json`, written through
//! a rename; reading one back refuses a record of another spec, and the merge's collection
//! names the runs still missing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Experiment, PlannedRun, SweepSpec};
use crate::{Error, Result};

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
    /// CPU threads the run's kernels had (absent in records from before runs chose them: one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threads: Option<usize>,
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
    use super::super::tests::spec;
    use super::*;
    use serde_json::json;

    #[test]
    fn records_resume_and_refuse_another_sweep() {
        let dir =
            std::env::temp_dir().join(format!("iclab-sweep-records-test-{}", std::process::id()));
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
            threads: Some(1),
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
