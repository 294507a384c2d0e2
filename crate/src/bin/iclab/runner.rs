//! `iclab sweep run|merge|status|slurm`: one sweep runner for every experiment
//! (`iclab::sweep`: the spec, its runs, shards and records). `run` executes a spec's runs — or
//! one shard's — on a pool of threads (`--jobs`, default every core: each run's training step is
//! single-threaded, so independent runs are what fills a machine), writing each run's record as
//! it finishes and skipping runs already recorded; `merge` writes the experiment's sweep JSON
//! (the format the site ships, findings computed by the core) with every run's machine; `slurm`
//! writes a job array with one task per shard and the merge as a dependent job.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use clap::Subcommand;
use iclab::sweep::{
    Experiment, Machine, PlannedRun, RunRecord, Shard, SweepSpec, collect, finished, keep,
};
use iclab::{Error, Result};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::{emit, read_text, to_json};

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
    Slurm {
        spec: PathBuf,
        #[arg(long)]
        dir: Option<PathBuf>,
        /// Array tasks: the spec's runs are split round robin into this many shards.
        #[arg(long)]
        shards: u32,
        /// CPUs per array task; each runs this many runs at once.
        #[arg(long, default_value_t = 1)]
        cpus_per_task: u32,
        /// `--time` of each array task (Slurm's format, e.g. `02:00:00`).
        #[arg(long)]
        time: Option<String>,
        #[arg(long)]
        partition: Option<String>,
        /// `--mem` of each array task (e.g. `4G`).
        #[arg(long)]
        mem: Option<String>,
        /// Any other `#SBATCH` line, e.g. `--sbatch=--gres=gpu:1` (repeatable).
        #[arg(long = "sbatch", value_name = "OPTION")]
        sbatch: Vec<String>,
        /// Where the merge writes the sweep (default: `DIR/sweep.json`).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Also submit it (`sbatch`), printing the two job ids.
        #[arg(long)]
        submit: bool,
    },
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

/// The markov experiment's schedule.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
struct MarkovSchedule {
    steps: u32,
    every: u32,
}

impl Default for MarkovSchedule {
    fn default() -> Self {
        Self {
            steps: 1000,
            every: 25,
        }
    }
}

/// The diversity experiment's schedule: training length and both evaluations' options. Each
/// run's model is kept as `DIR/checkpoints/pool-<M>-seed-<s>.safetensors` (`-steps-<N>` added
/// when its steps differ from `baseSteps`, so longer runs never replace the sweep's models).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
struct DiversitySchedule {
    steps: u32,
    every: u32,
    eval: iclab::icl::evaluate::EvalConfig,
    base_steps: Option<u32>,
}

impl Default for DiversitySchedule {
    fn default() -> Self {
        Self {
            steps: 2000,
            every: 100,
            eval: iclab::icl::evaluate::EvalConfig::default(),
            base_steps: None,
        }
    }
}

fn schedule<T: for<'de> Deserialize<'de>>(value: &Value) -> Result<T> {
    iclab::error::deserialize_config::<T, _>(value.clone()).map_err(|e| e.within("schedule"))
}

/// Checks the spec's schedule and every run's config before anything runs.
fn check(spec: &SweepSpec, runs: &[PlannedRun]) -> Result<()> {
    match spec.experiment {
        Experiment::Markov => {
            schedule::<MarkovSchedule>(&spec.schedule)?;
        }
        Experiment::Classify => {
            schedule::<crate::classify::Schedule>(&spec.schedule)?.check()?;
        }
        Experiment::Diversity => {
            schedule::<DiversitySchedule>(&spec.schedule)?;
        }
    }
    for run in runs {
        let within = |e: Error| e.within(&format!("run {}", run.index));
        let text = run.config.to_string();
        match spec.experiment {
            Experiment::Markov => {
                iclab::markov::session::MarkovRunConfig::from_json(&text).map_err(within)?;
            }
            Experiment::Classify => {
                iclab::classify::ClassifyConfig::from_json(&text).map_err(within)?;
            }
            Experiment::Diversity => {
                iclab::SessionConfig::from_json(&text).map_err(within)?;
            }
        }
    }
    Ok(())
}

/// Runs one run of the spec (its files, if any, under `dir`); its result as the experiment
/// reports it.
async fn execute(spec: &SweepSpec, dir: &Path, run: &PlannedRun) -> Result<Value> {
    let text = run.config.to_string();
    match spec.experiment {
        Experiment::Markov => {
            let s: MarkovSchedule = schedule(&spec.schedule)?;
            let config = iclab::markov::session::MarkovRunConfig::from_json(&text)?;
            let (history, parameters) =
                crate::markov::trained(config, s.steps, s.every, &mut |_, _| {}).await?;
            Ok(json!({
                "steps": s.steps,
                "every": s.every,
                "stages": to_json(&crate::markov::seen(&history)),
                "last": to_json(&history.last().map(|e| &e.stage)),
                "parameters": parameters,
            }))
        }
        Experiment::Classify => {
            let s: crate::classify::Schedule = schedule(&spec.schedule)?;
            let config = iclab::classify::ClassifyConfig::from_json(&text)?;
            Ok(to_json(
                &crate::classify::run(config, &s, &mut |_| {}, None).await?,
            ))
        }
        Experiment::Diversity => {
            let s: DiversitySchedule = schedule(&spec.schedule)?;
            let config = iclab::SessionConfig::from_json(&text)?;
            let checkpoints = dir.join("checkpoints");
            std::fs::create_dir_all(&checkpoints).map_err(|e| {
                Error::invalid(
                    "--dir",
                    format!("cannot create {}: {e}", checkpoints.display()),
                )
            })?;
            let plan = crate::sweep::Plan {
                base: &config,
                steps: s.steps,
                every: s.every,
                eval: &s.eval,
                out: Some(&checkpoints),
                base_steps: s.base_steps.unwrap_or(s.steps),
            };
            Ok(to_json(
                &crate::sweep::run_one(&plan, config.task_pool, config.seed, &mut |_| {}).await?,
            ))
        }
    }
}

/// One line per run for a person watching.
fn describe(run: &PlannedRun) -> String {
    let mut parts = vec![format!("seed {}", run.seed)];
    parts.extend(run.settings.iter().map(|(k, v)| match v {
        Value::String(text) => format!("{k} {text}"),
        v => format!("{k} {v}"),
    }));
    parts.join(", ")
}

/// Runs `todo` on `jobs` threads; each finished run is kept before the next starts. Every run is
/// tried; the failures come back together.
fn run_pool(
    spec: &SweepSpec,
    dir: &Path,
    todo: &[PlannedRun],
    jobs: usize,
    json: bool,
) -> Result<()> {
    let next = AtomicUsize::new(0);
    let failures = Mutex::new(Vec::<String>::new());
    let machine = Machine::this();
    let total = todo.len();
    let done = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..jobs.min(total).max(1) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(run) = todo.get(i) else { break };
                    let started = std::time::Instant::now();
                    let outcome = pollster::block_on(execute(spec, dir, run)).and_then(|result| {
                        let record = RunRecord {
                            index: run.index,
                            experiment: spec.experiment,
                            seed: run.seed,
                            settings: run.settings.clone(),
                            config: run.config.clone(),
                            schedule: spec.schedule.clone(),
                            result,
                            wall_seconds: started.elapsed().as_secs_f64(),
                            machine: machine.clone(),
                        };
                        keep(dir, &record).map(|()| record)
                    });
                    let n = done.fetch_add(1, Ordering::SeqCst) + 1;
                    match outcome {
                        Ok(record) => emit(
                            json,
                            json!({
                                "index": record.index,
                                "wallSeconds": record.wall_seconds,
                                "done": n,
                                "of": total,
                            }),
                            || {
                                format!(
                                    "run {} ({}): done in {:.0} s [{n}/{total}]",
                                    run.index,
                                    describe(run),
                                    record.wall_seconds
                                )
                            },
                        ),
                        Err(e) => {
                            eprintln!("run {} ({}): failed: {e}", run.index, describe(run));
                            failures
                                .lock()
                                .unwrap_or_else(|p| p.into_inner())
                                .push(format!("run {}: {e}", run.index));
                        }
                    }
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap_or_else(|p| p.into_inner());
    if failures.is_empty() {
        Ok(())
    } else {
        Err(Error::invalid(
            "spec",
            format!(
                "{} of {total} runs failed (the others are recorded; run again to retry): {}",
                failures.len(),
                failures.join("; ")
            ),
        ))
    }
}

/// The merged sweep: the experiment's own format where it has one, with the runner's account.
fn merged(specs: &[&SweepSpec], records: &[RunRecord], commands: Vec<String>) -> Result<Value> {
    let spec = specs[0];
    let mut machines: Vec<&Machine> = Vec::new();
    for r in records {
        if !machines.contains(&&r.machine) {
            machines.push(&r.machine);
        }
    }
    let runner = json!({
        "specs": specs.iter().map(to_json).collect::<Vec<_>>(),
        "machines": to_json(&machines),
        "runs": records.iter().map(|r| json!({
            "index": r.index,
            "seed": r.seed,
            "settings": to_json(&r.settings),
            "wallSeconds": r.wall_seconds,
            "host": r.machine.host,
        })).collect::<Vec<_>>(),
        "wallSeconds": records.iter().map(|r| r.wall_seconds).sum::<f64>(),
    });
    let parse = |what: &str, v: &Value| -> Result<Value> {
        serde_json::from_value::<Value>(v.clone())
            .map_err(|e| Error::invalid("--dir", format!("{what}: {e}")))
    };
    let mut out = match spec.experiment {
        Experiment::Markov => json!({
            "command": commands.join(" && "),
            "runs": records.iter().map(|r| {
                let mut run = r.result.clone();
                if let Value::Object(map) = &mut run {
                    map.insert("config".into(), r.config.clone());
                    map.insert("wallSeconds".into(), json!(r.wall_seconds));
                }
                run
            }).collect::<Vec<_>>(),
        }),
        Experiment::Classify => {
            let base = iclab::classify::ClassifyConfig::from_json(&spec.base.to_string())?;
            let runs = records
                .iter()
                .map(|r| {
                    serde_json::from_value(parse("a classify run", &r.result)?)
                        .map_err(|e| Error::invalid("--dir", format!("run {}: {e}", r.index)))
                })
                .collect::<Result<Vec<iclab::classify::Run>>>()?;
            to_json(&iclab::classify::ClassifySweep::new(
                commands.join(" && "),
                base,
                runs,
            ))
        }
        Experiment::Diversity => {
            let s: DiversitySchedule = schedule(&spec.schedule)?;
            for other in &specs[1..] {
                if schedule::<DiversitySchedule>(&other.schedule)?.eval != s.eval {
                    return Err(Error::invalid(
                        "spec",
                        "the specs evaluate differently (schedule.eval): one sweep has one evaluation",
                    ));
                }
            }
            let base = iclab::SessionConfig::from_json(&spec.base.to_string())?;
            let runs = records
                .iter()
                .map(|r| {
                    serde_json::from_value(parse("a diversity run", &r.result)?)
                        .map_err(|e| Error::invalid("--dir", format!("run {}: {e}", r.index)))
                })
                .collect::<Result<Vec<iclab::icl::diversity::SweepRun>>>()?;
            to_json(&iclab::icl::diversity::DiversitySweep::new(
                commands, base, s.eval, runs,
            ))
        }
    };
    if let Value::Object(map) = &mut out {
        map.insert("runner".into(), runner);
    }
    Ok(out)
}

fn quote(path: &Path) -> String {
    format!("'{}'", path.display().to_string().replace('\'', r"'\''"))
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
        SweepCommand::Slurm {
            spec: path,
            dir,
            shards,
            cpus_per_task,
            time,
            partition,
            mem,
            sbatch,
            out,
            submit,
        } => {
            let spec = read_spec(&path)?;
            let runs = spec.runs()?;
            check(&spec, &runs)?;
            if shards == 0 {
                return Err(Error::invalid("--shards", "must be at least 1"));
            }
            if cpus_per_task == 0 {
                return Err(Error::invalid("--cpus-per-task", "must be at least 1"));
            }
            let shards = shards.min(runs.len() as u32);
            let spec_path = absolute("spec", &path)?;
            let dir = absolute("--dir", &dir_for(&path, dir))?;
            let out = match out {
                Some(o) => absolute("--out", &o)?,
                None => dir.join("sweep.json"),
            };
            let exe = std::env::current_exe()
                .map_err(|e| Error::backend(format!("cannot find the iclab binary: {e}")))?;
            let scripts = dir.join("slurm");
            std::fs::create_dir_all(&scripts).map_err(|e| {
                Error::invalid("--dir", format!("cannot create {}: {e}", scripts.display()))
            })?;
            let mut header = vec![
                format!("#SBATCH --job-name=iclab-{}", spec.experiment.name()),
                format!("#SBATCH --cpus-per-task={cpus_per_task}"),
            ];
            if let Some(t) = &time {
                header.push(format!("#SBATCH --time={t}"));
            }
            if let Some(p) = &partition {
                header.push(format!("#SBATCH --partition={p}"));
            }
            if let Some(m) = &mem {
                header.push(format!("#SBATCH --mem={m}"));
            }
            for option in &sbatch {
                if !option.starts_with("--") || option.contains('\n') {
                    return Err(Error::invalid(
                        "--sbatch",
                        format!("`{option}` is not one sbatch option such as `--gres=gpu:1`"),
                    ));
                }
                header.push(format!("#SBATCH {option}"));
            }
            let array = format!(
                "#!/bin/bash\n# iclab sweep: {runs} runs of {spec} in {shards} shards, one per array task.\n\
                 #SBATCH --array=0-{last}\n{header}\n#SBATCH --output={logs}/shard-%a.out\n\
                 set -euo pipefail\n\
                 exec {exe} sweep run {spec} --dir {dir} --shard \"$SLURM_ARRAY_TASK_ID/{shards}\" --jobs \"${{SLURM_CPUS_PER_TASK:-{cpus_per_task}}}\"\n",
                runs = runs.len(),
                spec = quote(&spec_path),
                last = shards - 1,
                header = header.join("\n"),
                logs = scripts.display(),
                exe = quote(&exe),
                dir = quote(&dir),
            );
            let merge = format!(
                "#!/bin/bash\n# iclab sweep: merges the array's records once every shard is done.\n\
                 #SBATCH --job-name=iclab-{name}-merge\n#SBATCH --cpus-per-task=1\n{time}{partition}\
                 #SBATCH --output={logs}/merge.out\nset -euo pipefail\n\
                 exec {exe} sweep merge {spec} --dir {dir} --out {out}\n",
                name = spec.experiment.name(),
                time = time
                    .as_ref()
                    .map_or(String::new(), |_| "#SBATCH --time=00:30:00\n".into()),
                partition = partition
                    .as_ref()
                    .map_or(String::new(), |p| format!("#SBATCH --partition={p}\n")),
                logs = scripts.display(),
                exe = quote(&exe),
                spec = quote(&spec_path),
                dir = quote(&dir),
                out = quote(&out),
            );
            let submit_sh = format!(
                "#!/bin/bash\n# Submits the array, then the merge to run after every array task succeeded.\n\
                 set -euo pipefail\ncd {scripts}\n\
                 array=$(sbatch --parsable array.sbatch)\narray=${{array%%;*}}\n\
                 merge=$(sbatch --parsable --kill-on-invalid-dep=yes --dependency=afterok:\"$array\" merge.sbatch)\n\
                 merge=${{merge%%;*}}\necho \"$array $merge\"\n",
                scripts = quote(&scripts),
            );
            for (name, text) in [
                ("array.sbatch", &array),
                ("merge.sbatch", &merge),
                ("submit.sh", &submit_sh),
            ] {
                let file = scripts.join(name);
                crate::write_atomic("--dir", &file, text.as_bytes())?;
            }
            let submit_path = scripts.join("submit.sh");
            let mut ids = None;
            if submit {
                let output = std::process::Command::new("bash")
                    .arg(&submit_path)
                    .output()
                    .map_err(|e| Error::backend(format!("cannot run sbatch: {e}")))?;
                if !output.status.success() {
                    return Err(Error::backend(format!(
                        "sbatch failed: {}",
                        String::from_utf8_lossy(&output.stderr).trim()
                    )));
                }
                let text = String::from_utf8_lossy(&output.stdout).trim().to_owned();
                ids = text
                    .split_once(' ')
                    .map(|(a, m)| (a.to_owned(), m.to_owned()));
            }
            emit(
                json,
                json!({
                    "scripts": scripts.display().to_string(),
                    "shards": shards,
                    "runs": runs.len(),
                    "out": out.display().to_string(),
                    "arrayJob": ids.as_ref().map(|(a, _)| a),
                    "mergeJob": ids.as_ref().map(|(_, m)| m),
                }),
                || match &ids {
                    Some((a, m)) => format!(
                        "submitted array job {a} ({shards} tasks, {} runs) and merge job {m}; the sweep lands in {}",
                        runs.len(),
                        out.display()
                    ),
                    None => format!(
                        "wrote {}/{{array,merge}}.sbatch: {} runs in {shards} array tasks; submit with `bash {}`",
                        scripts.display(),
                        runs.len(),
                        submit_path.display()
                    ),
                },
            );
        }
    }
    Ok(())
}
