//! Continual learning end to end on the CPU (docs/SCIENCE.md §3): every scenario and learner
//! on 2-D blobs and on the digits asset, with continual evaluation.
#![cfg(not(target_family = "wasm"))]

use iclab::continual::data::Dataset;
use iclab::continual::digits::{Digits, DigitsConfig};
use iclab::continual::learners::{AnalyticHead, HostLearner};
use iclab::continual::metrics::{DipKind, stability_gap};
use iclab::continual::run::{
    BufferPolicy, ClConfig, ClResult, ClRun, DataConfig, Embedding, StrategyKind, run,
};
use iclab::continual::scenarios::{
    Blurry, ClassIncremental, Permuted, Reoccurring, Rotated, ScenarioConfig, TaskIncremental,
};
use iclab::continual::two_d::TwoDConfig;

fn digits() -> Digits {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../web/data/digits.bin");
    let bytes = std::fs::read(path).expect("digits asset: run `node scripts/build-digits.mjs`");
    Digits::parse(&bytes).expect("valid asset")
}

fn go(config: &ClConfig) -> ClResult {
    let digits = matches!(config.dataset, DataConfig::Digits(_)).then(digits);
    let result = pollster::block_on(run(config, digits.as_ref())).expect("run");
    let m = result.metrics.as_ref().expect("done");
    eprintln!(
        "{:?}: R = {:.3?}\n  ACC {:.3} forgetting {:.3} BWT {:.3} min-ACC {:?} WC-ACC {:.3}",
        config.strategy,
        result.accuracy_matrix,
        m.average_accuracy,
        m.forgetting,
        m.backward_transfer,
        m.min_acc,
        m.wc_acc
    );
    result
}

fn with(strategy: StrategyKind) -> ClConfig {
    ClConfig {
        strategy,
        ..ClConfig::default()
    }
}

fn forgetting(r: &ClResult) -> f64 {
    r.metrics.as_ref().expect("done").forgetting
}

fn acc(r: &ClResult) -> f64 {
    r.metrics.as_ref().expect("done").average_accuracy
}

/// Class-incremental, 3 tasks of 2 blob classes. Naive forgets the earlier tasks (a single head
/// trained only on the newest classes); Replay with either buffer and the prototype and analytic
/// learners on raw inputs keep them; Joint is the upper bound.
#[test]
fn class_incremental_naive_forgets_replay_and_prototypes_do_not() {
    let naive = go(&with(StrategyKind::Naive));
    for j in 0..3 {
        assert!(
            naive.accuracy_matrix[j][j] > 0.9,
            "{:?}",
            naive.accuracy_matrix
        );
    }
    assert!(forgetting(&naive) > 0.6, "naive {}", forgetting(&naive));
    assert!(naive.metrics.as_ref().expect("done").backward_transfer < -0.6);
    let joint = go(&with(StrategyKind::Joint));
    assert!(acc(&joint) > 0.95 && forgetting(&joint) < 0.05);
    for kind in [
        StrategyKind::Replay,
        StrategyKind::Ncm,
        StrategyKind::Slda,
        StrategyKind::Analytic,
    ] {
        let r = go(&with(kind));
        assert!(
            forgetting(&r) < 0.25 * forgetting(&naive),
            "{kind:?} {} vs naive {}",
            forgetting(&r),
            forgetting(&naive)
        );
        assert!(acc(&r) > acc(&naive) + 0.3, "{kind:?}");
        // min-ACC sees the worst moment, so it never exceeds the final accuracy of old tasks
        let m = r.metrics.as_ref().expect("done");
        let final_old = (r.accuracy_matrix[2][0] + r.accuracy_matrix[2][1]) / 2.0;
        assert!(m.min_acc.expect("finished tasks") <= final_old + 1e-12);
    }
    let balanced = go(&ClConfig {
        buffer_policy: BufferPolicy::ClassBalanced,
        ..with(StrategyKind::Replay)
    });
    assert!(forgetting(&balanced) < 0.25 * forgetting(&naive));
}

/// The stability gap (De Lange et al.): evaluated every iteration, Replay's accuracy on task 0
/// drops right after the switch to task 1 and then partly recovers; the run reports it. Its size
/// grows with the step: with fresh Adam moments per segment, replay's dips on these blobs
/// measured 0.02–0.25 at the default learning rate 5e-3 over seeds 0–2 (seed 0 the smallest) and
/// 0.12–0.50 at 1e-2, so the test takes 1e-2.
#[test]
fn replay_shows_a_measurable_stability_gap() {
    let r = go(&ClConfig {
        eval_every: 1,
        learning_rate: 1e-2,
        ..with(StrategyKind::Replay)
    });
    let gap =
        stability_gap(&r.curves[0], r.ends[0], 50, true, 1000).expect("points after the switch");
    eprintln!("stability gap on task 0: {gap:?}");
    assert!(gap.drop > 0.1, "{gap:?}");
    assert!(gap.recovery > 0.05, "{gap:?}");
    assert!(gap.lowest_at > r.ends[0]);
    let reported = r.stability_gaps[0].clone().expect("task 0");
    assert!(reported.drop >= gap.drop - 1e-12, "{reported:?}");
    assert_eq!(reported.kind, DipKind::StabilityGap, "{reported:?}");
    assert!(reported.settled);
    assert!(r.stability_gaps[2].is_none());
    // naive fine-tuning on the same stream: task 0 falls and stays down, which is forgetting
    let naive = go(&ClConfig {
        eval_every: 1,
        learning_rate: 1e-2,
        ..with(StrategyKind::Naive)
    });
    let dip = naive.stability_gaps[0].clone().expect("task 0");
    eprintln!("naive, task 0: {dip:?}");
    assert!(dip.drop > 0.5, "{dip:?}");
    assert_eq!(dip.kind, DipKind::Forgetting, "{dip:?}");
}

/// The analytic head, fed a class-incremental stream batch by batch, ends with exactly the joint
/// ridge solution on all the data; unlearning a class gives exactly the head trained without it.
#[test]
fn analytic_head_equals_joint_and_unlearns_exactly() {
    let data = TwoDConfig {
        classes: 6,
        ..TwoDConfig::default()
    }
    .generate()
    .expect("data");
    // classes 0,1 then 2,3 then 4,5, in batches of 50
    let stream: Vec<Dataset> = (0..3u32)
        .flat_map(|t| {
            let task = data.with_classes(&[2 * t, 2 * t + 1]);
            (0..task.len())
                .step_by(50)
                .map(|a| task.rows(&(a..(a + 50).min(task.len())).collect::<Vec<_>>()))
                .collect::<Vec<_>>()
        })
        .collect();
    let mut all = stream[0].empty_like();
    let mut head = AnalyticHead::new(128, 6, 0.01, 5);
    for b in &stream {
        head.observe(b).expect("update");
        all.extend(b);
    }
    let joint = head.joint_solution(&all).expect("joint");
    // Equal up to rounding: the two are different f64 computations of a ridge system whose
    // condition number is ~1e6 (γ = 0.01 against Gram eigenvalues in the thousands); measured
    // 3.5e-6 relative. Every prediction is the same.
    let diff = (head.weights() - &joint).abs().max();
    let scale = joint.abs().max();
    eprintln!("analytic vs joint: max |ΔW| = {diff:e} (max |W| = {scale:.3})");
    assert!(diff < 1e-4 * scale, "{diff}");
    let by_joint = all_phi_argmax(&head, &all, &joint);
    let by_rls = all_phi_argmax(&head, &all, head.weights());
    assert_eq!(by_joint, by_rls);
    // and it is a good classifier on all classes
    let scores = head.scores(&all);
    let correct = scores
        .chunks_exact(6)
        .zip(&all.labels)
        .filter(|(row, l)| (0..6).max_by(|&a, &b| row[a].total_cmp(&row[b])) == Some(**l as usize))
        .count();
    assert!(correct as f64 / all.len() as f64 > 0.95);

    // unlearn class 3 vs never seeing it (same first batch, so the same random features)
    head.unlearn(3).expect("unlearn");
    let mut without = AnalyticHead::new(128, 6, 0.01, 5);
    for b in &stream {
        let keep: Vec<usize> = (0..b.len()).filter(|&i| b.labels[i] != 3).collect();
        without.observe(&b.rows(&keep)).expect("update");
    }
    let diff = (head.weights() - without.weights()).abs().max();
    eprintln!("unlearned vs trained without: max |ΔW| = {diff:e}");
    assert!(diff < 1e-4 * scale, "{diff}");
    assert_eq!(
        all_phi_argmax(&head, &all, head.weights()),
        all_phi_argmax(&without, &all, without.weights())
    );
    assert!(head.scores(&all.rows(&[0]))[3] == f64::NEG_INFINITY);
    // the run API: unlearning through ClRun drops class 4's task to half its accuracy
    let config = with(StrategyKind::Analytic);
    let mut run = pollster::block_on(ClRun::new(&config, None)).expect("run");
    pollster::block_on(run.advance(run.total_steps())).expect("advance");
    let trained = run.result().expect("result");
    let before = trained.curves[2].last().copied();
    pollster::block_on(run.unlearn(4)).expect("unlearn");
    let unlearned = run.result().expect("result");
    let after = unlearned.curves[2].last().copied();
    // the finished stream's last matrix row and metrics are the learner's as it stands now;
    // the rows before, and the segment ends, are what they were
    assert_eq!(unlearned.unlearned, vec![4]);
    assert_eq!(unlearned.ends, trained.ends);
    let rows = trained.accuracy_matrix.len();
    assert_eq!(
        unlearned.accuracy_matrix[..rows - 1],
        trained.accuracy_matrix[..rows - 1]
    );
    let now: Vec<f64> = unlearned.curves.iter().map(|c| c[c.len() - 1]).collect();
    assert_eq!(unlearned.accuracy_matrix[rows - 1], now);
    let (m0, m1) = (
        trained.metrics.clone().expect("metrics"),
        unlearned.metrics.clone().expect("metrics"),
    );
    eprintln!(
        "ACC {:.3} → {:.3}, forgetting {:.3} → {:.3} after unlearning class 4",
        m0.average_accuracy, m1.average_accuracy, m0.forgetting, m1.forgetting
    );
    // ACC is the mean of the last row, now after the unlearning: class 4's task (the last one
    // here) counts as having lost it. Forgetting and BWT are defined over the tasks before the
    // last, so here they move only with those tasks' accuracies.
    let acc = now.iter().sum::<f64>() / now.len() as f64;
    assert!((m1.average_accuracy - acc).abs() < 1e-12);
    assert!(m1.average_accuracy < m0.average_accuracy - 0.05);
    // per class: class 4 falls to 0, every other class keeps (nearly) its accuracy
    let classes = trained.class_accuracy.len();
    assert_eq!(classes, unlearned.class_accuracy.len());
    assert!(
        trained.class_accuracy[4] > 0.9,
        "{:?}",
        trained.class_accuracy
    );
    assert_eq!(unlearned.class_accuracy[4], 0.0);
    for c in (0..classes).filter(|&c| c != 4) {
        let (b, a) = (trained.class_accuracy[c], unlearned.class_accuracy[c]);
        assert!(a >= b - 0.05, "class {c}: {b} → {a}");
    }
    let err = pollster::block_on(run.unlearn(classes as u32)).expect_err("no such class");
    assert_eq!(err.field(), Some("class"));
    let last = classes - 1;
    assert!(
        err.to_string().contains(&format!("between 0 and {last}")),
        "{err}"
    );
    eprintln!("task 2 (classes 4, 5) before/after unlearning class 4: {before:?} {after:?}");
    let (before, after) = (before.expect("point"), after.expect("point"));
    assert!(before > 0.95 && (after - before / 2.0).abs() < 0.05);
    let naive = pollster::block_on(ClRun::new(&with(StrategyKind::Naive), None));
    let err = pollster::block_on(naive.expect("run").unlearn(0)).expect_err("refused");
    assert_eq!(err.field(), Some("strategy"));
}

/// The class each row of `data` gets from head weights `w` on `head`'s features.
fn all_phi_argmax(head: &AnalyticHead, data: &Dataset, w: &nalgebra::DMatrix<f64>) -> Vec<usize> {
    let s = head.features(data).expect("features") * w;
    (0..data.len())
        .map(|i| {
            (0..w.ncols())
                .max_by(|&a, &b| s[(i, a)].total_cmp(&s[(i, b)]))
                .expect("classes")
        })
        .collect()
}

/// Task-incremental (multi-head) is far easier than class-incremental for Naive on the same
/// classes: the task is given, so old tasks' own heads keep working (van de Ven & Tolias 2019).
#[test]
fn task_incremental_is_easier_and_lwf_ewc_run_there() {
    let scenario = ScenarioConfig::TaskIncremental(TaskIncremental::default());
    let ti = go(&ClConfig {
        scenario: scenario.clone(),
        ..with(StrategyKind::Naive)
    });
    assert!(ti.multi_head);
    let ci = go(&with(StrategyKind::Naive));
    assert!(
        forgetting(&ti) < forgetting(&ci) - 0.4,
        "{} vs {}",
        forgetting(&ti),
        forgetting(&ci)
    );
    for kind in [StrategyKind::Lwf, StrategyKind::Ewc, StrategyKind::L2] {
        let r = go(&ClConfig {
            scenario: scenario.clone(),
            ..with(kind)
        });
        assert!(acc(&r) > 0.9, "{kind:?} {}", acc(&r));
    }
}

/// Permuted digits (domain-incremental): Naive forgets; EWC, SI, Replay and power-law rehearsal all
/// keep more, and Joint is the upper bound. Power-law vs uniform rehearsal vs none, as
/// SCIENCE.md §3 asks.
#[test]
fn permuted_digits_ewc_and_rehearsal_beat_naive() {
    let base = ClConfig {
        dataset: DataConfig::Digits(DigitsConfig::default()),
        scenario: ScenarioConfig::Permuted(Permuted { tasks: 4 }),
        eval_every: 20,
        ..ClConfig::default()
    };
    let r = |strategy| {
        go(&ClConfig {
            strategy,
            ..base.clone()
        })
    };
    let naive = r(StrategyKind::Naive);
    assert_eq!(naive.tasks.len(), 4);
    assert!(
        naive.accuracy_matrix[0][0] > 0.8,
        "{:?}",
        naive.accuracy_matrix
    );
    assert!(forgetting(&naive) > 0.15);
    for kind in [
        StrategyKind::Ewc,
        StrategyKind::Si,
        StrategyKind::Replay,
        StrategyKind::PowerLawReplay,
    ] {
        let s = r(kind);
        assert!(
            forgetting(&s) < 0.6 * forgetting(&naive) && acc(&s) > acc(&naive),
            "{kind:?}: {} / {} vs naive {} / {}",
            forgetting(&s),
            acc(&s),
            forgetting(&naive),
            acc(&naive)
        );
    }
    let joint = r(StrategyKind::Joint);
    assert!(acc(&joint) > acc(&naive) + 0.1);
    // Power-law rehearsal against uniform rehearsal over tasks (exponent 0) and none: both
    // rehearse far better than none; at this scale the power law does not beat uniform
    // (measured ACC 0.82 vs 0.83 on 3 seeds), so only that it stays close is checked.
    let uniform = go(&ClConfig {
        rehearsal_exponent: 0.0,
        strategy: StrategyKind::PowerLawReplay,
        ..base.clone()
    });
    let power = r(StrategyKind::PowerLawReplay);
    assert!(forgetting(&uniform) < 0.6 * forgetting(&naive));
    assert!((acc(&power) - acc(&uniform)).abs() < 0.05);
}

/// Split digits (5 tasks of 2 digits), naive fine-tuning with the page's defaults: it must learn
/// each new task and then forget it, not fail on the new one. Adam's moments carried over from
/// the previous task made the first steps of each new one ~30× the learning rate, which killed
/// the MLP's ReLUs: tasks 2 and 5 ended their own segments at 0.65 and 0.50 (one class
/// predicted for everything). Fresh moments per segment, as Avalanche: 0.96–0.99 on every task.
#[test]
fn split_digits_naive_learns_every_new_task_then_forgets_it() {
    let r = go(&ClConfig {
        dataset: DataConfig::Digits(DigitsConfig::default()),
        eval_every: 5,
        ..ClConfig::default()
    });
    for j in 0..5 {
        assert!(
            r.accuracy_matrix[j][j] > 0.9,
            "task {j} at the end of its own segment: {:?}",
            r.accuracy_matrix[j]
        );
    }
    for j in 0..4 {
        assert!(
            r.accuracy_matrix[4][j] < 0.1,
            "task {j} forgotten: {:?}",
            r.accuracy_matrix[4]
        );
    }
}

/// Digits class-incremental (split digits, 5 tasks): NCM (on pixels, a frozen random embedding or
/// one learned on the first task) and streaming LDA on pixels keep old classes where Naive does
/// not. The embedding learned on digits 0 and 1 alone separates later digits poorly (ACC ≈ 0.3,
/// measured): prototypes do not forget, but they are only as good as their features.
#[test]
fn split_digits_prototypes_on_embeddings() {
    let base = ClConfig {
        dataset: DataConfig::Digits(DigitsConfig::default()),
        eval_every: 20,
        ..ClConfig::default()
    };
    let naive = go(&base);
    assert_eq!(naive.tasks.len(), 5);
    assert!(forgetting(&naive) > 0.7);
    for (kind, embedding) in [
        (StrategyKind::Ncm, Embedding::Raw),
        (StrategyKind::Ncm, Embedding::Frozen),
        (StrategyKind::Ncm, Embedding::Learned),
        (StrategyKind::Slda, Embedding::Raw),
    ] {
        let r = go(&ClConfig {
            strategy: kind,
            embedding,
            ..base.clone()
        });
        eprintln!("  ({kind:?} on {embedding:?})");
        let margin = if embedding == Embedding::Learned {
            0.1
        } else {
            0.3
        };
        assert!(
            acc(&r) > acc(&naive) + margin,
            "{kind:?} {embedding:?}: {}",
            acc(&r)
        );
        assert!(forgetting(&r) < 0.3, "{kind:?} {embedding:?}");
    }
}

#[test]
fn rotated_blurry_and_reoccurring_streams() {
    // rotated 2-D blobs: every class in every task
    let rot = go(&ClConfig {
        scenario: ScenarioConfig::Rotated(Rotated::default()),
        ..ClConfig::default()
    });
    assert_eq!(rot.tasks.len(), 4);
    assert!(rot.tasks[3].contains("90"));
    // blurry: the first task's training data holds other tasks' classes too
    let digits = None;
    let config = ClConfig {
        scenario: ScenarioConfig::Blurry(Blurry {
            blur: 0.2,
            ..Blurry::default()
        }),
        ..ClConfig::default()
    };
    let run = pollster::block_on(ClRun::new(&config, digits)).expect("run");
    let task0 = &run.stream().tasks[0].train;
    let foreign = task0.labels.iter().filter(|&&l| l > 1).count();
    let share = foreign as f64 / task0.len() as f64;
    assert!((0.05..0.25).contains(&share), "{share}");
    // Naive on the blurry stream forgets less than on the clean one: old classes keep coming
    let blurry = go(&config);
    let clean = go(&ClConfig::default());
    assert!(forgetting(&blurry) < forgetting(&clean));
    // re-occurring: tasks come back, and a revisit restores what Naive had lost
    let re = go(&ClConfig {
        scenario: ScenarioConfig::Reoccurring(Reoccurring {
            segments: 9,
            ..Reoccurring::default()
        }),
        ..ClConfig::default()
    });
    assert_eq!(re.order.len(), 9);
    assert_eq!(re.accuracy_matrix.len(), 9);
    let revisit = (1..9).find(|&s| re.order[s] == 0 && re.order[s - 1] != 0);
    if let Some(s) = revisit {
        assert!(re.accuracy_matrix[s][0] > re.accuracy_matrix[s - 1][0]);
    }
    assert!(
        re.metrics
            .as_ref()
            .expect("done")
            .average_accuracy
            .is_finite()
    );
}

#[test]
fn protonet_runs_and_reports_its_forgetting() {
    let r = go(&with(StrategyKind::Protonet));
    for j in 0..3 {
        assert!(r.accuracy_matrix[j][j] > 0.9, "{:?}", r.accuracy_matrix);
    }
}

#[test]
fn same_seed_same_run_and_bad_configs_are_typed() {
    let config = ClConfig {
        iterations_per_task: 20,
        ..ClConfig::default()
    };
    assert_eq!(go(&config), go(&config));
    let bad = |c: ClConfig| {
        pollster::block_on(run(&c, None))
            .expect_err("rejected")
            .field()
            .map(str::to_owned)
    };
    let c = ClConfig {
        dataset: DataConfig::TwoD(TwoDConfig {
            classes: 1,
            ..TwoDConfig::default()
        }),
        ..ClConfig::default()
    };
    assert_eq!(bad(c).as_deref(), Some("dataset.classes"));
    let c = ClConfig {
        hidden: vec![0],
        ..ClConfig::default()
    };
    assert_eq!(bad(c).as_deref(), Some("hidden[0]"));
    let c = ClConfig {
        scenario: ScenarioConfig::ClassIncremental(ClassIncremental {
            classes_per_task: 4,
        }),
        ..ClConfig::default()
    };
    assert_eq!(bad(c).as_deref(), Some("scenario.classesPerTask"));
    let c = ClConfig {
        scenario: ScenarioConfig::Permuted(Permuted::default()),
        ..ClConfig::default()
    };
    assert_eq!(bad(c).as_deref(), Some("scenario.kind"));
    let c = ClConfig {
        dataset: DataConfig::Digits(DigitsConfig::default()),
        ..ClConfig::default()
    };
    assert_eq!(bad(c).as_deref(), Some("dataset.kind"));
    let c = ClConfig {
        temperature: f64::NAN,
        ..ClConfig::default()
    };
    assert_eq!(bad(c).as_deref(), Some("temperature"));
    // JSON: unknown keys and wrong kinds are named
    let err = ClConfig::from_json(r#"{"scenario": {"kind": "permuted", "task": 3}}"#)
        .expect_err("unknown key");
    eprintln!("{err}");
    assert!(err.to_string().contains("task"), "{err}");
    let err = ClConfig::from_json(r#"{"strategy": "icarl"}"#).expect_err("unknown strategy");
    assert_eq!(err.field(), Some("strategy"));
}

/// Learn apart, merge together (docs/SCIENCE.md §3): clients that each learned their share of
/// the classes know only those (accuracy on all classes at most their share), and merged they
/// are the learner that read everyone's data — for NCM, SLDA and the analytic head, disjoint or
/// overlapping shares, raw or frozen features.
#[test]
fn clients_that_learn_apart_merge_into_the_joint_learner() {
    use iclab::continual::run::federated::{
        ClientSplit, FederatedConfig, MergeLearner, run_federated,
    };
    let base = |learner, split, embedding| FederatedConfig {
        learner,
        run: ClConfig {
            dataset: DataConfig::TwoD(TwoDConfig {
                classes: 8,
                ..TwoDConfig::default()
            }),
            embedding,
            features: 64,
            ..ClConfig::default()
        },
        clients: 4,
        split,
        ..FederatedConfig::default()
    };
    for (learner, split, embedding) in [
        (MergeLearner::Ncm, ClientSplit::Disjoint, Embedding::Raw),
        (MergeLearner::Slda, ClientSplit::Overlapping, Embedding::Raw),
        (
            MergeLearner::Analytic,
            ClientSplit::Disjoint,
            Embedding::Raw,
        ),
        (
            MergeLearner::Ncm,
            ClientSplit::Overlapping,
            Embedding::Frozen,
        ),
    ] {
        let config = base(learner, split, embedding);
        let r = pollster::block_on(run_federated(&config, None)).expect("run");
        let what = format!("{learner:?} {split:?} {embedding:?}");
        assert_eq!(r.clients.len(), 4, "{what}");
        for c in &r.clients {
            let share = c.classes.len() as f64 / 8.0;
            assert!(c.scores.accuracy <= share + 1e-9, "{what}: {c:?}");
            // a class the client never saw is never right
            for (k, &a) in c.scores.per_class.iter().enumerate() {
                if !c.classes.contains(&(k as u32)) {
                    assert_eq!(a, 0.0, "{what}: class {k}");
                }
            }
        }
        assert!(r.merge_error < 1e-5, "{what}: {}", r.merge_error);
        assert_eq!(r.merged.per_class, r.joint.per_class, "{what}");
        let best = r
            .clients
            .iter()
            .map(|c| c.scores.accuracy)
            .fold(0.0, f64::max);
        assert!(
            r.merged.accuracy > best,
            "{what}: merged {} vs {best}",
            r.merged.accuracy
        );
        // FedAvg of the MLP (2 → 64 → 64 → 8): every weight each round, and after its rounds
        // a network that knows more classes than any one client
        let fedavg = r.fedavg.as_ref().expect("5 rounds by default");
        assert_eq!(
            fedavg.numbers_per_round,
            2 * 64 + 64 + 64 * 64 + 64 + 64 * 8 + 8
        );
        assert!(fedavg.scores.accuracy > best, "{what}: FedAvg {fedavg:?}");
    }
    let none = FederatedConfig {
        rounds: 0,
        ..base(MergeLearner::Ncm, ClientSplit::Disjoint, Embedding::Raw)
    };
    assert!(
        pollster::block_on(run_federated(&none, None))
            .expect("run")
            .fedavg
            .is_none()
    );
    // what cannot merge is refused by name
    let refused = |config: FederatedConfig| {
        config
            .validate()
            .expect_err("refused")
            .field()
            .map(str::to_owned)
    };
    let mut replay = base(MergeLearner::Ncm, ClientSplit::Disjoint, Embedding::Raw);
    replay.run.strategy = StrategyKind::Replay; // the learner is `learner`, not the run's
    assert_eq!(refused(replay).as_deref(), Some("run.strategy"));
    let learned = base(MergeLearner::Ncm, ClientSplit::Disjoint, Embedding::Learned);
    assert_eq!(refused(learned).as_deref(), Some("run.embedding"));
    let mut many = base(MergeLearner::Ncm, ClientSplit::Disjoint, Embedding::Raw);
    many.clients = 9;
    assert_eq!(refused(many).as_deref(), Some("clients"));
    let mut few_classes = base(MergeLearner::Ncm, ClientSplit::Disjoint, Embedding::Raw);
    few_classes.run.dataset = DataConfig::TwoD(TwoDConfig {
        classes: 3,
        ..TwoDConfig::default()
    });
    let err =
        pollster::block_on(run_federated(&few_classes, None)).expect_err("3 classes, 4 clients");
    assert_eq!(err.field(), Some("clients"));
}

/// Learn apart, merge together across pages (docs/SCIENCE.md §3): each client learns its share
/// here, its share travels as JSON, and a client that merged every other share scores exactly as
/// the whole run's merged learner; a share is refused by name, changing nothing, when it is
/// malformed, from another feature space, another learner, its own, or merged already.
#[test]
fn shares_travel_as_json_and_merge_into_every_class() {
    use iclab::continual::run::classroom::{FederatedClient, Share};
    use iclab::continual::run::federated::{
        ClientSplit, FederatedConfig, MergeLearner, run_federated,
    };
    use iclab::pace::Pace;
    let base = |learner, embedding, seed| FederatedConfig {
        learner,
        run: ClConfig {
            dataset: DataConfig::TwoD(TwoDConfig {
                classes: 6,
                ..TwoDConfig::default()
            }),
            embedding,
            seed,
            ..ClConfig::default()
        },
        clients: 3,
        split: ClientSplit::Overlapping,
        rounds: 0,
    };
    let learn = |config: &FederatedConfig, i| {
        pollster::block_on(FederatedClient::learn(config, i, None, &mut Pace::free()))
            .expect("learn")
    };
    for (learner, embedding) in [
        (MergeLearner::Ncm, Embedding::Raw),
        (MergeLearner::Slda, Embedding::Frozen),
    ] {
        let config = base(learner, embedding, 0);
        let what = format!("{learner:?} {embedding:?}");
        let whole = pollster::block_on(run_federated(&config, None)).expect("run");
        let mut clients: Vec<FederatedClient> = (0..3).map(|i| learn(&config, i)).collect();
        let shares: Vec<String> = clients.iter().map(|c| c.share().to_json()).collect();
        let first = &mut clients[0];
        let alone = first.state();
        assert_eq!(alone.alone, whole.clients[0].scores, "{what}");
        assert_eq!(alone.known, alone.own, "{what}");
        for text in &shares[1..] {
            first
                .merge(&Share::from_json(text).expect("a share"))
                .expect("merge");
        }
        let now = first.state();
        assert_eq!(now.known, (0..6).collect::<Vec<u32>>(), "{what}");
        assert_eq!(now.merged.len(), 2, "{what}");
        // exactly the whole run's merged learner (up to the rounding of a JSON round trip)
        let diff = now
            .now
            .per_class
            .iter()
            .zip(&whole.merged.per_class)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max);
        assert!(
            diff <= 1.0 / 50.0,
            "{what}: {:?} vs {:?}",
            now.now,
            whole.merged
        );
        assert!(now.now.accuracy > alone.alone.accuracy + 0.3, "{what}");
        assert_eq!(now.share_bytes, shares[0].len() as u64);

        // refused by name, and the client is unchanged after each
        let refuse = |client: &mut FederatedClient, text: &str| -> String {
            let err = Share::from_json(text)
                .and_then(|s| client.merge(&s))
                .expect_err(text);
            err.field().unwrap_or_default().to_owned()
        };
        assert_eq!(refuse(first, &shares[1]), "share", "{what}: merged already");
        assert_eq!(refuse(first, &shares[0]), "share", "{what}: its own");
        let mut bad: serde_json::Value = serde_json::from_str(&shares[1]).expect("JSON");
        bad["stats"][0]["mean"][0] = serde_json::json!("NaN");
        assert_eq!(
            refuse(first, &bad.to_string()),
            "share",
            "{what}: not a number"
        );
        let mut bad: serde_json::Value = serde_json::from_str(&shares[1]).expect("JSON");
        bad["stats"][0]["mean"]
            .as_array_mut()
            .expect("a list")
            .pop();
        assert_eq!(
            refuse(first, &bad.to_string()),
            "share.stats[0].mean",
            "{what}"
        );
        let mut bad: serde_json::Value = serde_json::from_str(&shares[1]).expect("JSON");
        bad["stats"][0]["count"] = serde_json::json!(0);
        assert_eq!(
            refuse(first, &bad.to_string()),
            "share.stats[0].count",
            "{what}"
        );
        let mut bad: serde_json::Value = serde_json::from_str(&shares[1]).expect("JSON");
        bad["stats"][0]["class"] = serde_json::json!(6);
        assert_eq!(
            refuse(first, &bad.to_string()),
            "share.stats[0].class",
            "{what}"
        );
        let mut bad: serde_json::Value = serde_json::from_str(&shares[1]).expect("JSON");
        bad["format"] = serde_json::json!("iclab/federated-share/9");
        assert_eq!(refuse(first, &bad.to_string()), "share.format", "{what}");
        assert_eq!(refuse(first, "{\"not\": \"a share\"}"), "share", "{what}");
        let mut bad: serde_json::Value = serde_json::from_str(&shares[1]).expect("JSON");
        bad["space"]["dataset"]["noise"] = serde_json::json!(0.3);
        assert_eq!(
            refuse(first, &bad.to_string()),
            "share.space.dataset.noise",
            "{what}"
        );
        let other_space = learn(&base(learner, embedding, 7), 1).share().to_json();
        let field = refuse(first, &other_space);
        if embedding == Embedding::Frozen {
            assert_eq!(field, "share.space.seed", "{what}: another embedding");
        } else {
            // raw inputs do not depend on the run's seed: the same points, one space
            assert_eq!(
                field, "share",
                "{what}: the same statistics as client 1's, merged"
            );
        }
        let other = if learner == MergeLearner::Ncm {
            MergeLearner::Slda
        } else {
            MergeLearner::Ncm
        };
        let other_learner = learn(&base(other, embedding, 0), 1).share().to_json();
        assert_eq!(refuse(first, &other_learner), "share.learner", "{what}");
        if learner == MergeLearner::Slda {
            let mut bad: serde_json::Value = serde_json::from_str(&shares[1]).expect("JSON");
            bad["scatter"].as_array_mut().expect("a list").pop();
            assert_eq!(refuse(first, &bad.to_string()), "share.scatter", "{what}");
        }
        assert_eq!(
            first.state(),
            now,
            "{what}: a refused share changes nothing"
        );
    }
    // the analytic head does not travel between pages
    let analytic = base(MergeLearner::Analytic, Embedding::Raw, 0);
    let err = pollster::block_on(FederatedClient::learn(
        &analytic,
        0,
        None,
        &mut Pace::free(),
    ))
    .err()
    .expect("refused");
    assert_eq!(err.field(), Some("learner"));
    let err = pollster::block_on(FederatedClient::learn(
        &base(MergeLearner::Ncm, Embedding::Raw, 0),
        3,
        None,
        &mut Pace::free(),
    ))
    .err()
    .expect("refused");
    assert_eq!(err.field(), Some("client"));
}

/// Loss of plasticity (docs/SCIENCE.md §3; Dohare et al. 2024), on the native seeded run: on a
/// long stream of permuted digits, plain backprop (Adam at 0.01, a 32-32 MLP) learns each new
/// task worse — new-task accuracy falls, units die, the last hidden layer's effective rank falls,
/// weights grow — while shrink and perturb and weight decay keep learning new tasks.
#[test]
fn plain_backprop_loses_plasticity_and_shrink_perturb_keeps_it() {
    let config = |strategy| ClConfig {
        dataset: DataConfig::Digits(DigitsConfig {
            per_class: 100,
            test_per_class: 50,
            ..DigitsConfig::default()
        }),
        scenario: ScenarioConfig::Permuted(Permuted { tasks: 60 }),
        strategy,
        hidden: vec![32, 32],
        learning_rate: 0.01,
        iterations_per_task: 100,
        eval_every: 100_000,
        ..ClConfig::default()
    };
    let mean = |xs: &[f64]| xs.iter().sum::<f64>() / xs.len() as f64;
    let run_of = |strategy| {
        let r = go(&config(strategy));
        assert_eq!(r.plasticity.len(), 60);
        let acc: Vec<f64> = r.plasticity.iter().map(|p| p.new_task_accuracy).collect();
        (mean(&acc[..10]), mean(&acc[50..]), r)
    };
    let (first, last, naive) = run_of(StrategyKind::Naive);
    assert!(
        last < first - 0.1,
        "plain backprop: new tasks {first:.3} → {last:.3}"
    );
    let (p0, p1) = (&naive.plasticity[0], &naive.plasticity[59]);
    assert!(
        p1.dead_units > p0.dead_units + 0.1,
        "dead units {p0:?} → {p1:?}"
    );
    assert!(
        p1.effective_rank < p0.effective_rank - 2.0,
        "effective rank {p0:?} → {p1:?}"
    );
    assert!(
        p1.weight_magnitude > 2.0 * p0.weight_magnitude,
        "|w| {p0:?} → {p1:?}"
    );
    for strategy in [StrategyKind::ShrinkPerturb, StrategyKind::WeightDecay] {
        let (first, last, _) = run_of(strategy);
        assert!(
            last > first - 0.05,
            "{strategy:?}: new tasks {first:.3} → {last:.3}"
        );
    }
}
