//! The checkpoints the site ships (`www/public/checkpoints/`, trained by
//! `scripts/train-checkpoints.sh`) load and meet their targets on fresh prompts: 1,280 prompts
//! with seeds no training run used.
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

#[test]
fn linear_tracks_least_squares() {
    let r = evaluate("linear", vec![BaselineKind::LeastSquares]);
    let d = r.dims as usize;
    let (model, ls) = (&r.curves["model"].mean, &r.curves["least_squares"].mean);
    assert!(
        model[2 * d] <= 0.05,
        "error at k = 2d = {}: {}",
        2 * d,
        model[2 * d]
    );
    for k in 0..model.len() {
        assert!(
            (model[k] - ls[k]).abs() <= 0.1,
            "k = {k}: model {} vs least squares {}",
            model[k],
            ls[k]
        );
    }
}

#[test]
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

#[test]
fn decision_tree_loads_and_learns_in_context() {
    let r = evaluate("decision_tree", vec![BaselineKind::Tree]);
    let model = &r.curves["model"].mean;
    let last = model.len() - 1;
    assert!(
        model[last] < 0.7 * model[0],
        "error {} at k = 0, {} at k = {last}",
        model[0],
        model[last]
    );
}
