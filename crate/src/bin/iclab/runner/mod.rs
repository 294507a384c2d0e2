//! `iclab sweep run|merge|status|slurm`: one sweep runner for every experiment
//! (`iclab::sweep`: the spec, its runs, shards and records). `run` executes a spec's runs — or
//! one shard's — on a pool of threads (`--jobs`, default every core: each run's training step is
//! single-threaded, so independent runs are what fills a machine), writing each run's record as
//! it finishes and skipping runs already recorded; `merge` writes the experiment's sweep JSON
//! (the format the site ships, findings computed by the core) with every run's machine; `slurm`
//! writes a job array with one task per shard and the merge as a dependent job.

mod experiments;
mod pool;
mod slurm;

use std::path::{Path, PathBuf};

use clap::Subcommand;
use iclab::sweep::{RunRecord, Shard, SweepSpec, collect, finished};
use iclab::{Error, Result};
use serde_json::json;

use crate::{emit, read_text};
use experiments::{check, merged};
use pool::run_pool;

#[derive(Subcommand)]
pub enum SweepCommand {
    /// Runs the spec's runs (or one shard's) on a pool of threads; each run's record goes to
    /// `DIR/runs/` as it finishes, and a run already recorded there is skipped (an interrupted
    /// sweep resumes).
    Run {
        /// The sweep spec (JSON: experiment, base, axes, seeds, schedule).
        spec: PathBuf,
        /// Where the records go (default: next to the spec, `<spec>.runs`).
        #[arg(long)]
        dir: Option<PathBuf>,
        /// Runs at once (default: every core).
        #[arg(long)]
        jobs: Option<usize>,
        /// Only shard `i/N` (0 ≤ i < N): every N-th run from the i-th.
        #[arg(long)]
        shard: Option<String>,
    },
    /// Reads every run's record and writes the sweep's JSON (the experiment's format, with its
    /// findings, each run's wall time and the machines); refuses while a run is missing. Several
    /// specs of one experiment (e.g. longer runs of a few settings) merge into one sweep, each
    /// from its own default folder; the first spec's base config is the sweep's.
    Merge {
        #[arg(required = true)]
        specs: Vec<PathBuf>,
        /// The records' folder (one spec only).
        #[arg(long)]
        dir: Option<PathBuf>,
        /// The merged sweep (default: `DIR/sweep.json`).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Checks the spec and every run's config, and says which runs are recorded and which are
    /// still to run.
    Status {
        spec: PathBuf,
        #[arg(long)]
        dir: Option<PathBuf>,
    },
    /// Writes a Slurm job array (one array task per shard, `--cpus-per-task` threads each) and
    /// the merge as a job that waits for it: `DIR/slurm/{array,merge}.sbatch` and `submit.sh`.
    Slurm(slurm::SlurmArgs),
}

fn read_spec(path: &Path) -> Result<SweepSpec> {
    SweepSpec::from_json(&read_text("spec", path)?).map_err(|e| e.within("spec"))
}

fn dir_for(spec: &Path, dir: Option<PathBuf>) -> PathBuf {
    dir.unwrap_or_else(|| spec.with_extension("runs"))
}

/// `path` made absolute (Slurm jobs start elsewhere).
fn absolute(flag: &str, path: &Path) -> Result<PathBuf> {
    std::path::absolute(path)
        .map_err(|e| Error::invalid(flag, format!("cannot resolve {}: {e}", path.display())))
}

pub async fn command(json: bool, command: SweepCommand) -> Result<()> {
    match command {
        SweepCommand::Run {
            spec: path,
            dir,
            jobs,
            shard,
        } => {
            let spec = read_spec(&path)?;
            let dir = dir_for(&path, dir);
            let shard = match &shard {
                Some(s) => Shard::parse("--shard", s)?,
                None => Shard::WHOLE,
            };
            let jobs = match jobs {
                Some(0) => return Err(Error::invalid("--jobs", "must be at least 1")),
                Some(n) => n,
                None => std::thread::available_parallelism().map_or(1, usize::from),
            };
            let runs = spec.runs()?;
            check(&spec, &runs)?;
            let mut todo = Vec::new();
            let mut skipped = 0;
            for run in runs.into_iter().filter(|r| shard.holds(r.index)) {
                if finished(&dir, &spec, &run)?.is_some() {
                    skipped += 1;
                } else {
                    todo.push(run);
                }
            }
            eprintln!(
                "{} runs to go, {skipped} already recorded in {} (shard {}/{}, {jobs} at once)",
                todo.len(),
                dir.display(),
                shard.index,
                shard.count
            );
            let started = std::time::Instant::now();
            run_pool(&spec, &dir, &todo, jobs, json)?;
            eprintln!(
                "shard {}/{}: {} runs in {:.0} s",
                shard.index,
                shard.count,
                todo.len(),
                started.elapsed().as_secs_f64()
            );
        }
        SweepCommand::Merge { specs, dir, out } => {
            if dir.is_some() && specs.len() > 1 {
                return Err(Error::invalid(
                    "--dir",
                    "names one folder: with several specs each is read from its own default folder",
                ));
            }
            let mut read = Vec::with_capacity(specs.len());
            for path in &specs {
                read.push((path, read_spec(path)?));
            }
            let experiment = read[0].1.experiment;
            if let Some((path, other)) = read.iter().find(|p| p.1.experiment != experiment) {
                return Err(Error::invalid(
                    "spec",
                    format!(
                        "{} is a {} sweep, not {}: one merge holds one experiment",
                        path.display(),
                        other.experiment.name(),
                        experiment.name()
                    ),
                ));
            }
            let mut parts = Vec::with_capacity(read.len());
            for (path, spec) in read {
                let folder = dir_for(path, dir.clone());
                let records = collect(&folder, &spec)?;
                parts.push((path, spec, folder, records));
            }
            let first_dir = parts[0].2.clone();
            let commands: Vec<String> = parts
                .iter()
                .map(|(path, ..)| format!("iclab sweep run {}", path.display()))
                .collect();
            let specs_only: Vec<&SweepSpec> = parts.iter().map(|p| &p.1).collect();
            let records: Vec<RunRecord> = parts.iter().flat_map(|p| p.3.clone()).collect();
            let value = merged(&specs_only, &records, commands)?;
            let out = out.unwrap_or_else(|| first_dir.join("sweep.json"));
            let text =
                serde_json::to_string_pretty(&value).map_err(|e| Error::backend(e.to_string()))?;
            crate::write_atomic("--out", &out, text.as_bytes())?;
            emit(
                json,
                json!({ "out": out.display().to_string(), "runs": records.len() }),
                || format!("merged {} runs into {}", records.len(), out.display()),
            );
        }
        SweepCommand::Status { spec: path, dir } => {
            let spec = read_spec(&path)?;
            let dir = dir_for(&path, dir);
            let runs = spec.runs()?;
            check(&spec, &runs)?;
            let mut missing = Vec::new();
            for run in &runs {
                if finished(&dir, &spec, run)?.is_none() {
                    missing.push(run.index);
                }
            }
            emit(
                json,
                json!({ "runs": runs.len(), "recorded": runs.len() - missing.len(), "missing": missing }),
                || {
                    format!(
                        "{} of {} runs recorded in {}{}",
                        runs.len() - missing.len(),
                        runs.len(),
                        dir.display(),
                        if missing.is_empty() {
                            String::new()
                        } else {
                            format!("; to run: {missing:?}")
                        }
                    )
                },
            );
        }
        SweepCommand::Slurm(args) => slurm::command(json, args)?,
    }
    Ok(())
}
