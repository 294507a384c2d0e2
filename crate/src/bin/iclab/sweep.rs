//! `iclab icl sweep`: task diversity (SCIENCE.md §5, Raventós et al. 2023). One model per pool
//! size M and seed, each evaluated on its pool's tasks and on fresh ones against dMMSE (the
//! posterior over the pool) and ridge with λ = σ² (the posterior under the Gaussian prior).
//! Below the task-diversity threshold a model sits near dMMSE; above it, near ridge.

use std::path::{Path, PathBuf};

use iclab::icl::baselines::BaselineKind;
use iclab::icl::evaluate::{EvalConfig, EvalResult, EvalTasks};
use iclab::{Error, Result, Session, SessionConfig};
use serde::Serialize;

/// A run's numbers on one set of tasks, each averaged over k (Raventós et al.'s Eq. 4 averages
/// the per-position distance over positions).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Standing {
    /// The model's normalized error.
    pub error: f64,
    /// dMMSE's and ridge's errors on the same prompts.
    pub dmmse_error: f64,
    pub ridge_error: f64,
    /// The model's distance to each: mean squared difference of predictions ÷ d.
    pub distance_dmmse: f64,
    pub distance_ridge: f64,
}

/// One (M, seed) run.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SweepRun {
    /// M; `null` for a fresh task per prompt.
    pub task_pool: Option<u32>,
    pub seed: u32,
    pub steps: u32,
    pub final_loss: f64,
    pub wall_seconds: f64,
    /// On the pool's own tasks (absent for M = ∞).
    pub pool: Option<Standing>,
    /// On fresh tasks.
    pub fresh: Standing,
    /// The checkpoint, when `--out` was given.
    pub checkpoint: Option<String>,
}

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
    let curve = |m: &str| r.curves.get(m).map_or(f64::NAN, |c| mean(&c.mean));
    let distance = |m: &str| r.distances.get(m).map_or(f64::NAN, |d| mean(d));
    Standing {
        error: curve("model"),
        dmmse_error: curve("dmmse"),
        ridge_error: curve("bayes_ridge"),
        distance_dmmse: distance("dmmse"),
        distance_ridge: distance("bayes_ridge"),
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
            let name = format!(
                "pool-{}-seed-{seed}.safetensors",
                task_pool.map_or("inf".to_owned(), |m| m.to_string())
            );
            let path: PathBuf = dir.join(name);
            super::write_atomic("--out", &path, &session.save().await?)?;
            Some(path.display().to_string())
        }
        None => None,
    };
    Ok(SweepRun {
        task_pool,
        seed,
        steps,
        final_loss,
        wall_seconds: started.elapsed().as_secs_f64(),
        pool,
        fresh,
        checkpoint,
    })
}

/// One line of the text table.
pub fn row(r: &SweepRun) -> String {
    let m = r.task_pool.map_or("∞".to_owned(), |m| m.to_string());
    let pool = r
        .pool
        .as_ref()
        .map_or("           –              –".to_owned(), |p| {
            format!("{:>12.4}   {:>12.4}", p.distance_dmmse, p.distance_ridge)
        });
    format!(
        "{m:>8} {:>5}  {pool}   {:>12.4}   {:>12.4}   {:>8.4}  {:>7.0} s",
        r.seed, r.fresh.distance_dmmse, r.fresh.distance_ridge, r.fresh.error, r.wall_seconds
    )
}

pub const HEADER: &str =
    "       M  seed  pool: to dMMSE  to ridge      fresh: to dMMSE  to ridge  error      wall";

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
