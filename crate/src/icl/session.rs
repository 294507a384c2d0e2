//! A running experiment: config + model + optimizer + data stream. The caller drives it:
//! `train(n)` runs n steps and returns one [`Report`] with a single GPU read-back.

use burn::grad_clipping::GradientClippingConfig;
use burn::module::Module;
use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer};
use burn::tensor::Tensor;
use rand::SeedableRng;
use rand::rngs::StdRng;

use crate::device::{self, Compute, DeviceChoice, DeviceInfo};
use crate::error::lost_model;
use crate::icl::checkpoint::{self, Header};
use crate::icl::config::SessionConfig;
use crate::icl::curriculum;
use crate::icl::evaluate::{EvalConfig, EvalResult};
use crate::icl::{FunctionClass, PromptBatch, TaskPool};
use crate::model::Model;
use crate::pace::Pace;
use crate::train::cadence::{Cadence, Trained};
use crate::train::{Report, TRAIN_STEPS, check_room, clock, schedule};
use crate::{Error, Result};

/// A session as the JS API describes it: what `createSession` and `loadSession` resolve to.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SessionInfo {
    /// Its id in the worker.
    pub id: u32,
    /// The resolved config: every default filled in.
    pub config: SessionConfig,
    pub device_info: crate::device::DeviceInfo,
    pub num_params: usize,
    /// Training steps behind the model (non-zero for a loaded checkpoint).
    pub step: u32,
}

pub struct Session {
    config: SessionConfig,
    compute: Compute,
    /// `None` only while an optimizer step owns it.
    model: Option<Model>,
    optim: ModuleOptimizer,
    class: Box<dyn FunctionClass>,
    /// The training pool of tasks (`taskPool`), or `None` for a fresh task per prompt.
    pool: Option<TaskPool>,
    rng: StdRng,
    step: u32,
    elapsed_ms: f64,
    reported_device: bool,
    diverged: Option<Error>,
}

/// A non-finite mean loss means training blew up: stop rather than plot garbage.
fn finite_loss(step: u32, loss: f64) -> Result<f64> {
    if loss.is_finite() {
        Ok(loss)
    } else {
        Err(Error::Diverged {
            step,
            what: "the loss",
            value: loss,
        })
    }
}

impl Session {
    /// Validates `config`, opens the device and initializes the model.
    pub async fn new(config: SessionConfig) -> Result<Self> {
        config.validate()?;
        let compute = device::open(config.device).await?;
        // drawn on the CPU: the same seed gives the same model on WebGPU and on the CPU
        let model = crate::model::seeded_on_cpu(&compute.train, u64::from(config.seed), |cpu| {
            config.model().init(cpu)
        });
        Ok(Self::assemble(config, compute, model, 0))
    }

    /// Restores a session from checkpoint bytes (see [`crate::icl::checkpoint`]) on `device`. Training
    /// continues from the stored step (so a curriculum resumes where it was) with fresh Adam
    /// moments; the data stream is reseeded from the config seed and the step.
    pub async fn from_checkpoint(bytes: &[u8], device: DeviceChoice) -> Result<Self> {
        let loaded = checkpoint::parse(bytes)?;
        let mut config = loaded.header.config.clone();
        config.device = device;
        let compute = device::open(device).await?;
        // Seeded like a fresh session: the weights are overwritten, but the draw must not interleave
        // with another session's seeded initialization.
        let fresh = crate::model::seeded(&compute.train, u64::from(config.seed), || {
            config.model().init(&compute.train)
        });
        let model = loaded.assign(fresh, &compute.train)?;
        let mut session = Self::assemble(config, compute, model, loaded.header.step);
        session.rng = StdRng::seed_from_u64(
            u64::from(session.config.seed) ^ (u64::from(loaded.header.step) << 32),
        );
        Ok(session)
    }

    fn assemble(config: SessionConfig, compute: Compute, model: Model, step: u32) -> Self {
        let clip = (config.grad_clip > 0.0)
            .then_some(GradientClippingConfig::Norm(config.grad_clip as f32));
        let optim = AdamConfig::new().with_grad_clipping(clip).init();
        Self {
            class: config.task.boxed(),
            pool: config.pool(),
            rng: StdRng::seed_from_u64(u64::from(config.seed)),
            config,
            compute,
            model: Some(model),
            optim,
            step,
            elapsed_ms: 0.0,
            reported_device: false,
            diverged: None,
        }
    }

    /// The model as a safetensors checkpoint. A diverged model is refused (its weights hold
    /// NaN, which no loader accepts).
    pub async fn save(&self) -> Result<Vec<u8>> {
        self.compute.ensure_alive()?;
        self.refuse_if_diverged()?;
        let header = Header {
            config: self.config.clone(),
            step: self.step,
        };
        checkpoint::save(self.model()?, &header).await
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

    fn model(&self) -> Result<&Model> {
        self.model.as_ref().ok_or_else(lost_model)
    }

    /// The divergence this session stopped at, again, or nothing if it has not diverged.
    fn refuse_if_diverged(&self) -> Result<()> {
        match &self.diverged {
            Some(Error::Diverged { step, what, value }) => Err(Error::Diverged {
                step: *step,
                what,
                value: *value,
            }),
            _ => Ok(()),
        }
    }

    /// One report's worth of a run towards model step `end` on `cadence`, with an evaluation on
    /// `eval` where the cadence puts one (never without `eval`): a `train()` stream's call and a
    /// line of `iclab icl train`. `eval` is checked before any step is trained.
    pub async fn train_on(
        &mut self,
        cadence: Cadence,
        end: u32,
        eval: Option<&EvalConfig>,
        pace: &mut Pace,
    ) -> Result<Trained<Report, EvalResult>> {
        if let Some(eval) = eval {
            eval.validate()?;
            self.config.check_evaluation(eval, true)?;
        }
        let at = self.step;
        let steps = cadence.next(at, end)?;
        let report = self.train_paced(steps, pace).await?;
        let evaluation = match eval {
            Some(eval) if cadence.evaluates(at, self.step, end) => {
                Some(self.evaluate_paced(eval, pace).await?)
            }
            _ => None,
        };
        Ok(Trained { report, evaluation })
    }

    /// Runs `steps` optimizer steps and reports their mean loss.
    pub async fn train(&mut self, steps: u32) -> Result<Report> {
        self.train_paced(steps, &mut Pace::free()).await
    }

    /// [`Self::train`], giving way to `pace` between steps. A call cancelled part-way keeps the
    /// steps it ran.
    pub async fn train_paced(&mut self, steps: u32, pace: &mut Pace) -> Result<Report> {
        TRAIN_STEPS.check_u32(steps)?;
        check_room(self.step, steps)?;
        self.compute.ensure_alive()?;
        self.refuse_if_diverged()?;
        let start = clock::now_ms();
        let batch = self.config.batch_size as usize;
        let device = self.compute.train.clone();
        let mut loss_sum: Option<Tensor<1>> = None;
        let mut lr = self.config.learning_rate;
        let mut stage = self.stage();
        for _ in 0..steps {
            stage = self.stage();
            let prompts = PromptBatch::sample_active(
                self.class.as_ref(),
                self.pool.as_ref(),
                &mut self.rng,
                batch,
                stage.points,
                self.config.dims as usize,
                stage.active_dims,
            );
            let model = self.model.take().ok_or_else(lost_model)?;
            let layout = self.config.tokens;
            let predictions = layout.predictions(model.forward(prompts.tokens(layout, &device)));
            let loss = (predictions - prompts.targets(&device))
                .powi_scalar(2)
                .mean();
            let grads = GradientsParams::from_grads(loss.backward(), &model);
            lr = schedule::learning_rate(
                self.config.learning_rate,
                self.config.warmup_steps,
                self.config.decay_steps,
                self.step,
            );
            self.model = Some(self.optim.step(lr, model, grads));
            let loss = loss.detach();
            loss_sum = Some(match loss_sum {
                Some(sum) => sum + loss,
                None => loss,
            });
            self.step += 1;
            pace.tick().await?;
        }
        let Some(loss_sum) = loss_sum else {
            return Err(Error::invalid("steps", "must be at least 1"));
        };
        // sync point: one read-back per report
        let loss = device::read_f32(loss_sum.div_scalar(f64::from(steps)), "the loss")
            .await?
            .first()
            .copied()
            .ok_or_else(|| Error::backend("the loss read back empty"))?;
        let loss = match finite_loss(self.step, f64::from(loss)) {
            Ok(loss) => loss,
            Err(err) => {
                self.diverged = Some(Error::Diverged {
                    step: self.step,
                    what: "the loss",
                    value: f64::from(loss),
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
            normalized_loss: loss / self.class.error_normalizer(stage.active_dims),
            active_dims: stage.active_dims as u32,
            points: stage.points as u32,
            learning_rate: lr,
            device: self.compute.info.kind,
            elapsed_ms: self.elapsed_ms,
            steps_per_second: f64::from(steps) / (spent / 1e3).max(1e-9),
            device_info,
        })
    }

    /// Where the curriculum stands at the current step.
    fn stage(&self) -> curriculum::Stage {
        curriculum::stage(
            self.config.curriculum.as_ref(),
            self.step,
            self.config.dims,
            self.config.points,
        )
    }
}

mod answer;
mod inference;

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
