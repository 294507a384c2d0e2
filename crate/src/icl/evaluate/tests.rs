//! Tests of the evaluation against exact oracles and by hand.
use super::*;

fn run(task: TaskKind, baselines: Vec<BaselineKind>, dims: usize, points: usize) -> EvalResult {
    let config = EvalConfig {
        baselines,
        ..Default::default()
    };
    let class = task.class();
    baselines_only(&config, task, class.as_ref(), 11, points, dims)
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
        let r = baselines_only(&config, task, class.as_ref(), 5, 11, d);
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
    let r = baselines_only(&config, TaskKind::Linear, class.as_ref(), 3, 9, 4);
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
    let set = config.sample(class.as_ref(), 4, points, d);
    let ls = baseline_predictions(&set, BaselineKind::LeastSquares, &config.options, 0);
    let nw = baseline_predictions(&set, BaselineKind::Newton, &config.options, 0);
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
    for task in TaskKind::ALL {
        let class = task.class();
        let r = baselines_only(&config, task, class.as_ref(), 1, 6, 3);
        assert_eq!(r.curves.len(), BaselineKind::ALL.len(), "{task:?}");
        for (name, curve) in &r.curves {
            assert!(curve.mean.iter().all(|e| e.is_finite()), "{name}");
        }
        for ex in &r.examples {
            for preds in ex.predictions.values() {
                assert_eq!(preds[0], 0.0, "no examples → zero estimator");
            }
        }
    }
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
    ] {
        let err = EvalConfig::from_json(json).expect_err(json);
        assert_eq!(err.field(), Some(field), "{json}: {err}");
    }
}
