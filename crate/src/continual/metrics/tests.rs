//! Tests of the continual-learning metrics against hand-computed accuracy matrices.
use super::*;

fn approx(a: f64, b: f64) {
    assert!((a - b).abs() < 1e-12, "{a} vs {b}");
}

/// Three tasks, worked by hand:
/// ```text
///            task0  task1  task2
/// after 0     0.9    0.3    0.2
/// after 1     0.6    0.8    0.4
/// after 2     0.5    0.7    0.9
/// ```
fn r() -> Vec<Vec<f64>> {
    vec![
        vec![0.9, 0.3, 0.2],
        vec![0.6, 0.8, 0.4],
        vec![0.5, 0.7, 0.9],
    ]
}

#[test]
fn boundary_metrics_by_hand() {
    // ACC = (0.5 + 0.7 + 0.9) / 3 = 0.7
    approx(average_accuracy(&r()).expect("valid"), 0.7);
    // Chaudhry: task0 max(0.9, 0.6) − 0.5 = 0.4; task1 max(0.3, 0.8) − 0.7 = 0.1
    let max = forgetting_per_task(&r(), Forgetting::Max).expect("valid");
    approx(max[0], 0.4);
    approx(max[1], 0.1);
    approx(forgetting(&r(), Forgetting::Max).expect("valid"), 0.25);
    // Avalanche: task0 R00 − R20 = 0.4; task1 R11 − R21 = 0.1 (same here) ...
    approx(
        forgetting(&r(), Forgetting::SinceLearned).expect("valid"),
        0.25,
    );
    // ... and they differ when a task peaks after it was learned: task0 0.6 → 0.9 → 0.7.
    // Max: task0 0.9 − 0.7 = 0.2, task1 0.8 − 0.8 = 0 → 0.1;
    // since learned: task0 0.6 − 0.7 = −0.1, task1 0 → −0.05.
    let late = vec![
        vec![0.6, 0.2, 0.1],
        vec![0.9, 0.8, 0.3],
        vec![0.7, 0.8, 0.9],
    ];
    approx(forgetting(&late, Forgetting::Max).expect("valid"), 0.1);
    approx(
        forgetting(&late, Forgetting::SinceLearned).expect("valid"),
        -0.05,
    );
    // BWT = ((0.5 − 0.9) + (0.7 − 0.8)) / 2 = −0.25
    approx(backward_transfer(&r()).expect("valid"), -0.25);
    // FWT with b = (0.1, 0.25, 0.3): ((0.3 − 0.25) + (0.4 − 0.3)) / 2 = 0.075
    approx(
        forward_transfer(&r(), &[0.1, 0.25, 0.3]).expect("valid"),
        0.075,
    );
}

/// Tasks that come back: 4 segments visiting tasks 0, 1, 0, 1 (first seen at 0 and 1).
#[test]
fn reoccurring_stream_by_hand() {
    let r = vec![
        vec![0.9, 0.1],
        vec![0.4, 0.8],
        vec![0.95, 0.3],
        vec![0.6, 0.85],
    ];
    let m = boundary_metrics(&r, &[0, 1], &[0.5, 0.2]).expect("valid");
    // ACC = (0.6 + 0.85) / 2
    approx(m.average_accuracy, 0.725);
    // Max: task0 0.95 − 0.6, task1 0.8 − 0.85 (a rise shows as negative forgetting)
    approx(m.forgetting_max[0], 0.35);
    approx(m.forgetting_max[1], -0.05);
    // since learned (first visit): task0 0.9 − 0.6, task1 0.8 − 0.85
    approx(m.forgetting_since_learned[0], 0.3);
    approx(m.forgetting_since_learned[1], -0.05);
    // BWT = ((0.6 − 0.9) + (0.85 − 0.8)) / 2; FWT: task1 before its first visit 0.1 − 0.2
    approx(m.backward_transfer, -0.125);
    approx(m.forward_transfer, -0.1);
    let err = boundary_metrics(&r, &[0, 4], &[0.5, 0.2]).expect_err("segment 4");
    assert_eq!(err.field(), Some("first[1]"));
}

#[test]
fn one_task_has_no_forgetting_or_transfer() {
    let one = vec![vec![0.8]];
    approx(average_accuracy(&one).expect("valid"), 0.8);
    approx(forgetting(&one, Forgetting::Max).expect("valid"), 0.0);
    approx(backward_transfer(&one).expect("valid"), 0.0);
    approx(forward_transfer(&one, &[0.5]).expect("valid"), 0.0);
}

#[test]
fn malformed_inputs_name_the_entry() {
    let err = average_accuracy(&[vec![0.5, 0.5], vec![0.5]]).expect_err("must be rejected");
    assert_eq!(err.field(), Some("accuracyMatrix[1]"));
    let err = average_accuracy(&[vec![f64::NAN]]).expect_err("must be rejected");
    assert_eq!(err.field(), Some("accuracyMatrix[0][0]"));
    assert_eq!(
        average_accuracy(&[]).expect_err("must be rejected").field(),
        Some("accuracyMatrix")
    );
    let err = forward_transfer(&r(), &[0.1]).expect_err("must be rejected");
    assert_eq!(err.field(), Some("randomInit"));
}

/// Two tasks, evaluated at 8 points; task 0 ends at point 3 (a stability gap at 4–5).
/// ```text
/// point      0    1    2    3    4    5    6    7
/// task0    0.5  0.7  0.9  0.95 0.4  0.6  0.8  0.85
/// task1    0.1  0.1  0.1  0.1  0.5  0.7  0.8  0.9
/// ```
fn curves() -> ContinualCurves {
    ContinualCurves {
        acc: vec![
            vec![0.5, 0.7, 0.9, 0.95, 0.4, 0.6, 0.8, 0.85],
            vec![0.1, 0.1, 0.1, 0.1, 0.5, 0.7, 0.8, 0.9],
        ],
        ends: vec![3],
    }
}

#[test]
fn continual_evaluation_by_hand() {
    let c = curves();
    // Before task 0's end has been followed by an evaluation: no min-ACC.
    assert_eq!(c.min_acc(3).expect("valid"), None);
    // min over points 4..=5 of task 0 = 0.4; over 4..=7 still 0.4.
    approx(c.min_acc(5).expect("valid").expect("valid"), 0.4);
    approx(c.min_acc(7).expect("valid").expect("valid"), 0.4);
    // WC-ACC at point 7 on task 1 (k = 2): 0.9/2 + 0.4/2 = 0.65
    approx(c.wc_acc(7, 1).expect("valid"), 0.65);
    // During task 0 (k = 1) it is just the current accuracy.
    approx(c.wc_acc(2, 0).expect("valid"), 0.9);
    // WF with windows of 2 consecutive points: task0 largest one-step drop 0.95 → 0.4 = 0.55,
    // task1 never drops: 0. Mean 0.275.
    let (per, mean) = c
        .windowed_forgetting(2, &[Some(0), Some(3)])
        .expect("valid");
    approx(per[0].expect("valid"), 0.55);
    approx(per[1].expect("valid"), 0.0);
    approx(mean, 0.275);
    // A window of 3 sees the same worst drop here; a slow decline shows the difference:
    let slow = ContinualCurves {
        acc: vec![vec![0.9, 0.8, 0.7, 0.6]],
        ends: vec![],
    };
    approx(
        slow.windowed_forgetting(2, &[Some(0)]).expect("valid").1,
        0.1,
    );
    approx(
        slow.windowed_forgetting(3, &[Some(0)]).expect("valid").1,
        0.2,
    );
    approx(
        slow.windowed_forgetting(10, &[Some(0)]).expect("valid").1,
        0.3,
    );
}

/// SCIENCE.md §3: a task counts from the evaluation where its own training starts. Task 1 falls
/// from its random-init accuracy 0.5 to 0.2 while task 0 trains (points 0–3): that is no
/// forgetting; its one real drop, 0.9 → 0.8 after point 5, is. A task not started has none.
#[test]
fn windowed_forgetting_skips_tasks_before_their_training() {
    let c = ContinualCurves {
        acc: vec![
            vec![0.3, 0.6, 0.9, 0.95, 0.95, 0.95, 0.95],
            vec![0.5, 0.4, 0.3, 0.2, 0.7, 0.9, 0.8],
            vec![0.6, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1],
        ],
        ends: vec![3],
    };
    let (per, mean) = c
        .windowed_forgetting(10, &[Some(0), Some(3), None])
        .expect("valid");
    approx(per[0].expect("task 0"), 0.0);
    approx(per[1].expect("task 1"), 0.1);
    assert_eq!(per[2], None, "task 2 was never trained");
    approx(mean, 0.05);
    // counted from point 0, task 1's fall before its training (0.5 → 0.2) would dominate
    approx(
        c.windowed_forgetting(10, &[Some(0), Some(0), None])
            .expect("valid")
            .0[1]
            .expect("task 1"),
        0.3,
    );
    assert_eq!(
        c.windowed_forgetting(10, &[Some(0), Some(9), None])
            .expect_err("must be rejected")
            .field(),
        Some("starts[1]")
    );
}

#[test]
fn stability_gap_by_hand() {
    // task 0 ends at point 3; the next segment's window is points 4–6
    let gap = stability_gap(&curves().acc[0], 3, 3, true, 1000).expect("valid");
    approx(gap.at_end, 0.95);
    approx(gap.lowest, 0.4);
    assert_eq!(gap.lowest_at, 4);
    approx(gap.drop, 0.55);
    approx(gap.at_next_end, 0.8);
    approx(gap.recovery, 0.4);
    assert_eq!(gap.kind, DipKind::StabilityGap, "0.4 of 0.55 came back");
    assert!(gap.settled);
    // the next segment's 3 points are not all evaluated yet (points 4–5 so far): not settled,
    // even when the caller says the segment ended; nor while the caller says it runs
    assert!(
        !stability_gap(&curves().acc[0][..6], 3, 3, true, 1000)
            .expect("valid")
            .settled
    );
    assert!(
        !stability_gap(&curves().acc[0], 3, 3, false, 1000)
            .expect("valid")
            .settled
    );
    assert_eq!(
        stability_gap(&[0.5, 0.6], 1, 3, true, 1000)
            .expect_err("must be rejected")
            .field(),
        Some("end")
    );
}

/// SCIENCE.md §3: a drop that does not come back is forgetting, not a stability gap. Naive
/// class-incremental training: the old task falls to 0 and stays there ("gap −0.95" on the chart
/// before this was told apart).
#[test]
fn a_drop_that_stays_is_forgetting() {
    let gap = stability_gap(&[0.5, 0.95, 0.05, 0.0, 0.02, 0.0], 1, 3, true, 1000).expect("valid");
    approx(gap.drop, 0.95);
    approx(gap.recovery, 0.02);
    assert_eq!(gap.kind, DipKind::Forgetting);
    // half back by the end of the next segment is the line
    let half = stability_gap(&[0.9, 0.4, 0.66], 0, 2, true, 1000).expect("valid");
    assert_eq!(half.kind, DipKind::StabilityGap);
    let less = stability_gap(&[0.9, 0.4, 0.64], 0, 2, true, 1000).expect("valid");
    assert_eq!(less.kind, DipKind::Forgetting);
}

/// A dip is a dip only past the sampling error of its two accuracies (and past 0.02): 0.1 on
/// 1,000 test examples is one (noise ≈ 0.02), on 40 it is not (noise ≈ 0.1); 0.015 is never one.
#[test]
fn a_dip_within_the_sampling_error_is_not_one() {
    let curve = [0.5, 0.9, 0.8, 0.85];
    let big = stability_gap(&curve, 1, 2, true, 1000).expect("valid");
    approx(big.drop, 0.1);
    assert!(big.evidence.decided, "{:?}", big.evidence);
    let few = stability_gap(&curve, 1, 2, true, 40).expect("valid");
    assert!(!few.evidence.decided, "{:?}", few.evidence);
    let tiny = stability_gap(&[0.5, 0.99, 0.975, 0.99], 1, 2, true, 1_000_000).expect("valid");
    assert!(!tiny.evidence.decided, "below MIN_DIP: {:?}", tiny.evidence);
}

#[test]
fn malformed_curves_are_errors() {
    let mut c = curves();
    c.ends = vec![9];
    assert_eq!(
        c.min_acc(7).expect_err("must be rejected").field(),
        Some("ends")
    );
    let mut c = curves();
    c.acc[1].pop();
    assert_eq!(
        c.min_acc(7).expect_err("must be rejected").field(),
        Some("curves[1]")
    );
    assert_eq!(
        curves()
            .windowed_forgetting(1, &[Some(0), Some(3)])
            .expect_err("must be rejected")
            .field(),
        Some("window")
    );
    assert_eq!(
        curves().wc_acc(9, 0).expect_err("must be rejected").field(),
        Some("current")
    );
}
