//! A trained continual learner saved as a file and loaded back (crate/src/continual/run/file.rs):
//! every family of learner reports what the saved run did and answers every input as it did;
//! a damaged or foreign file is an error naming what is wrong; a loaded learner trains no
//! further.
#![cfg(not(target_family = "wasm"))]

use iclab::continual::run::{ClConfig, ClRun, Embedding, StrategyKind};

fn config(strategy: StrategyKind) -> ClConfig {
    ClConfig {
        strategy,
        iterations_per_task: 40,
        ..ClConfig::default()
    }
}

fn trained(config: &ClConfig) -> ClRun {
    pollster::block_on(async {
        let mut run = ClRun::new(config, None).await.expect("run");
        while !run.done() {
            run.advance(100).await.expect("advance");
        }
        run
    })
}

/// Inputs across the 2-D blobs' range.
fn probes() -> Vec<[f32; 2]> {
    (0..25)
        .map(|i| {
            [
                -3.0 + 0.25 * (i % 5) as f32 * 6.0 / 1.0,
                -3.0 + 1.5 * (i / 5) as f32,
            ]
        })
        .collect()
}

#[test]
fn every_kind_of_learner_comes_back_as_it_was_saved() {
    for (strategy, embedding) in [
        (StrategyKind::Replay, Embedding::Raw),
        (StrategyKind::Protonet, Embedding::Raw),
        (StrategyKind::Ncm, Embedding::Frozen),
        (StrategyKind::Slda, Embedding::Raw),
        (StrategyKind::Analytic, Embedding::Raw),
    ] {
        let config = ClConfig {
            embedding,
            ..config(strategy)
        };
        let run = trained(&config);
        pollster::block_on(async {
            let bytes = run.save().await.expect("save");
            let back = ClRun::load(&bytes, None).await.expect("load");
            let (a, b) = (
                run.result().expect("result"),
                back.result().expect("result"),
            );
            assert!(b.loaded && !a.loaded);
            assert_eq!(a.accuracy_matrix, b.accuracy_matrix, "{strategy:?}");
            assert_eq!(a.curves, b.curves, "{strategy:?}");
            assert_eq!(a.metrics, b.metrics, "{strategy:?}");
            for p in probes() {
                let (x, y) = (
                    run.answer(&p).await.expect("answer"),
                    back.answer(&p).await.expect("answer"),
                );
                assert_eq!(x.answer, y.answer, "{strategy:?} at {p:?}");
                for (s, t) in x.scores.iter().zip(&y.scores) {
                    let (s, t) = (s.unwrap_or(0.0), t.unwrap_or(0.0));
                    assert!(
                        (s - t).abs() <= 1e-5 * (1.0 + s.abs()),
                        "{strategy:?}: {s} vs {t}"
                    );
                }
            }
            eprintln!("{strategy:?}: {} bytes", bytes.len());
        });
    }
}

/// The analytic head's exactness survives the file: unlearning a class after loading gives the
/// same learner as unlearning it before saving.
#[test]
fn the_analytic_head_unlearns_exactly_after_loading() {
    let mut run = trained(&config(StrategyKind::Analytic));
    pollster::block_on(async {
        let bytes = run.save().await.expect("save");
        let mut back = ClRun::load(&bytes, None).await.expect("load");
        run.unlearn(1).await.expect("unlearn");
        back.unlearn(1).await.expect("unlearn");
        assert_eq!(
            run.result().expect("r").class_accuracy,
            back.result().expect("r").class_accuracy
        );
    });
}

#[test]
fn a_damaged_or_foreign_file_is_named_and_a_loaded_run_trains_no_further() {
    let config = config(StrategyKind::Naive);
    pollster::block_on(async {
        let mut half = ClRun::new(&config, None).await.expect("run");
        half.advance(50).await.expect("advance");
        let bytes = half.save().await.expect("save");
        let message = |bytes: &[u8]| match pollster::block_on(ClRun::load(bytes, None)) {
            Ok(_) => "loaded".to_owned(),
            Err(e) => format!("{:?}: {e}", e.field()),
        };
        assert!(message(&bytes[..bytes.len() / 2]).contains("not a safetensors file"));
        assert!(message(b"hello").contains("checkpoint"));
        // an in-context checkpoint is not a continual learner
        let icl = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../www/public/checkpoints/linear_1d.safetensors"
        ))
        .expect("a shipped checkpoint");
        assert!(
            message(&icl).contains("iclab/continual-learner/1"),
            "{}",
            message(&icl)
        );
        let mut back = ClRun::load(&bytes, None).await.expect("load");
        assert_eq!(back.result().expect("r").iterations.last(), Some(&50));
        let error = back.advance(10).await.expect_err("no further training");
        assert_eq!(error.field(), Some("steps"));
    });
}
