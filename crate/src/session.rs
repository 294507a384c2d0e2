//! A running experiment: config + model + optimizer + data stream. The caller drives it:
//! `train(n)` runs n steps and returns one [`Report`] with a single GPU read-back.

use burn::grad_clipping::GradientClippingConfig;
use burn::module::Module;
use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer};
use burn::tensor::Tensor;
use rand::SeedableRng;
use rand::rngs::StdRng;
use serde::{Deserialize, Serialize};

use crate::config::SessionConfig;
use crate::device::{self, Compute, DeviceInfo};
use crate::icl::eval::{ErrorCurve, error_curve};
use crate::icl::prompt::at_x_positions;
use crate::icl::{FunctionClass, PromptBatch};
use crate::model::{Transformer, TransformerConfig};
use crate::train::{Report, clock, schedule};
use crate::{Error, Result};

/// Most steps one `train` call may run; keeps a call short enough to pause promptly.
pub const MAX_STEPS_PER_CALL: u32 = 100_000;
/// Most prompts one `evaluate` call may use.
pub const MAX_EVAL_PROMPTS: u32 = 20_000;

/// What `evaluate` returns: error vs number of in-context examples.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Evaluation {
    pub step: u32,
    pub prompts: u32,
    /// The model's normalized squared error; entry i is after i examples.
    pub model: ErrorCurve,
}

pub struct Session {
    config: SessionConfig,
    compute: Compute,
    /// `None` only while an optimizer step owns it.
    model: Option<Transformer>,
    optim: ModuleOptimizer,
    class: Box<dyn FunctionClass>,
    rng: StdRng,
    step: u32,
    elapsed_ms: f64,
    reported_device: bool,
    diverged: Option<Error>,
}

fn lost_model() -> Error {
    Error::Backend {
        reason: "the model was lost by an interrupted step; reset the session".into(),
    }
}

/// A non-finite mean loss means training blew up: stop rather than plot garbage.
fn finite_loss(step: u32, loss: f64) -> Result<f64> {
    if loss.is_finite() {
        Ok(loss)
    } else {
        Err(Error::Diverged { step, loss })
    }
}

// burn seeds parameter initialization per backend, possibly globally: hold this while seeding and
// initializing so concurrent sessions (parallel tests) still get reproducible weights.
static INIT_LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());

impl Session {
    /// Validates `config`, opens the device and initializes the model.
    pub async fn new(config: SessionConfig) -> Result<Self> {
        config.validate()?;
        let compute = device::open(config.device).await?;
        let shape = config.shape();
        let model_config = TransformerConfig::new(config.dims as usize, 2 * config.points as usize)
            .with_n_layers(shape.layers)
            .with_d_model(shape.d_model)
            .with_n_heads(shape.heads);
        let model = {
            let _guard = INIT_LOCK.lock().unwrap_or_else(|e| e.into_inner());
            compute.train.seed(u64::from(config.seed));
            model_config.init(&compute.train)
        };
        let clip = (config.grad_clip > 0.0)
            .then_some(GradientClippingConfig::Norm(config.grad_clip as f32));
        let optim = AdamConfig::new().with_grad_clipping(clip).init();
        Ok(Self {
            class: config.task.class(),
            rng: StdRng::seed_from_u64(u64::from(config.seed)),
            config,
            compute,
            model: Some(model),
            optim,
            step: 0,
            elapsed_ms: 0.0,
            reported_device: false,
            diverged: None,
        })
    }

    pub fn config(&self) -> &SessionConfig {
        &self.config
    }

    pub fn device_info(&self) -> &DeviceInfo {
        &self.compute.info
    }

    pub fn step(&self) -> u32 {
        self.step
    }

    pub fn num_params(&self) -> usize {
        self.model.as_ref().map_or(0, Module::num_params)
    }

    fn model(&self) -> Result<&Transformer> {
        self.model.as_ref().ok_or_else(lost_model)
    }

    /// Runs `steps` optimizer steps and reports their mean loss.
    pub async fn train(&mut self, steps: u32) -> Result<Report> {
        if steps == 0 || steps > MAX_STEPS_PER_CALL {
            return Err(Error::invalid(
                "steps",
                format!("must be between 1 and {MAX_STEPS_PER_CALL}, got {steps}"),
            ));
        }
        if let Some(Error::Diverged { step, loss }) = &self.diverged {
            return Err(Error::Diverged {
                step: *step,
                loss: *loss,
            });
        }
        let start = clock::now_ms();
        let (batch, points, dims) = (
            self.config.batch_size as usize,
            self.config.points as usize,
            self.config.dims as usize,
        );
        let device = self.compute.train.clone();
        let mut loss_sum: Option<Tensor<1>> = None;
        let mut lr = self.config.learning_rate;
        for _ in 0..steps {
            let prompts =
                PromptBatch::sample(self.class.as_ref(), &mut self.rng, batch, points, dims);
            let model = self.model.take().ok_or_else(lost_model)?;
            let predictions = at_x_positions(model.forward(prompts.tokens(&device)));
            let loss = (predictions - prompts.targets(&device))
                .powi_scalar(2)
                .mean();
            let grads = GradientsParams::from_grads(loss.backward(), &model);
            lr = schedule::learning_rate(
                self.config.learning_rate,
                self.config.warmup_steps,
                self.step,
            );
            self.model = Some(self.optim.step(lr, model, grads));
            let loss = loss.detach();
            loss_sum = Some(match loss_sum {
                Some(sum) => sum + loss,
                None => loss,
            });
            self.step += 1;
        }
        let Some(loss_sum) = loss_sum else {
            return Err(Error::invalid("steps", "must be at least 1"));
        };
        // sync point: one read-back per report
        let loss = loss_sum
            .div_scalar(f64::from(steps))
            .into_scalar_async::<f32>()
            .await
            .map_err(|e| Error::Backend {
                reason: format!("reading the loss back failed: {e:?}"),
            })?;
        let loss = match finite_loss(self.step, f64::from(loss)) {
            Ok(loss) => loss,
            Err(err) => {
                self.diverged = Some(Error::Diverged {
                    step: self.step,
                    loss: f64::from(loss),
                });
                return Err(err);
            }
        };
        let spent = clock::now_ms() - start;
        self.elapsed_ms += spent;
        let device_info = (!self.reported_device).then(|| self.compute.info.clone());
        self.reported_device = true;
        Ok(Report {
            step: self.step,
            loss,
            normalized_loss: loss / self.class.error_normalizer(dims),
            learning_rate: lr,
            device: self.compute.info.kind,
            elapsed_ms: self.elapsed_ms,
            steps_per_second: f64::from(steps) / (spent / 1e3).max(1e-9),
            device_info,
        })
    }

    /// Error vs number of in-context examples on `prompts` fresh prompts (a stream separate
    /// from training's, fixed by the seed so repeated calls compare like with like).
    pub async fn evaluate(&self, prompts: u32) -> Result<Evaluation> {
        if prompts == 0 || prompts > MAX_EVAL_PROMPTS {
            return Err(Error::invalid(
                "prompts",
                format!("must be between 1 and {MAX_EVAL_PROMPTS}, got {prompts}"),
            ));
        }
        let (points, dims) = (self.config.points as usize, self.config.dims as usize);
        let eval_seed = u64::from(self.config.seed) ^ 0x5EED_E7A1_0000_0000;
        let mut rng = StdRng::seed_from_u64(eval_seed);
        let batch = PromptBatch::sample(
            self.class.as_ref(),
            &mut rng,
            prompts as usize,
            points,
            dims,
        );
        let predictions = self.predict(&batch).await?;
        Ok(Evaluation {
            step: self.step,
            prompts,
            model: error_curve(
                &predictions,
                &batch.ys,
                points,
                self.class.error_normalizer(dims),
                eval_seed,
            ),
        })
    }

    /// The model's prediction at every x position, `[batch, points]` row-major.
    pub async fn predict(&self, batch: &PromptBatch) -> Result<Vec<f32>> {
        let model = self.model()?.valid();
        let out = at_x_positions(model.forward(batch.tokens(&self.compute.infer)));
        // sync point: one read-back for the whole batch
        let data = out.into_data_async().await.map_err(|e| Error::Backend {
            reason: format!("reading predictions back failed: {e:?}"),
        })?;
        data.try_into_vec::<f32>().map_err(|e| Error::Backend {
            reason: format!("unexpected prediction data: {e:?}"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_finite_losses_are_divergence() {
        assert_eq!(finite_loss(3, 0.5).ok(), Some(0.5));
        for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            let err = finite_loss(7, bad).expect_err("must stop");
            assert_eq!(err.code(), "diverged");
            assert!(err.to_string().contains("step 7"));
        }
    }
}
