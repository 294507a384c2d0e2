//! Tests of the evaluation against exact oracles and by hand.
use super::*;
use crate::icl::curves::error_curve;

fn run(task: TaskKind, baselines: Vec<BaselineKind>, dims: usize, points: usize) -> EvalResult {
    let config = EvalConfig {
        baselines,
        ..Default::default()
    };
    let class = task.class();
    baselines_only(&config, task, class.as_ref(), None, 11, points, dims).expect("baselines")
}

/// SCIENCE.md §1 exact oracle: least squares on noiseless linear data has expected
/// normalized error max(d − k, 0)/d; the bootstrap band must cover it (with a small slack
/// for the 10% of k where a 90% band may miss by chance).
#[test]
fn least_squares_matches_the_oracle() {
    let (d, points) = (5, 11);
    let result = run(
        TaskKind::Linear,
        vec![BaselineKind::LeastSquares],
        d,
        points,
    );
    let curve = &result.curves["least_squares"];
    let mut misses = 0;
    for k in 0..points {
        let oracle = (d as f64 - k as f64).max(0.0) / d as f64;
        let (lo, hi) = (curve.lower[k], curve.upper[k]);
        if !(lo - 1e-6 <= oracle && oracle <= hi + 1e-6) {
            misses += 1;
        }
        assert!(
            (curve.mean[k] - oracle).abs() < 0.1,
            "k={k}: {} vs {oracle}",
            curve.mean[k]
        );
    }
    assert!(
        misses <= 2,
        "band missed the oracle at {misses} of {points} k"
    );
    assert!(curve.mean[d..].iter().all(|&e| e < 1e-8), "exact at k >= d");
}

/// SCIENCE.md §1: the zero estimator scores `E[y²]`/normalizer on the prompts evaluated,
/// which is not 1 under scaled inputs (scale²) or with output noise ((d + σ²)/d). Before it
/// was a curve of its own, the pages drew it as a constant line at 1.
#[test]
fn the_zero_estimator_scores_what_answering_zero_scores() {
    let d = 5;
    let expect = |probe: Probe, scale: f64, noise: f64, task: TaskKind, want: f64| {
        let config = EvalConfig {
            prompts: 4000,
            probe,
            probe_scale: scale,
            probe_noise: noise,
            baselines: vec![],
            ..Default::default()
        };
        let class = task.class();
        let r = baselines_only(&config, task, class.as_ref(), None, 5, 11, d).expect("baselines");
        // each k's mean has a few % sampling error (y⁴ is heavy-tailed over w); their
        // average over k much less
        let zero = &r.curves["zero"].mean;
        let mean = zero.iter().sum::<f64>() / zero.len() as f64;
        let what = format!("{probe:?} ×{scale} σ {noise} {task:?}");
        assert!(
            (mean - want).abs() < 0.04 * want,
            "{what}: {mean} vs {want}"
        );
        for (k, e) in zero.iter().enumerate() {
            assert!(
                (e - want).abs() < 0.12 * want,
                "{what}, k = {k}: {e} vs {want}"
            );
        }
    };
    expect(Probe::None, 1.0, 0.0, TaskKind::Linear, 1.0);
    expect(Probe::Scaled, 1.0 / 3.0, 0.0, TaskKind::Linear, 1.0 / 9.0);
    expect(Probe::Scaled, 3.0, 0.0, TaskKind::Linear, 9.0);
    // noisy linear with σ = 1 (the default σ): (d + σ²)/d = 1.2 at d = 5
    expect(Probe::None, 1.0, 0.0, TaskKind::NoisyLinear, 1.2);
    expect(Probe::Noisy, 1.0, 1.0, TaskKind::Linear, 1.2);
}

#[test]
fn ridge_with_tiny_alpha_is_least_squares() {
    let mut config = EvalConfig {
        prompts: 200,
        baselines: vec![BaselineKind::LeastSquares, BaselineKind::Ridge],
        ..Default::default()
    };
    config.options.ridge_alpha = 1e-9;
    let class = TaskKind::Linear.class();
    let r = baselines_only(&config, TaskKind::Linear, class.as_ref(), None, 3, 9, 4)
        .expect("baselines");
    for (a, b) in r.curves["least_squares"]
        .mean
        .iter()
        .zip(&r.curves["ridge"].mean)
    {
        assert!((a - b).abs() < 1e-5, "{a} vs {b}");
    }
}

/// Newton–Schulz needs about log₂ κ(XᵀX)² iterations, unbounded near k = d where XᵀX is
/// nearly singular, and on rank-deficient XᵀX (k < d) rounding noise in the null space
/// doubles every iteration; so "enough" is 30 iterations away from k ∈ {d − 1, d, d + 1}.
#[test]
fn newton_with_enough_steps_is_least_squares() {
    let (d, points) = (4, 12);
    let mut config = EvalConfig {
        prompts: 100,
        baselines: vec![BaselineKind::LeastSquares, BaselineKind::Newton],
        ..Default::default()
    };
    config.options.newton_steps = 30;
    let class = TaskKind::Linear.class();
    let set = config
        .sample(class.as_ref(), None, 4, points, d)
        .expect("set");
    let prior = Prior {
        class: class.as_ref(),
        pool: None,
    };
    let ls = baseline_predictions(&set, BaselineKind::LeastSquares, &config.options, 0, &prior)
        .expect("ls");
    let nw = baseline_predictions(&set, BaselineKind::Newton, &config.options, 0, &prior)
        .expect("newton");
    for (i, (a, b)) in ls.iter().zip(&nw).enumerate() {
        let k = i % points;
        if (d - 1..=d + 1).contains(&k) {
            continue;
        }
        assert!((a - b).abs() < 1e-6 * (1.0 + a.abs()), "k={k}: {a} vs {b}");
    }
}

#[test]
fn every_baseline_runs_and_starts_at_zero() {
    let config = EvalConfig {
        prompts: 4,
        baselines: BaselineKind::ALL.to_vec(),
        examples: 2,
        ..Default::default()
    };
    // dMMSE needs a pool: every class gets one here
    let pool = TaskPool::new(16, 0);
    for task in TaskKind::ALL {
        let class = task.class();
        let r =
            baselines_only(&config, task, class.as_ref(), Some(&pool), 1, 6, 3).expect("baselines");
        assert_eq!(r.curves.len(), BaselineKind::ALL.len(), "{task:?}");
        for (name, curve) in &r.curves {
            assert!(curve.mean.iter().all(|e| e.is_finite()), "{name}");
        }
        for ex in &r.examples {
            for (name, preds) in &ex.predictions {
                // with no example dMMSE answers the pool's mean, every other method 0
                if name != "dmmse" {
                    assert_eq!(preds[0], 0.0, "{name}: no examples → zero estimator");
                }
            }
        }
    }
}

/// SCIENCE.md §5: dMMSE with one task is that task; with a pool far larger than the data can
/// tell apart it approaches ridge with λ = σ², the posterior mean under the Gaussian prior.
#[test]
fn dmmse_brackets_the_pool_and_approaches_bayes_ridge() {
    let task = TaskKind::NoisyLinear;
    let class = task.class();
    let noise = class.output_noise();
    assert!(noise > 0.0);
    let (points, dims) = (9, 2);
    let config = EvalConfig {
        prompts: 64,
        baselines: vec![BaselineKind::Dmmse, BaselineKind::BayesRidge],
        tasks: EvalTasks::Pool,
        ..Default::default()
    };
    // M = 1: every prediction is the pool task's own
    let one = TaskPool::new(1, 7);
    let set = config
        .sample(class.as_ref(), Some(&one), 3, points, dims)
        .expect("set");
    let prior = Prior {
        class: class.as_ref(),
        pool: Some(&one),
    };
    let d1 =
        baseline_predictions(&set, BaselineKind::Dmmse, &config.options, 3, &prior).expect("dmmse");
    let f = one.function(class.as_ref(), 0, dims);
    for b in 0..set.prompts.batch {
        for k in 0..points {
            let (q, _) = set.query(b, k);
            assert!((d1[b * points + k] - f64::from(f(q))).abs() < 1e-5);
        }
    }
    // M = 8192 tasks in 2-D: dMMSE's predictions come within a few percent of ridge (λ = σ²)
    let many = TaskPool::new(8192, 7);
    let fresh = EvalConfig {
        tasks: EvalTasks::Fresh,
        ..config.clone()
    };
    let set = fresh
        .sample(class.as_ref(), Some(&many), 5, points, dims)
        .expect("set");
    let prior = Prior {
        class: class.as_ref(),
        pool: Some(&many),
    };
    let dm =
        baseline_predictions(&set, BaselineKind::Dmmse, &config.options, 5, &prior).expect("dmmse");
    let rr = baseline_predictions(&set, BaselineKind::BayesRidge, &config.options, 5, &prior)
        .expect("ridge");
    let gap = distance(&dm, &rr, points, dims as f64);
    eprintln!("dMMSE (M = 8192) vs ridge λ = σ², per k: {gap:.4?}");
    assert!(gap.iter().all(|&g| g < 0.005), "{gap:?}");
    // and ridge with λ = σ² is exactly the ridge baseline at α = σ²
    let opts = BaselineOptions {
        ridge_alpha: noise * noise,
        ..Default::default()
    };
    let plain = baseline_predictions(&set, BaselineKind::Ridge, &opts, 5, &prior).expect("ridge");
    assert_eq!(plain, rr);
}

/// The pool and fresh evaluations: the pool's prompts come from the pool (a model trained on
/// it is evaluated on its own tasks), and asking for either without a pool names the field.
#[test]
fn pool_evaluation_uses_the_pool_and_needs_one() {
    let class = TaskKind::Linear.class();
    let pool = TaskPool::new(3, 1);
    let config = EvalConfig {
        prompts: 40,
        tasks: EvalTasks::Pool,
        ..Default::default()
    };
    let set = config
        .sample(class.as_ref(), Some(&pool), 2, 4, 2)
        .expect("set");
    // every prompt's outputs are exactly one pool task's
    let tasks = pool.functions(class.as_ref(), 2);
    for b in 0..set.prompts.batch {
        let (xs, ys) = set.prompts.prompt(b);
        let fits = |f: &crate::icl::Function| {
            xs.chunks_exact(2)
                .zip(ys)
                .all(|(x, &y)| (f(x) - y).abs() < 1e-6)
        };
        assert_eq!(tasks.iter().filter(|f| fits(f)).count(), 1, "prompt {b}");
    }
    let err = config
        .sample(class.as_ref(), None, 2, 4, 2)
        .expect_err("no pool");
    assert_eq!(err.field(), Some("tasks"));
    let dm = EvalConfig {
        baselines: vec![BaselineKind::Dmmse],
        ..Default::default()
    };
    let err =
        baselines_only(&dm, TaskKind::Linear, class.as_ref(), None, 2, 4, 2).expect_err("no pool");
    assert_eq!(err.field(), Some("baselines"));
}

#[test]
fn bad_eval_configs_name_the_field() {
    for (json, field) in [
        (r#"{"prompts": 0}"#, "prompts"),
        (r#"{"probe": "sideways"}"#, "probe"),
        (r#"{"baselines": ["magic"]}"#, "baselines[0]"),
        (r#"{"options": {"ridgeAlpha": -1}}"#, "options.ridgeAlpha"),
        (r#"{"options": {"knnNeigbors": 3}}"#, "options.knnNeigbors"),
        (r#"{"probeScale": 0}"#, "probeScale"),
        (r#"{"examples": 100}"#, "examples"),
        (r#"{"tasks": "memorized"}"#, "tasks"),
        (r#"{"options": {"lassoSweeps": 0}}"#, "options.lassoSweeps"),
        (
            r#"{"options": {"lassoSweeps": 100001}}"#,
            "options.lassoSweeps",
        ),
    ] {
        let err = EvalConfig::from_json(json).expect_err(json);
        assert_eq!(err.field(), Some(field), "{json}: {err}");
    }
    // a long value is repeated as a short prefix, not in full
    let long = "x".repeat(100_000);
    for json in [
        format!(r#"{{"probe": "{long}"}}"#),
        format!(r#"{{"{long}": 1}}"#),
    ] {
        let err = EvalConfig::from_json(&json).expect_err("refused");
        assert!(
            err.to_string().len() < 600,
            "{} bytes",
            err.to_string().len()
        );
        assert!(
            err.field().is_some_and(|f| f.len() < 60),
            "{:?}",
            err.field()
        );
    }
}

/// Evaluation in chunks draws, predicts and scores the same prompts as in one piece: the
/// curves of 600 prompts (three chunks) equal those computed from one draw of 600, for a
/// probe with a drawn covariance and one with separate queries.
#[test]
fn chunks_give_the_curves_of_one_piece() {
    for probe in [Probe::Skewed, Probe::RandomQuadrants] {
        let config = EvalConfig {
            prompts: 600,
            probe,
            baselines: vec![BaselineKind::LeastSquares, BaselineKind::ReluNet],
            options: BaselineOptions {
                net_steps: 2,
                ..Default::default()
            },
            ..Default::default()
        };
        let class = TaskKind::Linear.class();
        let (seed, points, dims) = (9, 6, 3);
        let chunked = baselines_only(
            &config,
            TaskKind::Linear,
            class.as_ref(),
            None,
            seed,
            points,
            dims,
        )
        .expect("chunked");
        let set = config
            .sample(class.as_ref(), None, seed, points, dims)
            .expect("one draw");
        let prior = Prior {
            class: class.as_ref(),
            pool: None,
        };
        for kind in [BaselineKind::LeastSquares, BaselineKind::ReluNet] {
            let whole =
                baseline_predictions(&set, kind, &config.options, seed, &prior).expect("whole");
            let curve = error_curve(&whole, &set.targets(), points, chunked.normalizer, seed);
            assert_eq!(chunked.curves[kind.name()], curve, "{probe:?} {kind:?}");
        }
    }
}

/// A Lasso fit stopped by its sweep cap is counted, not silently passed off as converged.
#[test]
fn lasso_fits_stopped_by_their_cap_are_reported() {
    let config = |sweeps: u32| EvalConfig {
        prompts: 8,
        baselines: vec![BaselineKind::Lasso],
        options: BaselineOptions {
            lasso_sweeps: sweeps,
            ..Default::default()
        },
        ..Default::default()
    };
    let class = TaskKind::Linear.class();
    let run = |sweeps| {
        baselines_only(
            &config(sweeps),
            TaskKind::Linear,
            class.as_ref(),
            None,
            3,
            12,
            8,
        )
        .expect("lasso")
    };
    let capped = run(1);
    let stopped = capped.stopped_early.get("lasso").copied().unwrap_or(0);
    assert!(
        stopped > 0,
        "one sweep cannot converge on 8-dimensional prompts"
    );
    assert!(stopped <= 8 * 11, "{stopped} of 88 fits (k = 0 needs none)");
    let roomy = run(10_000).stopped_early.get("lasso").copied().unwrap_or(0);
    assert!(
        roomy < stopped / 4,
        "{roomy} of 88 fits stop at 10,000 sweeps, {stopped} at 1"
    );
}

/// The paced evaluation (the worker's) reads dMMSE's pool a block at a time and gives the same
/// result as the evaluation in one go, curves and positions alike.
#[test]
#[cfg(not(target_family = "wasm"))]
fn paced_dmmse_equals_dmmse_in_one_go() {
    let class = TaskKind::Linear.class();
    let pool = TaskPool::new(200, 4);
    let config = EvalConfig {
        prompts: 300,
        tasks: EvalTasks::Pool,
        baselines: vec![BaselineKind::Dmmse, BaselineKind::BayesRidge],
        ..Default::default()
    };
    let run = |paced: bool| {
        let args = (
            &config,
            TaskKind::Linear,
            class.as_ref(),
            Some(&pool),
            6,
            7,
            3,
        );
        if paced {
            pollster::block_on(baselines_only_paced(
                args.0,
                args.1,
                args.2,
                args.3,
                args.4,
                args.5,
                args.6,
                &mut Pace::free(),
            ))
        } else {
            baselines_only(args.0, args.1, args.2, args.3, args.4, args.5, args.6)
        }
        .expect("evaluation")
    };
    assert_eq!(run(true), run(false));
}
