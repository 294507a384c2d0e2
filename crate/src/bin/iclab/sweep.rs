//! `iclab icl sweep`: task diversity (SCIENCE.md §5, Raventós et al. 2023). One model per pool
//! size M and seed, each evaluated on its pool's tasks and on fresh ones against dMMSE (the
//! posterior over the pool) and ridge with λ = σ² (the posterior under the Gaussian prior); where
//! it sits between them, and the sweep's findings, are the core's (`iclab::icl::diversity`).
//!
//! `--out DIR` keeps `DIR/sweep.json`: a later command with the same settings adds its runs to
//! it (a run already there, same M, seed and steps, is skipped, so an interrupted sweep resumes),
//! which is how longer runs of some M join the shipped sweep.

use std::path::Path;

use iclab::icl::baselines::BaselineKind;
use iclab::icl::diversity::{DiversitySweep, Standing, SweepRun};
use iclab::icl::evaluate::{EvalConfig, EvalResult, EvalTasks};
use iclab::{Error, Result, Session, SessionConfig};

/// The comma-separated pool sizes (`inf`/`none` for fresh tasks).
pub fn parse_pools(text: &str) -> Result<Vec<Option<u32>>> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| match s {
            "inf" | "none" | "∞" => Ok(None),
            n => n.parse::<u32>().map(Some).map_err(|_| {
                Error::invalid(
                    "--pools",
                    format!("`{n}` is not a pool size (a whole number or inf)"),
                )
            }),
        })
        .collect::<Result<Vec<_>>>()
        .and_then(|p| {
            if p.is_empty() {
                Err(Error::invalid("--pools", "needs at least one pool size"))
            } else {
                Ok(p)
            }
        })
}

/// The comma-separated seeds.
pub fn parse_seeds(text: &str) -> Result<Vec<u32>> {
    let seeds = text
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<u32>()
                .map_err(|_| Error::invalid("--seeds", format!("`{s}` is not a seed")))
        })
        .collect::<Result<Vec<_>>>()?;
    if seeds.is_empty() {
        return Err(Error::invalid("--seeds", "needs at least one seed"));
    }
    Ok(seeds)
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len().max(1) as f64
}

fn standing(r: &EvalResult) -> Standing {
    let curve = |m: &str| r.curves.get(m).map(|c| mean(&c.mean));
    let distance = |m: &str| r.distances.get(m).map(|d| mean(d));
    Standing {
        error: curve("model").unwrap_or(f64::NAN),
        dmmse_error: curve("dmmse"),
        ridge_error: curve("bayes_ridge").unwrap_or(f64::NAN),
        distance_dmmse: distance("dmmse"),
        distance_ridge: distance("bayes_ridge").unwrap_or(f64::NAN),
        position: r.position.clone(),
    }
}

/// What every run of a sweep shares.
pub struct Plan<'a> {
    /// The session config each run starts from (its `taskPool` and `seed` are the run's).
    pub base: &'a SessionConfig,
    pub steps: u32,
    /// Steps per training call.
    pub every: u32,
    /// Prompts, probe and baseline options of both evaluations.
    pub eval: &'a EvalConfig,
    /// Where checkpoints go, if anywhere.
    pub out: Option<&'a Path>,
    /// The sweep's own training length: a run of another length gets `-steps-<N>` in its
    /// checkpoint's name, so longer runs never replace the sweep's models.
    pub base_steps: u32,
}

/// Trains and evaluates one run; `progress` gets a line per training call.
pub async fn run_one(
    plan: &Plan<'_>,
    task_pool: Option<u32>,
    seed: u32,
    progress: &mut dyn FnMut(String),
) -> Result<SweepRun> {
    let Plan {
        base,
        steps,
        every,
        eval,
        out,
        base_steps,
    } = *plan;
    let config = SessionConfig {
        task_pool,
        seed,
        ..base.clone()
    };
    config.validate()?;
    let started = std::time::Instant::now();
    let mut session = Session::new(config).await?;
    let mut done = 0;
    let mut final_loss = f64::NAN;
    while done < steps {
        let n = every.min(steps - done);
        let report = session.train(n).await?;
        done += n;
        final_loss = report.normalized_loss;
        progress(format!(
            "M = {} seed {seed}: step {} loss {:.4} ({:.1} steps/s)",
            task_pool.map_or("∞".to_owned(), |m| m.to_string()),
            report.step,
            report.normalized_loss,
            report.steps_per_second
        ));
    }
    // dMMSE exists only for a pool; ridge with λ = σ² for every run
    let baselines = |with_pool: bool| {
        let mut b = vec![BaselineKind::BayesRidge];
        if with_pool {
            b.insert(0, BaselineKind::Dmmse);
        }
        b
    };
    let on = |tasks| EvalConfig {
        tasks,
        baselines: baselines(task_pool.is_some()),
        ..eval.clone()
    };
    let fresh = standing(&session.evaluate(&on(EvalTasks::Fresh)).await?);
    let pool = match task_pool {
        Some(_) => Some(standing(&session.evaluate(&on(EvalTasks::Pool)).await?)),
        None => None,
    };
    let checkpoint = match out {
        Some(dir) => {
            let m = task_pool.map_or("inf".to_owned(), |m| m.to_string());
            let name = if steps == base_steps {
                format!("pool-{m}-seed-{seed}.safetensors")
            } else {
                format!("pool-{m}-seed-{seed}-steps-{steps}.safetensors")
            };
            super::write_atomic("--out", &dir.join(&name), &session.save().await?)?;
            Some(name)
        }
        None => None,
    };
    Ok(SweepRun {
        task_pool,
        seed,
        steps,
        decay_steps: base.decay_steps,
        final_loss,
        wall_seconds: started.elapsed().as_secs_f64(),
        pool,
        fresh,
        checkpoint,
    })
}

/// Writes `record` to `DIR/sweep.json` (atomically: a run stopped mid-write keeps the last file).
pub fn save(dir: &Path, record: &DiversitySweep) -> Result<()> {
    super::write_atomic(
        "--out",
        &dir.join("sweep.json"),
        super::to_json(record).to_string().as_bytes(),
    )
}

/// `DIR/sweep.json` when it exists and was written with these settings (seed and decay aside),
/// or `None` for a new sweep; a file of other settings is an error naming `--out`.
pub fn existing(
    dir: &Path,
    base: &SessionConfig,
    eval: &EvalConfig,
) -> Result<Option<DiversitySweep>> {
    let path = dir.join("sweep.json");
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
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
        commands: Vec<String>,
        config: SessionConfig,
        evaluation: EvalConfig,
        runs: Vec<SweepRun>,
    }
    let stored: Stored = serde_json::from_str(&text).map_err(|e| {
        Error::invalid(
            "--out",
            format!("{} is not a sweep iclab wrote: {e}", path.display()),
        )
    })?;
    let neutral = |c: &SessionConfig| SessionConfig {
        seed: 0,
        decay_steps: 0,
        task_pool: None,
        ..c.clone()
    };
    let sweep = DiversitySweep::new(
        stored.commands,
        stored.config,
        stored.evaluation,
        stored.runs,
    );
    if neutral(&sweep.config) != neutral(base) || sweep.evaluation != *eval {
        return Err(Error::invalid(
            "--out",
            format!(
                "{} holds a sweep of other settings (task, model, schedule or evaluation); use another directory",
                path.display()
            ),
        ));
    }
    Ok(Some(sweep))
}

/// One line of the text table.
pub fn row(r: &SweepRun) -> String {
    let m = r.task_pool.map_or("∞".to_owned(), |m| m.to_string());
    let num = |v: Option<f64>| v.map_or("–".to_owned(), |v| format!("{v:.4}"));
    let pool = r
        .pool
        .as_ref()
        .map_or("           –              –".to_owned(), |p| {
            format!("{:>12}   {:>12.4}", num(p.distance_dmmse), p.distance_ridge)
        });
    let position = r
        .fresh
        .position
        .as_ref()
        .map_or("     –        –".to_owned(), |p| {
            format!("{:>6.2}   {:>6.3}", p.fraction, p.span)
        });
    format!(
        "{m:>8} {:>5} {:>6}  {pool}   {:>12}   {:>12.4}   {position}   {:>8.4}  {:>7.0} s",
        r.seed,
        r.steps,
        num(r.fresh.distance_dmmse),
        r.fresh.distance_ridge,
        r.fresh.error,
        r.wall_seconds
    )
}

pub const HEADER: &str = "       M  seed  steps  pool: to dMMSE  to ridge      fresh: to dMMSE  to ridge   place  dMMSE–ridge  error      wall";

/// The findings as text: the crossover at each training length, then what longer training did.
pub fn findings(s: &DiversitySweep) -> String {
    let f = &s.findings;
    f.crossovers
        .iter()
        .map(|c| c.statement.clone())
        .chain(f.longer.iter().map(|m| m.statement.clone()))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pools_and_seeds_parse_and_bad_ones_name_the_flag() {
        assert_eq!(
            parse_pools("1, 4,inf").expect("pools"),
            vec![Some(1), Some(4), None]
        );
        assert_eq!(parse_pools("x").expect_err("bad").field(), Some("--pools"));
        assert_eq!(parse_pools("").expect_err("empty").field(), Some("--pools"));
        assert_eq!(parse_seeds("0,3").expect("seeds"), vec![0, 3]);
        assert_eq!(parse_seeds("-1").expect_err("bad").field(), Some("--seeds"));
    }
}
