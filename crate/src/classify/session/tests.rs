//! Emergence, divergence, chunked evaluation and field names of the classification experiment
//! (crate/src/classify/session.rs).
use super::*;

/// A task field is named by its path, whichever check refuses it (the parser's or the
/// task's own rules).
#[test]
fn task_fields_are_named_by_their_path() {
    for (json, field) in [
        (r#"{"task": {"classes": 10, "labels": 4}}"#, "task.classes"),
        (r#"{"task": {"dims": 0}}"#, "task.dims"),
        (
            r#"{"task": {"pairs": 8, "burstiness": 3}}"#,
            "task.burstiness",
        ),
        (r#"{"task": {"noise": 1e9}}"#, "task.noise"),
        (r#"{"task": {"labels": 1}}"#, "task.labels"),
        (r#"{"task": {"dims": "x"}}"#, "task.dims"),
    ] {
        let err = ClassifyConfig::from_json(json).expect_err(json);
        assert_eq!(err.field(), Some(field), "{json}: {err}");
    }
}

/// A run whose training blew up answers `diverged` from then on, training and evaluating
/// alike (it evaluated before, with its NaN scores turned into null), as an in-context
/// session does.
#[test]
#[cfg(not(target_family = "wasm"))]
fn a_diverged_run_refuses_every_later_call() {
    pollster::block_on(async {
        let config = ClassifyConfig::from_json(
            r#"{"learningRate": 10, "device": "cpu", "batchSize": 16, "task": {"dims": 8}}"#,
        )
        .expect("valid");
        let mut run = ClassifySession::new(config).await.expect("run");
        let mut stopped = None;
        for _ in 0..100 {
            if let Err(e) = run.train(10).await {
                stopped = Some(e);
                break;
            }
        }
        let err = stopped.expect("learning rate 10 diverges within 1,000 steps");
        assert_eq!(err.code(), "diverged", "{err}");
        for again in [
            run.train(1).await.map(|_| ()),
            run.evaluate(16).await.map(|_| ()),
        ] {
            assert_eq!(again.expect_err("refused").code(), "diverged");
        }
    });
}

/// Evaluation in chunks holds no more than a chunk's attention maps, and reads the same
/// sequences as in one piece: 300 prompts (two chunks) agree with the first 256's share.
#[test]
#[cfg(not(target_family = "wasm"))]
fn evaluation_in_chunks_reads_every_prompt() {
    pollster::block_on(async {
        let config =
            ClassifyConfig::from_json(r#"{"device": "cpu", "task": {"dims": 8}}"#).expect("valid");
        let mut run = ClassifySession::new(config).await.expect("run");
        let one = run.evaluate(EVAL_CHUNK as u32).await.expect("one chunk");
        let two = run
            .evaluate(EVAL_CHUNK as u32 + 44)
            .await
            .expect("two chunks");
        assert_eq!(one.example, two.example, "the first sequence is the same");
        for (a, b) in one.query_attention.iter().zip(&two.query_attention) {
            assert_eq!(a.example, b.example);
            let sum: f64 = b.weights.iter().sum();
            assert!((sum - 1.0).abs() < 1e-4, "mean attention sums to 1: {sum}");
        }
        let scale = |x: f64, n: f64| (x * n).round();
        // whole-sequence counts: accuracy × prompts is a count of hits
        for acc in [two.in_context, two.in_weights] {
            let hits = scale(acc, 300.0);
            assert!((acc * 300.0 - hits).abs() < 1e-6, "{acc}");
        }
    });
}

/// A `train()` stream's calls: with an evaluation every report (the CLI's sweeps) every call
/// carries one; with `evalEvery` 0, only the last; too many prompts refused before a step.
#[test]
#[cfg(not(target_family = "wasm"))]
fn train_on_evaluates_where_the_cadence_says() {
    use crate::train::cadence::Cadence;
    pollster::block_on(async {
        let config =
            ClassifyConfig::from_json(r#"{"device": "cpu", "batchSize": 8, "task": {"dims": 8}}"#)
                .expect("valid");
        let mut run = ClassifySession::new(config).await.expect("run");
        let cadence = |eval_every| Cadence {
            every: 3,
            eval_every,
        };
        let mut seen = Vec::new();
        while run.step() < 7 {
            let t = run
                .train_on(cadence(0), 7, Some(16), &mut Pace::free())
                .await
                .expect("train");
            seen.push((t.report.step, t.evaluation.is_some()));
        }
        assert_eq!(seen, vec![(3, false), (6, false), (7, true)]);
        let t = run
            .train_on(cadence(3), 10, Some(16), &mut Pace::free())
            .await
            .expect("train");
        assert_eq!((t.report.step, t.evaluation.is_some()), (10, true));
        let err = run
            .train_on(cadence(3), 20, Some(0), &mut Pace::free())
            .await
            .expect_err("no prompts");
        assert_eq!(err.field(), Some("prompts"));
        assert_eq!(run.step(), 10, "nothing trained");
    });
}

/// The plateau ends at the first evaluation halfway from the base to perfect, not at the best
/// one and not before.
#[test]
fn emergence_is_the_first_evaluation_past_halfway_from_the_base() {
    let bar = emergence_bar(1.0 / 8.0, 1.0 / 8.0);
    let history = [(100, 0.13), (200, 0.5), (300, 0.57), (400, 0.9)];
    assert_eq!(emergence_step(&history, bar), Some(300));
    assert_eq!(emergence_step(&history[..2], bar), None);
    assert_eq!(emergence_step(&[], bar), None);
}

/// With N = 4 and B = 2, copying either context label scores 0.5: a run sitting on that
/// plateau (0.50–0.55, as the shipped sweep's did before its jump) has not emerged; the bar is
/// 0.75, not chance's 0.53.
#[test]
fn the_label_copying_plateau_is_not_emergence() {
    let task = super::super::BurstyConfig {
        pairs: 4,
        burstiness: 2,
        labels: 16,
        ..Default::default()
    };
    let base = emergence_base(&task);
    assert_eq!(base, 0.5);
    assert_eq!(emergence_bar(base, 1.0 / 16.0), 0.75);
    let history = [
        (2000, 0.50),
        (2500, 0.52),
        (3000, 0.55),
        (3250, 0.62),
        (3500, 0.93),
    ];
    assert_eq!(
        emergence_step(&history, emergence_bar(base, 1.0 / 16.0)),
        Some(3500)
    );
    // B = 1, N = 4: copying scores 0.25; L = 2 makes chance (0.5) the larger
    let one = super::super::BurstyConfig {
        burstiness: 1,
        ..task.clone()
    };
    assert_eq!(emergence_base(&one), 0.25);
    let two_labels = super::super::BurstyConfig {
        labels: 2,
        classes: 128,
        ..one
    };
    assert_eq!(emergence_base(&two_labels), 0.5);
    // B = N: one class per context, copying its label is the task; its bar comes from chance
    let single = super::super::BurstyConfig {
        burstiness: 4,
        ..task
    };
    assert_eq!(emergence_base(&single), 1.0);
    assert!(copying_is_the_task(1.0));
    assert_eq!(emergence_bar(1.0, 1.0 / 16.0), 1.0 / 16.0 + 15.0 / 32.0);
}
