//! What each experiment's run is for the runner: its schedule, the check of every run's config
//! before anything runs, running one, and merging the records into the experiment's own format.

use std::path::Path;

use iclab::device::DeviceChoice;
use iclab::sweep::{Experiment, Machine, PlannedRun, RunRecord, SweepSpec};
use iclab::{Error, Result};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::to_json;

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
pub(super) fn check(spec: &SweepSpec, runs: &[PlannedRun]) -> Result<()> {
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

/// A run's model width and device: what its CPU threads are chosen by (crate::threads).
pub(super) fn width_and_device(
    spec: &SweepSpec,
    run: &PlannedRun,
) -> Result<(usize, DeviceChoice)> {
    let text = run.config.to_string();
    Ok(match spec.experiment {
        Experiment::Markov => {
            let c = iclab::markov::session::MarkovRunConfig::from_json(&text)?;
            (c.width as usize, c.device)
        }
        Experiment::Classify => {
            let c = iclab::classify::ClassifyConfig::from_json(&text)?;
            (c.d_model as usize, c.device)
        }
        Experiment::Diversity => {
            let c = iclab::SessionConfig::from_json(&text)?;
            (c.shape().d_model, c.device)
        }
    })
}

/// Runs one run of the spec (its files, if any, under `dir`); its result as the experiment
/// reports it.
pub(super) async fn execute(spec: &SweepSpec, dir: &Path, run: &PlannedRun) -> Result<Value> {
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

/// Every record's result as the experiment's run type.
fn results<T: for<'de> Deserialize<'de>>(records: &[RunRecord]) -> Result<Vec<T>> {
    records
        .iter()
        .map(|r| {
            serde_json::from_value(r.result.clone())
                .map_err(|e| Error::invalid("--dir", format!("run {}: {e}", r.index)))
        })
        .collect()
}

/// The merged sweep: the experiment's own format where it has one, with the runner's account.
pub(super) fn merged(
    specs: &[&SweepSpec],
    records: &[RunRecord],
    commands: Vec<String>,
) -> Result<Value> {
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
            "threads": r.threads.unwrap_or(1),
            "host": r.machine.host,
        })).collect::<Vec<_>>(),
        "wallSeconds": records.iter().map(|r| r.wall_seconds).sum::<f64>(),
    });
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
            let runs: Vec<iclab::classify::Run> = results(records)?;
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
            let runs: Vec<iclab::icl::diversity::SweepRun> = results(records)?;
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
