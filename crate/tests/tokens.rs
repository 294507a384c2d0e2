//! Token layouts (crate/src/icl/tokens.rs): the numbers each layout puts in each token, and
//! that no layout lets the model see the answer it is asked to predict.
#![cfg(not(target_family = "wasm"))]

use burn::tensor::{Device, Tensor};
use iclab::Session;
use iclab::device::DeviceChoice;
use iclab::icl::config::{Backbone, SessionConfig};
use iclab::icl::evaluate::EvalConfig;
use iclab::icl::{PromptBatch, TaskKind, TokenLayout};
use rand::SeedableRng;
use rand::rngs::StdRng;

fn values<const D: usize>(t: Tensor<D>) -> Vec<f32> {
    t.into_data().try_into_vec::<f32>().expect("f32")
}

/// One prompt of 3 points in 2 dims with recognizable numbers.
fn prompt() -> PromptBatch {
    PromptBatch {
        batch: 1,
        points: 3,
        dims: 2,
        xs: vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
        ys: vec![10.0, 20.0, 30.0],
    }
}

#[test]
fn interleaved_tokens_are_the_reference_layout() {
    let t = prompt().tokens(TokenLayout::Interleaved, &Device::flex());
    assert_eq!(t.dims(), [1, 6, 2]);
    #[rustfmt::skip]
    assert_eq!(values(t), [
        1.0, 2.0,   10.0, 0.0,
        3.0, 4.0,   20.0, 0.0,
        5.0, 6.0,   30.0, 0.0,
    ]);
}

#[test]
fn paired_tokens_hold_the_query_and_the_example_before_it() {
    let t = prompt().tokens(TokenLayout::Paired, &Device::flex());
    assert_eq!(t.dims(), [1, 3, 5]);
    let v = values(t);
    #[rustfmt::skip]
    assert_eq!(v, [
        1.0, 2.0,   0.0, 0.0, 0.0,
        3.0, 4.0,   1.0, 2.0, 10.0,
        5.0, 6.0,   3.0, 4.0, 20.0,
    ]);
    // the last example's y is in no token: nothing is predicted after it
    assert!(!v.contains(&30.0));
}

#[test]
fn predictions_are_one_per_example_in_both_layouts() {
    let device = Device::flex();
    let per_token = Tensor::<1>::from_floats([0.0, 1.0, 2.0, 3.0, 4.0, 5.0], &device);
    let at_x = TokenLayout::Interleaved.predictions(per_token.clone().reshape([1, 6]));
    assert_eq!(values(at_x), [0.0, 2.0, 4.0]);
    let paired = TokenLayout::Paired.predictions(per_token.reshape([2, 3]));
    assert_eq!(values(paired), [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]);
    assert_eq!(TokenLayout::Paired.width(5), 11);
    assert_eq!(TokenLayout::Paired.seq_len(11), 11);
    assert_eq!(TokenLayout::Interleaved.seq_len(11), 22);
}

/// Perturbing `y_i` leaves the prediction at `i` (and before) unchanged and changes later ones;
/// perturbing `x_i` changes the prediction at `i`. For both backbones and both layouts, on an
/// untrained model (any weights must respect it: it is the causal structure, not a skill).
#[test]
fn no_layout_shows_the_model_the_answer_it_predicts() {
    let mut rng = StdRng::seed_from_u64(11);
    let class = TaskKind::Linear.class();
    let base = PromptBatch::sample(class.as_ref(), &mut rng, 1, 6, 3);
    for model in [Backbone::Transformer, Backbone::Xlstm] {
        for tokens in TokenLayout::ALL {
            let config = SessionConfig {
                model,
                tokens,
                dims: 3,
                points: 6,
                layers: Some(2),
                d_model: Some(16),
                heads: Some(2),
                device: DeviceChoice::Cpu,
                seed: 3,
                ..SessionConfig::default()
            };
            pollster::block_on(async {
                let session = Session::new(config).await.expect("session");
                let before = session.predict(&base).await.expect("predict");
                for i in 0..6 {
                    let mut y = base.clone();
                    y.ys[i] += 7.0;
                    let after = session.predict(&y).await.expect("predict");
                    for j in 0..=i {
                        assert!(
                            (before[j] - after[j]).abs() < 1e-5,
                            "{model:?} {tokens:?}: y_{i} reached the prediction at {j}"
                        );
                    }
                    if i + 1 < 6 {
                        assert!(
                            (before[i + 1] - after[i + 1]).abs() > 1e-6,
                            "{model:?} {tokens:?}: the prediction at {} ignores y_{i}",
                            i + 1
                        );
                    }
                    let mut x = base.clone();
                    x.xs[i * 3] -= 3.0;
                    let after = session.predict(&x).await.expect("predict");
                    assert!(
                        (before[i] - after[i]).abs() > 1e-6,
                        "{model:?} {tokens:?}: the prediction at {i} ignores its own x"
                    );
                }
            });
        }
    }
}

/// A seed's first step at the target, or the trail of (step, error) that never reached it.
type Reached = Result<u32, Vec<(u32, f64)>>;

/// The first step (on the page's cadence: an evaluation every 25 steps on 1,280 fresh prompts)
/// at which the from-scratch default's normalized error at k = 2d is at most 0.1, within 1,000
/// steps; `Err` with the trail of errors otherwise.
fn steps_to_target(seed: u32) -> Reached {
    let config = SessionConfig {
        device: DeviceChoice::Cpu,
        seed,
        ..SessionConfig::from_scratch()
    };
    let k = 2 * config.dims as usize;
    pollster::block_on(async {
        let mut session = Session::new(config).await.expect("session");
        let eval = EvalConfig {
            prompts: 1280,
            baselines: Vec::new(),
            ..EvalConfig::default()
        };
        let mut trail = Vec::new();
        while session.step() < 1000 {
            // before step 300 no seed measured was near the target
            session
                .train(if session.step() < 300 { 300 } else { 25 })
                .await
                .expect("train");
            let error = session.evaluate(&eval).await.expect("eval").curves["model"].mean[k];
            trail.push((session.step(), error));
            if error <= 0.1 {
                return Ok(session.step());
            }
        }
        Err(trail)
    })
}

/// The in-context page's from-scratch default keeps its promise for (nearly) every seed a
/// visitor may pick: from a blank model the normalized error at k = 2d falls to 0.1
/// (docs/SCIENCE.md §1a) within the page's 1,000 steps for at least 19 of seeds 0…19 (issue 35;
/// measured 19 of 20 with `scripts/scratch-search.mjs`, median step 525, worst 925; seed 12 at
/// 0.15). Seeded and deterministic on the CPU; the seeds run on two threads.
#[test]
fn the_from_scratch_default_learns_in_context_for_nineteen_of_twenty_seeds() {
    let seeds: Vec<u32> = (0..20).collect();
    let results: Vec<(u32, Reached)> = std::thread::scope(|scope| {
        let workers: Vec<_> = seeds
            .chunks(10)
            .map(|chunk| {
                scope.spawn(move || {
                    chunk
                        .iter()
                        .map(|&seed| (seed, steps_to_target(seed)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().expect("worker"))
            .collect()
    });
    for (seed, r) in &results {
        match r {
            Ok(step) => eprintln!("seed {seed}: error <= 0.1 at k = 2d at step {step}"),
            Err(trail) => eprintln!("seed {seed}: not within 1,000 steps: {trail:?}"),
        }
    }
    let reached = results.iter().filter(|(_, r)| r.is_ok()).count();
    assert!(reached >= 19, "{reached} of 20 seeds reached the target");
}
