//! Continual learning end to end on the CPU: a class-incremental stream of 2-D blobs, Naive vs
//! Replay with continual evaluation (shared/SCIENCE.md §3).
#![cfg(not(target_family = "wasm"))]

use iclab::continual::metrics::stability_gap;
use iclab::continual::run::{ClConfig, ClResult, StrategyKind, run};

fn go(config: &ClConfig) -> ClResult {
    let result = pollster::block_on(run(config)).expect("run");
    eprintln!(
        "{:?}: R = {:?}\n  metrics {:?}",
        config.strategy, result.accuracy_matrix, result.metrics
    );
    result
}

/// Class-incremental, 3 tasks of 2 blob classes. Naive forgets the earlier tasks almost entirely
/// (a single head trained only on the newest classes); Replay (200 examples) keeps most of them.
#[test]
fn naive_forgets_and_replay_remembers() {
    let naive = go(&ClConfig::default());
    let replay = go(&ClConfig {
        strategy: StrategyKind::Replay,
        ..ClConfig::default()
    });
    // Each task is learned when it is trained.
    for r in [&naive, &replay] {
        for j in 0..3 {
            assert!(r.accuracy_matrix[j][j] > 0.9, "{:?}", r.accuracy_matrix);
        }
    }
    assert!(
        naive.metrics.forgetting > 0.7,
        "naive forgetting {}",
        naive.metrics.forgetting
    );
    assert!(
        replay.metrics.forgetting < 0.5 * naive.metrics.forgetting,
        "replay {} vs naive {}",
        replay.metrics.forgetting,
        naive.metrics.forgetting
    );
    assert!(replay.metrics.average_accuracy > naive.metrics.average_accuracy + 0.3);
    assert!(naive.metrics.backward_transfer < -0.7);
    // min-ACC sees the worst moment, so it never exceeds the final accuracy of old tasks.
    let final_old = (replay.accuracy_matrix[2][0] + replay.accuracy_matrix[2][1]) / 2.0;
    assert!(replay.metrics.min_acc.expect("finished tasks") <= final_old + 1e-12);
}

/// The stability gap (De Lange et al.): evaluated every iteration, Replay's accuracy on task 0
/// drops right after the switch to task 1 and then partly recovers.
#[test]
fn replay_shows_a_measurable_stability_gap() {
    let r = go(&ClConfig {
        strategy: StrategyKind::Replay,
        eval_every: 1,
        ..ClConfig::default()
    });
    let gap = stability_gap(&r.curves[0], r.ends[0], 50).expect("points after the switch");
    eprintln!("stability gap on task 0: {gap:?}");
    assert!(gap.drop > 0.1, "{gap:?}");
    assert!(gap.recovery > 0.05, "{gap:?}");
    assert!(gap.lowest_at > r.ends[0]);
}

#[test]
fn same_seed_same_run_and_bad_configs_are_typed() {
    let config = ClConfig {
        iterations_per_task: 20,
        ..ClConfig::default()
    };
    assert_eq!(go(&config), go(&config));
    let bad = |c: ClConfig| {
        pollster::block_on(run(&c))
            .expect_err("rejected")
            .field()
            .map(str::to_owned)
    };
    let mut c = ClConfig::default();
    c.dataset.classes = 1;
    assert_eq!(bad(c).as_deref(), Some("dataset.classes"));
    let c = ClConfig {
        hidden: vec![0],
        ..ClConfig::default()
    };
    assert_eq!(bad(c).as_deref(), Some("hidden[0]"));
    let c = ClConfig {
        classes_per_task: 4,
        ..ClConfig::default()
    };
    assert_eq!(bad(c).as_deref(), Some("classesPerTask"));
}
