//! What a session's model answers without training: evaluation curves, the layers' analysis and
//! predictions, each in pieces that give way to the event loop.

use burn::module::Module;
use burn::tensor::Tensor;
use rand::SeedableRng;
use rand::rngs::StdRng;

use super::Session;
use crate::device;
use crate::icl::PromptBatch;
use crate::icl::evaluate::{self, EvalConfig, EvalResult};
use crate::icl::layers::{self, LayerOutputs, LayersConfig, LayersResult};
use crate::icl::probe::EvalSet;
use crate::pace::Pace;
use crate::{Error, Result};

impl Session {
    /// Error vs number of in-context examples for the model and the requested baselines, on
    /// new prompts of the full `dims` and `points` (a stream separate from training's, fixed
    /// by the seed so repeated calls compare like with like): fresh tasks, or the training
    /// pool's (`tasks: "pool"`).
    pub async fn evaluate(&self, config: &EvalConfig) -> Result<EvalResult> {
        self.evaluate_paced(config, &mut Pace::free()).await
    }

    /// [`Self::evaluate`] chunk by chunk ([`evaluate::EVAL_CHUNK`] prompts), giving way to
    /// `pace` between chunks.
    pub async fn evaluate_paced(&self, config: &EvalConfig, pace: &mut Pace) -> Result<EvalResult> {
        config.validate()?;
        self.config.check_evaluation(config, true)?;
        self.refuse_if_diverged()?;
        let (points, dims) = (self.config.points as usize, self.config.dims as usize);
        let seed = config.seed_for(self.config.seed);
        let (class, pool) = (self.class.as_ref(), self.pool.as_ref());
        let prior = evaluate::Prior { class, pool };
        let mut gather = evaluate::Gather::new(config, prior, seed, points, dims)?;
        while let Some(set) = gather.next_chunk() {
            let model = self.predict_set_paced(&set, pace).await?;
            gather.add_paced(&set, Some(model), pace).await?;
            pace.tick().await?;
        }
        gather
            .finish_paced(self.config.task.kind(), Some(self.step), pace)
            .await
    }

    /// What each layer computes (docs/SCIENCE.md §6): on fresh in-distribution prompts of the
    /// full `dims` and `points`, each layer's read-out and linear-probe error vs k, and the Newton
    /// iterations and GD steps whose predictions are closest to the probe's. The probes are
    /// fitted on `fitPrompts` prompts of their own stream.
    pub async fn layers(&self, config: &LayersConfig) -> Result<LayersResult> {
        self.layers_paced(config, &mut Pace::free()).await
    }

    /// [`Self::layers`], giving way to `pace` between chunks of prompts and between prompts of
    /// the methods' paths.
    pub async fn layers_paced(
        &self,
        config: &LayersConfig,
        pace: &mut Pace,
    ) -> Result<LayersResult> {
        config.validate()?;
        self.config.check_layers(config)?;
        self.refuse_if_diverged()?;
        let (points, dims) = (self.config.points as usize, self.config.dims as usize);
        let (seed, fit_seed) = config.seeds_for(self.config.seed);
        let class = self.class.as_ref();
        let sample = |seed: u64, prompts: u32| {
            let mut rng = StdRng::seed_from_u64(seed);
            PromptBatch::sample(class, &mut rng, prompts as usize, points, dims)
        };
        let fit = sample(fit_seed, config.fit_prompts);
        let scored = sample(seed, config.prompts);
        let fit_layers = self.layer_outputs(&fit, pace).await?;
        let scored_layers = self.layer_outputs(&scored, pace).await?;
        let gd_steps = config.gd_steps();
        let mut paths = layers::Paths::empty(&scored, config.newton_max, &gd_steps);
        for b in 0..scored.batch {
            paths.add_prompt(&scored, b, &gd_steps, config.gd_step);
            pace.tick().await?;
        }
        layers::Analysis {
            config,
            task: self.config.task.kind(),
            normalizer: class.error_normalizer(dims),
            step: self.step,
            fit: &fit,
            fit_layers: &fit_layers,
            scored: &scored,
            scored_layers: &scored_layers,
            paths: &paths,
        }
        .run()
    }

    /// Every layer's residual stream at the predicting tokens and its read-out's predictions,
    /// in chunks of [`SessionConfig::inference_chunk`] prompts with two read-backs per chunk.
    async fn layer_outputs(
        &self,
        batch: &PromptBatch,
        pace: &mut Pace,
    ) -> Result<Vec<LayerOutputs>> {
        self.compute.ensure_alive()?;
        let model = self.model()?.valid();
        let layout = self.config.tokens;
        let mut out: Vec<LayerOutputs> = Vec::new();
        let size = self.config.inference_chunk();
        for start in (0..batch.batch).step_by(size) {
            let chunk = batch.rows(start, (start + size).min(batch.batch));
            let streams = model.residual_streams(chunk.tokens(layout, &self.compute.infer));
            let [_, _, width] = streams[0].dims();
            let read_outs: Vec<Tensor<2>> = streams
                .iter()
                .map(|s| layout.predictions(model.read_out_of(s.clone())))
                .collect();
            let rows: Vec<Tensor<3>> = streams
                .into_iter()
                .map(|s| layout.prediction_rows(s))
                .collect();
            let layers = rows.len();
            // sync points: one read-back each for all layers' rows and read-outs
            let rows = device::read_f32(Tensor::stack::<4>(rows, 0), "layer streams").await?;
            let preds =
                device::read_f32(Tensor::stack::<3>(read_outs, 0), "layer read-outs").await?;
            if let Some(bad) = rows.iter().chain(&preds).find(|v| !v.is_finite()) {
                return Err(Error::Diverged {
                    step: self.step,
                    what: "a layer's residual stream",
                    value: f64::from(*bad),
                });
            }
            if out.is_empty() {
                out = (0..layers)
                    .map(|_| LayerOutputs {
                        width,
                        features: Vec::new(),
                        read_out: Vec::new(),
                    })
                    .collect();
            }
            let (per_rows, per_preds) = (rows.len() / layers, preds.len() / layers);
            for (l, layer) in out.iter_mut().enumerate() {
                layer
                    .features
                    .extend_from_slice(&rows[l * per_rows..(l + 1) * per_rows]);
                layer.read_out.extend(
                    preds[l * per_preds..(l + 1) * per_preds]
                        .iter()
                        .map(|&v| f64::from(v)),
                );
            }
            pace.tick().await?;
        }
        Ok(out)
    }

    /// The model's prediction for every prompt and k of an evaluation set, `[batch, points]`.
    pub async fn predict_set(&self, set: &EvalSet) -> Result<Vec<f64>> {
        self.predict_set_paced(set, &mut Pace::free()).await
    }

    /// [`Self::predict_set`], giving way to `pace` between forward passes.
    async fn predict_set_paced(&self, set: &EvalSet, pace: &mut Pace) -> Result<Vec<f64>> {
        if set.queries.is_none() {
            return self.predict_paced(&set.prompts, pace).await;
        }
        // Queries differ from the prompt's own inputs: one pass per k, position k swapped.
        let (batch, points) = (set.prompts.batch, set.prompts.points);
        let mut out = vec![0.0; batch * points];
        for k in 0..points {
            let preds = self.predict_paced(&set.with_queries_at(k), pace).await?;
            for b in 0..batch {
                out[b * points + k] = preds[b * points + k];
            }
        }
        Ok(out)
    }

    /// The model's prediction at every x position, `[batch, points]` row-major, in chunks of
    /// [`SessionConfig::inference_chunk`] prompts.
    pub async fn predict(&self, batch: &PromptBatch) -> Result<Vec<f64>> {
        self.predict_paced(batch, &mut Pace::free()).await
    }

    /// [`Self::predict`], giving way to `pace` between forward passes.
    async fn predict_paced(&self, batch: &PromptBatch, pace: &mut Pace) -> Result<Vec<f64>> {
        self.compute.ensure_alive()?;
        if batch.points > self.config.points as usize || batch.dims != self.config.dims as usize {
            return Err(Error::invalid(
                "prompts",
                format!(
                    "prompts of {} points in {} dims do not fit a model for {} points in {} dims",
                    batch.points, batch.dims, self.config.points, self.config.dims
                ),
            ));
        }
        let model = self.model()?.valid();
        let mut out = Vec::with_capacity(batch.batch * batch.points);
        let size = self.config.inference_chunk();
        for start in (0..batch.batch).step_by(size) {
            let chunk = batch.rows(start, (start + size).min(batch.batch));
            let layout = self.config.tokens;
            let preds =
                layout.predictions(model.forward(chunk.tokens(layout, &self.compute.infer)));
            // sync point: one read-back per chunk
            let values = device::read_f32(preds, "predictions").await?;
            // A model whose outputs overflowed (e.g. loaded from a checkpoint that had already
            // blown up) must not reach a chart as NaN.
            if let Some(bad) = values.iter().find(|v| !v.is_finite()) {
                return Err(Error::Diverged {
                    step: self.step,
                    what: "the model's predictions",
                    value: f64::from(*bad),
                });
            }
            out.extend(values.into_iter().map(f64::from));
            pace.tick().await?;
        }
        Ok(out)
    }
}
