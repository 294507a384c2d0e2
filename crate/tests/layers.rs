//! What each layer computes (docs/SCIENCE.md §6): the per-layer read-out and the layer analysis
//! of a session, on the CPU (Flex) backend.
#![cfg(not(target_family = "wasm"))]

use burn::tensor::Device;
use iclab::Session;
use iclab::device::DeviceChoice;
use iclab::icl::config::{Backbone, SessionConfig};
use iclab::icl::layers::LayersConfig;
use iclab::icl::{PromptBatch, TaskKind, TokenLayout};
use rand::SeedableRng;
use rand::rngs::StdRng;

fn config(model: Backbone, tokens: TokenLayout) -> SessionConfig {
    SessionConfig {
        model,
        tokens,
        dims: 3,
        points: 7,
        batch_size: 32,
        layers: Some(2),
        d_model: Some(32),
        heads: Some(2),
        learning_rate: 3e-3,
        warmup_steps: 20,
        device: DeviceChoice::Cpu,
        seed: 3,
        ..SessionConfig::default()
    }
}

fn floats(t: burn::tensor::Tensor<2>) -> Vec<f32> {
    t.into_data().try_into_vec::<f32>().expect("f32")
}

/// The read-out of the last residual stream is the model's own output, for both backbones and
/// both token layouts; there is one stream per layer plus the read-in's, and the prediction
/// rows of a stream are its predicting tokens.
#[test]
fn the_last_layers_read_out_is_the_models_output() {
    let device = Device::flex();
    let class = TaskKind::Linear.class();
    for model in Backbone::ALL {
        for tokens in TokenLayout::ALL {
            let config = config(model, tokens);
            let net = iclab::model::seeded(&device, 1, || config.model().init(&device));
            let mut rng = StdRng::seed_from_u64(9);
            let batch = PromptBatch::sample(class.as_ref(), &mut rng, 4, 7, 3);
            let input = batch.tokens(tokens, &device);
            let streams = net.residual_streams(input.clone());
            assert_eq!(streams.len(), 3, "{model:?} {tokens:?}");
            let whole = floats(net.forward(input));
            let last = floats(net.read_out_of(streams[2].clone()));
            for (a, b) in whole.iter().zip(&last) {
                assert!((a - b).abs() < 1e-5, "{model:?} {tokens:?}: {a} vs {b}");
            }
            // an earlier layer's read-out is a different prediction
            let first = floats(net.read_out_of(streams[1].clone()));
            assert!(first.iter().zip(&whole).any(|(a, b)| (a - b).abs() > 1e-4));
            // prediction rows: [batch, points, width], the x tokens when interleaved
            let rows = tokens.prediction_rows(streams[2].clone());
            assert_eq!(rows.dims(), [4, 7, 32]);
            let row_preds = floats(net.read_out_of(rows));
            let picked = floats(tokens.predictions(net.read_out_of(streams[2].clone())));
            for (a, b) in row_preds.iter().zip(&picked) {
                assert!((a - b).abs() < 1e-5, "{model:?} {tokens:?}");
            }
        }
    }
}

/// A trained linear learner: its last layer predicts far better than its read-in, its probes'
/// nearest Newton iterations are the minimum of the distances reported, each verdict agrees with
/// its evidence, and bad options name their field.
#[test]
fn layers_of_a_trained_model() {
    pollster::block_on(async {
        let mut session = Session::new(config(Backbone::Transformer, TokenLayout::Paired))
            .await
            .expect("session");
        session.train(400).await.expect("train");
        let options = LayersConfig {
            prompts: 128,
            fit_prompts: 256,
            gd_max: 256,
            ..LayersConfig::default()
        };
        let r = session.layers(&options).await.expect("layers");
        assert_eq!(r.layers.len(), 3);
        assert_eq!(r.step, 400);
        assert_eq!(r.newton_steps, (0..=24).collect::<Vec<_>>());
        assert_eq!(r.gd_steps.last(), Some(&256));
        let last = r.points as usize - 1;
        let (input, top) = (&r.layers[0], &r.layers[2]);
        eprintln!(
            "probe error at k = {last}: read-in {:.3}, last layer {:.3}; least squares {:.3}; \
             last layer: {:?}",
            input.probe[last], top.probe[last], r.least_squares[last], top.prediction,
        );
        // the read-in holds no answer a linear map can read (paired token: x_k, x_{k−1},
        // y_{k−1}); the trained stack does
        assert!(
            top.probe[last] < 0.5 * input.probe[last],
            "{top:?} {input:?}"
        );
        assert!(top.read_out[last] < 0.5 * input.read_out[last]);
        for layer in &r.layers {
            assert_eq!(layer.newton.len(), r.newton_steps.len());
            assert_eq!(layer.gd.len(), r.gd_steps.len());
            assert_eq!(layer.newton_cosine.len(), r.newton_steps.len());
            // the prediction match is the nearest iterate; the residual one Fu's largest cosine
            let p = &layer.prediction;
            let min = layer.newton.iter().copied().fold(f64::INFINITY, f64::min);
            assert_eq!(p.newton.distance, min);
            assert_eq!(layer.newton[p.newton.steps as usize], p.newton.distance);
            let top_cos = layer
                .newton_cosine
                .iter()
                .copied()
                .fold(f64::NEG_INFINITY, f64::max);
            assert_eq!(
                layer.newton_cosine[layer.residual.newton.steps as usize],
                top_cos
            );
            assert!(layer.gd.iter().all(|d| d.is_finite() && *d >= 0.0));
            // the separation is a distance between the two matched iterates: by the triangle
            // inequality the margin cannot exceed it
            for c in [&layer.prediction, &layer.residual] {
                assert!(c.evidence.margin <= c.separation + 1e-9, "{c:?}");
                assert_eq!(
                    c.evidence.decided,
                    c.resembles != iclab::icl::layers::Resembles::CannotTell
                );
            }
        }
        assert!(top.prediction.newton.distance < input.prediction.newton.distance);
        assert!(
            r.statement.starts_with("By prediction distance:"),
            "{}",
            r.statement
        );
        assert_eq!(r.correspondence.len(), r.newton_steps.len());
        // the same options give the same numbers
        let again = session.layers(&options).await.expect("layers");
        assert_eq!(again, r);
        let err = session
            .layers(&LayersConfig {
                fit_prompts: 2,
                ..LayersConfig::default()
            })
            .await
            .expect_err("too few");
        assert_eq!(err.field(), Some("fitPrompts"));
    });
}
