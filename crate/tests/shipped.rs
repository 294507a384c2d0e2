//! The checkpoints the site ships (`www/public/checkpoints/`, trained by
//! `scripts/train-checkpoints.sh`) load and meet their targets on fresh prompts: 1,280 prompts
//! with seeds no training run used. A target the shipped model does not meet yet is a test at
//! the target marked `#[ignore]` with what was reached; `cargo test --test shipped -- --ignored`
//! checks a newly trained one.
#![cfg(not(target_family = "wasm"))]

use std::path::PathBuf;

use iclab::Session;
use iclab::device::DeviceChoice;
use iclab::icl::baselines::BaselineKind;
use iclab::icl::evaluate::{EvalConfig, EvalResult};

fn evaluate(name: &str, baselines: Vec<BaselineKind>) -> EvalResult {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../www/public/checkpoints")
        .join(format!("{name}.safetensors"));
    let bytes = std::fs::read(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (run scripts/train-checkpoints.sh)", path.display()));
    pollster::block_on(async {
        let session = Session::from_checkpoint(&bytes, DeviceChoice::Cpu)
            .await
            .expect("shipped checkpoint loads");
        let config = EvalConfig {
            prompts: 1280,
            baselines,
            seed: Some(0xF2E5_4001),
            ..Default::default()
        };
        let result = session.evaluate(&config).await.expect("evaluate");
        for (name, curve) in &result.curves {
            let values: Vec<String> = curve.mean.iter().map(|e| format!("{e:.3}")).collect();
            eprintln!("{name:>14}: [{}]", values.join(", "));
        }
        result
    })
}

/// Target (Garg et al.: the transformer tracks least squares): at most 0.05 at k = 2d. Met
/// (0.002).
#[test]
fn linear_is_near_exact_with_2d_examples() {
    let r = evaluate("linear", vec![BaselineKind::LeastSquares]);
    let d = r.dims as usize;
    let model = &r.curves["model"].mean;
    assert!(
        model[2 * d] <= 0.05,
        "error at k = 2d = {}: {}",
        2 * d,
        model[2 * d]
    );
}

/// Target: within 0.1 of least squares at every k. Met by the shipped checkpoint (6 layers at
/// the tiny preset's width, paired tokens, 24k steps): at most 0.04 above least squares (at
/// k = d, where least squares becomes exact). The tiny preset's own 3 layers stayed 0.13–0.14
/// above it there after 30k steps, interleaved or paired (issue 16 note).
#[test]
fn linear_tracks_least_squares_at_every_k() {
    let r = evaluate("linear", vec![BaselineKind::LeastSquares]);
    let (model, ls) = (&r.curves["model"].mean, &r.curves["least_squares"].mean);
    for k in 0..model.len() {
        assert!(
            (model[k] - ls[k]).abs() <= 0.1,
            "k = {k}: model {} vs least squares {}",
            model[k],
            ls[k]
        );
    }
}

/// Target (Garg et al.'s headline finding for sparse functions): below least squares for every
/// 1 ≤ k < d, where least squares cannot pin w down and a model that learned the sparsity prior
/// can. Not met at browser scale (issue 16 notes): the shipped model (6 layers × 64, paired
/// tokens, no curriculum, 24k steps) tracks least squares within 0.012 at k < d instead
/// (0.778 .577 .399 .223 vs 0.780 .577 .390 .212 at k = 1–4); a 3-layer model with and without
/// the dense early curriculum, and a 6-layer one with it, learned least squares too. Garg et al.
/// train 500k steps at 12 layers × 256.
#[test]
#[ignore = "target not met at browser scale: the shipped sparse model tracks least squares for k < d instead of beating it (issue 16 notes)"]
fn sparse_linear_beats_least_squares_below_d() {
    let r = evaluate(
        "sparse_linear",
        vec![BaselineKind::LeastSquares, BaselineKind::Lasso],
    );
    let d = r.dims as usize;
    let (model, ls) = (&r.curves["model"].mean, &r.curves["least_squares"].mean);
    for k in 1..d {
        assert!(
            model[k] < ls[k],
            "k = {k}: model {} vs least squares {}",
            model[k],
            ls[k]
        );
    }
}

/// Every shipped model learned in context: with the whole prompt in context its error is at most
/// 3/4 of its error with none (the decision-tree models, whose class is hardest, fall least; the
/// regression ones far more), which a blank or broken model does not do.
#[test]
fn every_shipped_model_learns_in_context() {
    for name in [
        "linear",
        "linear_compare",
        "sparse_linear",
        "relu_net",
        "decision_tree",
        "xlstm_linear",
        "xlstm_decision_tree",
        "linear_1d",
        "relu_net_1d",
        "decision_tree_1d",
    ] {
        let r = evaluate(name, vec![]);
        let model = &r.curves["model"].mean;
        let k = model.len() - 1;
        assert!(
            model[k] <= 0.75 * model[0],
            "{name}: error {} with no examples, {} with {k}",
            model[0],
            model[k]
        );
    }
}

/// Issue target: below averaging and k-NN at k = 2d. Reached.
#[test]
fn relu_net_beats_averaging_and_knn() {
    let r = evaluate("relu_net", vec![BaselineKind::Averaging, BaselineKind::Knn]);
    let k = 2 * r.dims as usize;
    let model = r.curves["model"].mean[k];
    for baseline in ["averaging", "knn"] {
        let b = r.curves[baseline].mean[k];
        assert!(model < b, "k = {k}: model {model} vs {baseline} {b}");
    }
}

/// Garg et al.'s finding for trees: the transformer beats greedy tree learning. Reached at every
/// k ≥ 1.
#[test]
fn decision_tree_beats_the_greedy_tree() {
    let r = evaluate("decision_tree", vec![BaselineKind::Tree]);
    let (model, tree) = (&r.curves["model"].mean, &r.curves["tree"].mean);
    for k in 1..model.len() {
        assert!(
            model[k] < tree[k],
            "k = {k}: model {} vs greedy tree {}",
            model[k],
            tree[k]
        );
    }
    let last = model.len() - 1;
    assert!(
        model[last] < 0.75 * model[0],
        "{} → {}",
        model[0],
        model[last]
    );
}

/// The shipped xLSTM (tiny: 4 blocks [1:1], width 64; same prompts, curriculum and schedule as
/// the transformer, 24k steps) learned linear regression in context. Reached: 0.05 at k = 2d
/// (0.04 on other seeds), at most 0.22 above least squares (at k = d, where the transformer is
/// 0.16 above), within 0.07 of the transformer at every k, and at or below 10 steps of gradient
/// descent on the examples at every k: at this scale its curve follows GD, the transformer's sits
/// between GD and least squares.
#[test]
fn xlstm_linear_learns_in_context_near_the_transformer() {
    let r = evaluate(
        "xlstm_linear",
        vec![BaselineKind::LeastSquares, BaselineKind::Gd],
    );
    let transformer = evaluate("linear_compare", vec![]);
    let d = r.dims as usize;
    let (model, ls, gd) = (
        &r.curves["model"].mean,
        &r.curves["least_squares"].mean,
        &r.curves["gd"].mean,
    );
    let t = &transformer.curves["model"].mean;
    assert!(model[2 * d] <= 0.06, "error at k = 2d: {}", model[2 * d]);
    for k in 0..model.len() {
        assert!(
            (model[k] - ls[k]).abs() <= 0.25,
            "k = {k}: {} vs LS {}",
            model[k],
            ls[k]
        );
        assert!(
            model[k] <= t[k] + 0.07,
            "k = {k}: {} vs transformer {}",
            model[k],
            t[k]
        );
        assert!(
            model[k] <= gd[k] + 0.02,
            "k = {k}: {} vs GD {}",
            model[k],
            gd[k]
        );
    }
}

/// On decision trees the xLSTM (6k steps, as the transformer) also beats greedy tree learning at
/// every k ≥ 1, and at this scale it is within 0.1 of the transformer everywhere (both ≈ 0.53 at
/// k = 20): the gap recurrent models show on trees at larger scale (SCIENCE.md §1) does not
/// appear in these short browser-scale runs.
#[test]
fn xlstm_decision_tree_beats_the_greedy_tree_like_the_transformer() {
    let r = evaluate("xlstm_decision_tree", vec![BaselineKind::Tree]);
    let transformer = evaluate("decision_tree", vec![]);
    let (model, tree) = (&r.curves["model"].mean, &r.curves["tree"].mean);
    let t = &transformer.curves["model"].mean;
    for k in 1..model.len() {
        assert!(
            model[k] < tree[k],
            "k = {k}: {} vs greedy tree {}",
            model[k],
            tree[k]
        );
        assert!(
            (model[k] - t[k]).abs() < 0.1,
            "k = {k}: {} vs transformer {}",
            model[k],
            t[k]
        );
    }
}

/// The layer analyses the site shows next to the linear and ill-conditioned checkpoints
/// (`<name>.layers.json`, written by `iclab --json icl layers --checkpoint <name>.safetensors`)
/// are what the core computes for those checkpoints now: a retrained checkpoint or a changed
/// analysis cannot leave a stale picture on the page.
#[test]
fn shipped_layer_analyses_match_their_checkpoints() {
    use iclab::icl::layers::{LayersConfig, LayersResult};
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../www/public/checkpoints");
    for name in ["linear", "ill_conditioned"] {
        let bytes = std::fs::read(dir.join(format!("{name}.safetensors"))).expect("checkpoint");
        let text = std::fs::read_to_string(dir.join(format!("{name}.layers.json")))
            .expect("layer analysis (run iclab icl layers)");
        let shipped: LayersResult = serde_json::from_str(&text).expect("layers JSON");
        let now = pollster::block_on(async {
            let session = Session::from_checkpoint(&bytes, DeviceChoice::Cpu)
                .await
                .expect("loads");
            session
                .layers(&LayersConfig::default())
                .await
                .expect("layers")
        });
        assert_eq!(now.step, shipped.step, "{name}");
        assert_eq!(now.layers.len(), shipped.layers.len(), "{name}");
        for (a, b) in now.layers.iter().zip(&shipped.layers) {
            for (x, y) in [(&a.prediction, &b.prediction), (&a.residual, &b.residual)] {
                assert_eq!(x.newton.steps, y.newton.steps, "{name} layer {}", a.layer);
                assert_eq!(x.gd.steps, y.gd.steps, "{name} layer {}", a.layer);
                assert_eq!(x.resembles, y.resembles, "{name} layer {}", a.layer);
            }
            for (x, y) in a.probe.iter().zip(&b.probe) {
                assert!((x - y).abs() < 1e-4, "{name} layer {}: {x} vs {y}", a.layer);
            }
        }
        assert_eq!(now.statement, shipped.statement, "{name}");
        eprintln!("{name}: {}", now.statement);
    }
}

// The d = 1 models of the drawing page (draw.html; docs/SCIENCE.md §1 "Your own prompt"): the d = 5
// targets, with 2d = 2. Tiny preset, paired tokens, 20 points, 6k steps, no curriculum.

/// As the d = 5 model: at most 0.05 at k = 2d, and within 0.1 of least squares at every k.
#[test]
fn linear_1d_is_near_exact_and_tracks_least_squares() {
    let r = evaluate("linear_1d", vec![BaselineKind::LeastSquares]);
    let (model, ls) = (&r.curves["model"].mean, &r.curves["least_squares"].mean);
    assert_eq!(r.dims, 1);
    assert!(model[2] <= 0.05, "error at k = 2: {}", model[2]);
    for k in 0..model.len() {
        assert!(
            (model[k] - ls[k]).abs() <= 0.1,
            "k = {k}: model {} vs least squares {}",
            model[k],
            ls[k]
        );
    }
}

/// As the d = 5 model, at every k from 2d on: below averaging and k-NN.
#[test]
fn relu_net_1d_beats_averaging_and_knn() {
    let r = evaluate(
        "relu_net_1d",
        vec![BaselineKind::Averaging, BaselineKind::Knn],
    );
    let model = &r.curves["model"].mean;
    for (k, m) in model.iter().enumerate().skip(2) {
        for baseline in ["averaging", "knn"] {
            let b = r.curves[baseline].mean[k];
            assert!(*m < b, "k = {k}: model {m} vs {baseline} {b}");
        }
    }
}

/// As the d = 5 model: below the greedy tree at every k ≥ 1.
#[test]
fn decision_tree_1d_beats_the_greedy_tree() {
    let r = evaluate("decision_tree_1d", vec![BaselineKind::Tree]);
    let (model, tree) = (&r.curves["model"].mean, &r.curves["tree"].mean);
    for k in 1..model.len() {
        assert!(
            model[k] < tree[k],
            "k = {k}: model {} vs greedy tree {}",
            model[k],
            tree[k]
        );
    }
}

/// What the drawing page shows: three points of the line y = 1.5x, and the shipped d = 1 linear
/// model answers on that line across the range it was trained on (within 0.15), as least
/// squares does exactly.
#[test]
fn linear_1d_answers_a_drawn_line() {
    use iclab::icl::answer::AnswerConfig;
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../www/public/checkpoints/linear_1d.safetensors");
    let bytes = std::fs::read(&path).expect("linear_1d checkpoint");
    pollster::block_on(async {
        let session = Session::from_checkpoint(&bytes, DeviceChoice::Cpu)
            .await
            .expect("loads");
        let queries: Vec<Vec<f64>> = (0..=30).map(|i| vec![-1.5 + 0.1 * f64::from(i)]).collect();
        let answer = session
            .answer(&AnswerConfig {
                examples: vec![vec![-1.0, -1.5], vec![0.5, 0.75], vec![1.5, 2.25]],
                queries: queries.clone(),
                baselines: Some(vec![BaselineKind::LeastSquares]),
                ..Default::default()
            })
            .await
            .expect("answer");
        for (q, x) in queries.iter().enumerate() {
            let line = 1.5 * x[0];
            assert!((answer.baselines["least_squares"][q] - line).abs() < 1e-9);
            assert!(
                (answer.model[q] - line).abs() <= 0.15,
                "x = {}: model {} vs {line}",
                x[0],
                answer.model[q]
            );
        }
    });
}
