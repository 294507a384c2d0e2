//! The memory model against the memory really allocated. Each measurement runs in a process of
//! its own (this binary again, `one_measurement`), whose allocator counts every byte (`cap`): the
//! peak a call reaches above what was allocated before it is compared with the estimate the core
//! refuses calls by (`too_large`), over a grid of presets × sizes, for training, evaluation,
//! layers and the classification experiment. Within 20% each way (or 4 MiB, for calls of a few
//! MiB, where fixed costs are most of what they allocate).
//!
//! The wasm heap is this plus its allocator's slack (it grows and never shrinks); the browser's
//! limit leaves room for that (crate/src/memory.rs).
#![cfg(not(target_family = "wasm"))]

use std::process::Command;

use cap::Cap;
use iclab::SessionConfig;
use iclab::classify::{ClassifyConfig, ClassifySession};
use iclab::icl::evaluate::{self, EvalConfig};
use iclab::icl::layers::LayersConfig;
use iclab::icl::session::Session;

#[global_allocator]
static ALLOCATOR: Cap<std::alloc::System> = Cap::new(std::alloc::System, usize::MAX);

const MEASURE: &str = "ICLAB_MEASURE";

/// Runs one `kind|json` measurement in a fresh process: (estimated, measured) bytes.
fn measure(kind: &str, json: &str) -> (u64, u64) {
    let out = Command::new(std::env::current_exe().expect("test binary"))
        .args(["--ignored", "--exact", "one_measurement", "--nocapture"])
        .env(MEASURE, format!("{kind}|{json}"))
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .find_map(|l| l.strip_prefix("MEASURED "))
        .unwrap_or_else(|| {
            panic!(
                "{kind} {json}: {text}{}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
    let mut parts = line.split(' ').map(|v| v.parse::<u64>().expect("bytes"));
    (parts.next().expect("estimate"), parts.next().expect("peak"))
}

/// The measurement `ICLAB_MEASURE` names, printed for [`measure`].
#[test]
#[ignore = "one measurement, run in its own process by the grid test"]
fn one_measurement() {
    let Ok(spec) = std::env::var(MEASURE) else {
        return;
    };
    let (kind, json) = spec.split_once('|').expect("kind|json");
    let session_config = || SessionConfig::from_json(json).expect("valid");
    // what the call allocates above what was allocated before it (its session or run included
    // when the call creates it)
    // On one thread of a one-thread pool, as in the browser the model is for (its wasm is
    // single-threaded): natively Flex's rayon kernels would otherwise hold each thread's
    // temporaries and matmul scratch at once.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("a pool");
    let (estimate, peak) = pool.install(|| {
        pollster::block_on(async {
            match kind {
                "train" => {
                    let config = session_config();
                    let before = ALLOCATOR.allocated();
                    let mut session = Session::new(config.clone()).await.expect("session");
                    session.train(2).await.expect("train");
                    (config.memory_estimate().total_bytes, before)
                }
                "evaluate" | "baselines" | "layers" => {
                    let (session_json, call_json) = json.split_once('&').expect("config&options");
                    let config = SessionConfig::from_json(session_json).expect("valid");
                    let session = Session::new(config.clone()).await.expect("session");
                    let before = ALLOCATOR.allocated();
                    let estimate = match kind {
                        "evaluate" => {
                            let eval = EvalConfig::from_json(call_json).expect("valid");
                            session.evaluate(&eval).await.expect("evaluate");
                            config.evaluation_bytes(&eval, true)
                        }
                        "baselines" => {
                            let eval = EvalConfig::from_json(call_json).expect("valid");
                            evaluate::baselines_only(
                                &eval,
                                config.task.kind(),
                                config.task.class(),
                                None,
                                1,
                                config.points as usize,
                                config.dims as usize,
                            )
                            .expect("baselines");
                            config.evaluation_bytes(&eval, false)
                        }
                        _ => {
                            let layers = LayersConfig::from_json(call_json).expect("valid");
                            session.layers(&layers).await.expect("layers");
                            config.layers_bytes(&layers)
                        }
                    };
                    (estimate, before)
                }
                "classify_train" => {
                    let config = ClassifyConfig::from_json(json).expect("valid");
                    let before = ALLOCATOR.allocated();
                    let mut run = ClassifySession::new(config.clone()).await.expect("run");
                    run.train(2).await.expect("train");
                    (config.training_bytes(), before)
                }
                "classify_evaluate" => {
                    let (run_json, prompts) = json.split_once('&').expect("config&prompts");
                    let config = ClassifyConfig::from_json(run_json).expect("valid");
                    let prompts: u32 = prompts.parse().expect("prompts");
                    let mut run = ClassifySession::new(config.clone()).await.expect("run");
                    let before = ALLOCATOR.allocated();
                    run.evaluate(prompts).await.expect("evaluate");
                    (config.evaluation_bytes(prompts), before)
                }
                "continual" => {
                    let config = iclab::continual::run::ClConfig::from_json(json).expect("valid");
                    let before = ALLOCATOR.allocated();
                    let mut run = iclab::continual::run::ClRun::new(&config, None)
                        .await
                        .expect("run");
                    let total = run.total_steps();
                    run.advance(total).await.expect("advance");
                    let stream = run.stream();
                    let data = &stream.tasks[0].train;
                    let shape =
                        iclab::continual::memory::StreamShape::of(stream, data.dim, data.classes);
                    (config.memory_bytes(&shape), before)
                }
                other => panic!("unknown kind {other}"),
            }
        })
    });
    let peak = ALLOCATOR.max_allocated() - peak;
    println!("MEASURED {estimate} {peak}");
}

fn check(kind: &str, json: &str, misses: &mut Vec<String>) {
    let (estimate, measured) = measure(kind, json);
    let ratio = estimate as f64 / measured.max(1) as f64;
    let mib = |b: u64| b as f64 / (1 << 20) as f64;
    println!(
        "{kind} {json}: estimated {:.1} MiB, measured {:.1} MiB (×{ratio:.2})",
        mib(estimate),
        mib(measured)
    );
    // within 20%, or within 4 MiB for calls so small that fixed costs are most of them
    let close = estimate.abs_diff(measured) <= 4 << 20;
    if !(0.8..=1.2).contains(&ratio) && !close {
        misses.push(format!("{kind} {json}: ×{ratio:.2}"));
    }
}

#[test]
fn the_memory_model_is_within_20_percent_of_what_is_allocated() {
    let mut misses = Vec::new();
    for preset in ["tiny", "small"] {
        for model in ["transformer", "xlstm"] {
            for (batch, points) in [(16, 11), (64, 41), (8, 101)] {
                let json = format!(
                    r#"{{"preset": "{preset}", "model": "{model}", "batchSize": {batch}, "points": {points}, "dims": 8, "device": "cpu"}}"#
                );
                check("train", &json, &mut misses);
            }
            let session = format!(
                r#"{{"preset": "{preset}", "model": "{model}", "points": 41, "dims": 8, "device": "cpu"}}"#
            );
            for prompts in [64, 1280] {
                let eval =
                    format!(r#"{{"prompts": {prompts}, "baselines": ["least_squares", "ridge"]}}"#);
                check("evaluate", &format!("{session}&{eval}"), &mut misses);
            }
            for (prompts, fit) in [(64, 128), (256, 512)] {
                let layers = format!(r#"{{"prompts": {prompts}, "fitPrompts": {fit}}}"#);
                check("layers", &format!("{session}&{layers}"), &mut misses);
            }
        }
    }
    for prompts in [256, 2000, 8000] {
        let session = r#"{"dims": 16, "points": 64, "device": "cpu"}"#;
        let eval =
            format!(r#"{{"prompts": {prompts}, "baselines": ["least_squares", "averaging"]}}"#);
        check("baselines", &format!("{session}&{eval}"), &mut misses);
    }
    for (strategy, extra) in [
        ("naive", r#""hidden": [64, 64]"#),
        ("naive", r#""hidden": [512, 512], "batchSize": 256"#),
        ("ewc", r#""hidden": [256, 256]"#),
        ("replay", r#""hidden": [128], "bufferSize": 2000"#),
        ("analytic", r#""features": 512"#),
        ("slda", r#""hidden": [64]"#),
    ] {
        for per_class in [200, 2000] {
            let json = format!(
                r#"{{"strategy": "{strategy}", {extra}, "iterationsPerTask": 20, "evalEvery": 1, "dataset": {{"kind": "two_d", "classes": 6, "perClass": {per_class}}}}}"#
            );
            check("continual", &json, &mut misses);
        }
    }
    for backbone in ["attention_only", "transformer", "xlstm"] {
        for (batch, pairs, dims) in [(32, 8, 16), (128, 8, 63), (16, 16, 16)] {
            let json = format!(
                r#"{{"backbone": "{backbone}", "batchSize": {batch}, "device": "cpu", "task": {{"pairs": {pairs}, "dims": {dims}, "burstiness": 2}}}}"#
            );
            check("classify_train", &json, &mut misses);
            check("classify_evaluate", &format!("{json}&512"), &mut misses);
        }
    }
    assert!(misses.is_empty(), "outside 20%: {misses:#?}");
}
