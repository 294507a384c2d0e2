//! Next-state prediction in context on Markov chains (docs/SCIENCE.md §7): the paper's
//! two-layer attention-only model with relative positions passes through the three stages —
//! uniform, unigram, bigram — as the core decides them, and its attention shows the statistical
//! induction head (a previous-state head in layer 1, a head in layer 2 that reads the positions
//! after earlier occurrences of the current state).
#![cfg(not(target_family = "wasm"))]

use burn::tensor::{Int, Tensor, TensorData};
use iclab::device::DeviceChoice;
use iclab::markov::Stage;
use iclab::markov::model::{MarkovBackbone, MarkovModelConfig};
use iclab::markov::session::{MarkovRunConfig, MarkovSession};
use iclab::markov::stage::stages_seen;

/// The default setting (k = 3, T = 64, width 16, Adam 1e-3, batch 32), seed 0, 1,000 steps:
/// natively the bigram stage is decided from step 450 (seeds 1–3: 650, 675, 525).
#[test]
fn three_stages_in_order_and_an_induction_head() {
    let config = MarkovRunConfig {
        device: DeviceChoice::Cpu,
        ..MarkovRunConfig::default()
    };
    pollster::block_on(async {
        let mut session = MarkovSession::new(config).await.expect("session");
        let mut history = vec![(0, session.evaluate().await.expect("evaluate").stage.stage)];
        let mut last = None;
        while session.step() < 1000 {
            session.train(50).await.expect("train");
            let e = session.evaluate().await.expect("evaluate");
            history.push((e.step, e.stage.stage));
            last = Some(e);
        }
        let seen: Vec<Stage> = stages_seen(&history).into_iter().map(|(s, _)| s).collect();
        assert_eq!(
            seen,
            vec![Stage::Uniform, Stage::Unigram, Stage::Bigram],
            "{history:?}"
        );
        let last = last.expect("evaluated");
        assert_eq!(last.stage.stage, Stage::Bigram, "{}", last.stage.statement);
        let previous = last
            .attention
            .iter()
            .filter(|h| h.layer == 0)
            .map(|h| h.previous_state);
        let induction = last
            .attention
            .iter()
            .filter(|h| h.layer == 1)
            .map(|h| h.induction);
        assert!(previous.fold(0.0, f64::max) > 0.4, "{:?}", last.attention);
        assert!(induction.fold(0.0, f64::max) > 0.6, "{:?}", last.attention);
    });
}

/// Causal, whichever backbone: a prediction never depends on a later state, and the last one
/// does (the model reads its input).
#[test]
fn no_backbone_reads_the_future() {
    let device = burn::tensor::Device::flex();
    for backbone in MarkovBackbone::ALL {
        let model = MarkovModelConfig {
            backbone,
            states: 3,
            length: 10,
            width: 16,
            layers: 2,
            first_heads: 2,
        }
        .init(&device);
        let states = |last: i64| {
            Tensor::<2, Int>::from_data(
                TensorData::new(vec![0i64, 1, 2, 1, 0, 2, 2, 1, 0, last], [1, 10]),
                &device,
            )
        };
        let (a, b) = (model.forward(states(0)), model.forward(states(2)));
        assert_eq!(a.dims(), [1, 10, 3], "{backbone:?}");
        let values = |t: Tensor<3>| -> Vec<f32> { t.into_data().try_to_vec().expect("f32") };
        assert_eq!(
            values(a.clone().narrow(1, 0, 9)),
            values(b.clone().narrow(1, 0, 9)),
            "{backbone:?}"
        );
        assert_ne!(
            values(a.narrow(1, 9, 1)),
            values(b.narrow(1, 9, 1)),
            "{backbone:?}"
        );
    }
}

#[test]
fn bad_runs_are_named() {
    let bad = |config: MarkovRunConfig| {
        MarkovRunConfig::from_json(&serde_json::to_string(&config).expect("json"))
            .expect_err("invalid")
            .field()
            .map(str::to_owned)
    };
    let d = MarkovRunConfig::default();
    let mut c = d.clone();
    c.task.states = 1;
    assert_eq!(bad(c).as_deref(), Some("task.states"));
    let mut c = d.clone();
    c.task.order = 3;
    c.width = 15;
    assert_eq!(bad(c).as_deref(), Some("width"));
    let c = MarkovRunConfig {
        learning_rate: 0.0,
        ..d
    };
    assert_eq!(bad(c).as_deref(), Some("learningRate"));
}

/// The position-by-position trace of the first test sequence agrees with the last position's
/// numbers, and its bigram column is the rule's count from each prefix.
#[test]
fn the_trace_reads_the_sequence_position_by_position() {
    let config = MarkovRunConfig {
        device: DeviceChoice::Cpu,
        eval_sequences: 16,
        ..MarkovRunConfig::default()
    };
    let e = pollster::block_on(async {
        MarkovSession::new(config.clone())
            .await
            .expect("session")
            .evaluate()
            .await
            .expect("evaluate")
    });
    let t = &e.trace;
    let length = config.task.length as usize;
    assert_eq!(t.states.len(), length);
    assert_eq!((t.model.len(), t.bigram.len()), (length - 1, length - 1));
    assert_eq!(t.states[..length - 1], e.example[..]);
    let next = t.states[length - 1] as usize;
    let close = |a: f64, b: f64| (a - b).abs() < 1e-6;
    assert!(close(t.model[length - 2], e.example_model[next]), "{t:?}");
    assert!(close(t.bigram[length - 2], e.example_bigram[next]), "{t:?}");
    // after the first state nothing has been counted: (0 + α) / (0 + kα) = 1/k
    assert!(close(t.bigram[0], 1.0 / 3.0), "{t:?}");
    // at position 1, one transition is known: (count + 1) / (count(from) + 3), by hand
    let s = &t.states;
    let from = u32::from(s[0] == s[1]);
    let hit = u32::from(s[0] == s[1] && s[1] == s[2]);
    assert!(
        close(t.bigram[1], f64::from(hit + 1) / f64::from(from + 3)),
        "{t:?}"
    );
}
