//! The runs of a sweep on a pool of threads, each run's record kept as it finishes.

use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use iclab::sweep::{Machine, PlannedRun, RunRecord, SweepSpec, keep};
use iclab::{Error, Result};
use serde_json::{Value, json};

use super::experiments::{execute, width_and_device};
use crate::emit;

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
pub(super) fn run_pool(
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
    // runs at once: what a wide run's threads are shared by
    let at_once = jobs.min(total).max(1);
    std::thread::scope(|scope| {
        for _ in 0..at_once {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(run) = todo.get(i) else { break };
                    let started = std::time::Instant::now();
                    let outcome = width_and_device(spec, run)
                        .and_then(|(width, device)| {
                            let threads = crate::threads::for_run(width, device, at_once);
                            crate::threads::within(threads, || {
                                pollster::block_on(execute(spec, dir, run))
                            })
                            .map(|result| (result, threads))
                        })
                        .and_then(|(result, threads)| {
                            let record = RunRecord {
                                index: run.index,
                                experiment: spec.experiment,
                                seed: run.seed,
                                settings: run.settings.clone(),
                                config: run.config.clone(),
                                schedule: spec.schedule.clone(),
                                result,
                                wall_seconds: started.elapsed().as_secs_f64(),
                                threads: Some(threads),
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
