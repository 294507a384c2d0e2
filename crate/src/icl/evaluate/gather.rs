//! An evaluation gathered chunk by chunk: prompts drawn, predicted and scored a chunk at a time,
//! only each method's predictions kept (crate/src/icl/evaluate.rs).

use std::collections::BTreeMap;

use nalgebra::{DMatrix, DVector};
use rand::SeedableRng;
use rand::rngs::StdRng;

use super::{EVAL_CHUNK, EvalConfig, EvalResult, EvalTasks, Example, Prior, distance};
use crate::icl::baselines::{self, BaselineKind, BaselineOptions, Fit, dmmse};
use crate::icl::curves::{ErrorCurve, error_curve};
use crate::icl::probe::{EvalDraw, EvalSet};
use crate::icl::{TaskKind, TaskPool};
use crate::pace::Pace;
use crate::{Error, Result};

/// Operations of baseline fits per chunk, at most: tens of milliseconds in the browser.
const CHUNK_WORK: f64 = 5e7;
/// dMMSE's functions read between two ticks of a paced evaluation.
const DMMSE_BLOCK: usize = 64;

/// Predictions of one baseline for the prompts `rows` of a chunk whose first prompt is prompt
/// `offset` of the evaluation (the randomized baselines are seeded by the prompt's place in the
/// whole; dMMSE: always all of the chunk), with the number of fits that stopped at their cap.
pub(super) fn baseline_rows(
    set: &EvalSet,
    rows: std::ops::Range<usize>,
    offset: usize,
    kind: BaselineKind,
    options: &BaselineOptions,
    seed: u64,
    prior: &Prior<'_>,
) -> Result<(Vec<f64>, u32)> {
    let (points, dims) = (set.prompts.points, set.prompts.dims);
    let noise_var = prior.class.output_noise().powi(2);
    if kind == BaselineKind::Dmmse {
        let pool = prior.pool.ok_or_else(|| {
            Error::invalid(
                "baselines",
                "dmmse needs a session trained on a task pool (taskPool)",
            )
        })?;
        let functions = (0..pool.len()).map(|m| pool.function(prior.class, m, dims));
        return Ok((dmmse::predictions(set, functions, noise_var), 0));
    }
    let mut out = Vec::with_capacity(rows.len() * points);
    let mut stopped = 0;
    for b in rows {
        let (xs, ys) = set.prompts.prompt(b);
        let all_x = DMatrix::from_row_iterator(points, dims, xs.iter().map(|&v| f64::from(v)));
        let all_y = DVector::from_iterator(points, ys.iter().map(|&v| f64::from(v)));
        for k in 0..points {
            let ctx_x = all_x.rows(0, k).into_owned();
            let ctx_y = all_y.rows(0, k).into_owned();
            let (q, _) = set.query(b, k);
            let query = DVector::from_iterator(dims, q.iter().map(|&v| f64::from(v)));
            let fit = Fit {
                xs: &ctx_x,
                ys: &ctx_y,
                query: &query,
                seed: seed
                    .wrapping_mul(0x9E37_79B9_7F4A_7C15)
                    .wrapping_add(((offset + b) * points + k) as u64),
                noise_var,
            };
            let (prediction, converged) = baselines::predict_checked(kind, options, &fit);
            stopped += u32::from(!converged);
            out.push(prediction);
        }
    }
    Ok((out, stopped))
}

/// An evaluation gathered chunk by chunk ([`EVAL_CHUNK`] prompts at a time): the prompts are
/// drawn, predicted and scored one chunk after another, and only each method's predictions and
/// the targets are kept. The prompts are the same as drawn in one piece.
pub struct Gather<'a> {
    config: &'a EvalConfig,
    prior: Prior<'a>,
    draw: EvalDraw,
    rng: StdRng,
    seed: u64,
    points: usize,
    dims: usize,
    drawn: usize,
    targets: Vec<f64>,
    /// Each method's predictions so far, the model's first when there is one.
    methods: Vec<(String, Vec<f64>)>,
    stopped_early: BTreeMap<String, u32>,
    /// Inputs of the first `examples` prompts, `[prompt][k][dims]`.
    example_xs: Vec<Vec<Vec<f64>>>,
}

impl<'a> Gather<'a> {
    /// Checks what the evaluation needs of the training distribution and draws what is fixed
    /// for all its prompts.
    pub fn new(
        config: &'a EvalConfig,
        prior: Prior<'a>,
        seed: u64,
        points: usize,
        dims: usize,
    ) -> Result<Self> {
        config.check_pool(prior.pool)?;
        let mut rng = StdRng::seed_from_u64(seed);
        let draw = EvalDraw::new(
            config.probe,
            config.probe_scale,
            config.probe_noise,
            &mut rng,
            points,
            dims,
        );
        Ok(Self {
            config,
            prior,
            draw,
            rng,
            seed,
            points,
            dims,
            drawn: 0,
            targets: Vec::new(),
            methods: Vec::new(),
            stopped_early: BTreeMap::new(),
            example_xs: Vec::new(),
        })
    }

    /// Prompts whose baseline fits a paced evaluation computes between two ticks: up to a
    /// chunk, fewer when the fits are heavy (64 dimensions, 256 points, Lasso), so that a call
    /// gives way, and can be cancelled, every few tens of milliseconds.
    fn fits_per_tick(&self) -> usize {
        let (p, d) = (self.points as f64, self.dims as f64);
        let o = &self.config.options;
        let pool = self.prior.pool.map_or(0, TaskPool::len) as f64;
        // rough operation counts of one prompt's fits, all k
        let work: f64 = self
            .config
            .baselines
            .iter()
            .map(|kind| match kind {
                BaselineKind::Zero => 0.0,
                BaselineKind::Averaging | BaselineKind::Knn => p * p * d,
                BaselineKind::LeastSquares | BaselineKind::Ridge | BaselineKind::BayesRidge => {
                    p * p * d * d
                }
                BaselineKind::Gd => p * p * d * f64::from(o.gd_steps),
                BaselineKind::Newton => p * d * d * d * f64::from(o.newton_steps),
                BaselineKind::Lasso => p * p * d * f64::from(o.lasso_sweeps.min(1000)),
                BaselineKind::ReluNet => {
                    p * p * d * f64::from(o.net_hidden) * f64::from(o.net_steps)
                }
                BaselineKind::Tree => p * p * d * f64::from(o.tree_depth),
                BaselineKind::BoostedTrees => {
                    p * p * d * f64::from(o.tree_depth) * f64::from(o.boost_rounds)
                }
                BaselineKind::Dmmse => p * d * pool,
            })
            .sum();
        (CHUNK_WORK / work.max(1.0)).clamp(1.0, EVAL_CHUNK as f64) as usize
    }

    /// The next chunk of prompts; `None` once every prompt has been drawn.
    pub fn next_chunk(&mut self) -> Option<EvalSet> {
        let total = self.config.prompts as usize;
        if self.drawn >= total {
            return None;
        }
        let size = EVAL_CHUNK.min(total - self.drawn);
        let from = match self.config.tasks {
            EvalTasks::Pool => self.prior.pool,
            EvalTasks::Fresh => None,
        };
        let set = self.draw.draw(self.prior.class, from, &mut self.rng, size);
        Some(set)
    }

    /// The zero estimator and every requested baseline, deduplicated, in request order.
    fn kinds(&self) -> Vec<BaselineKind> {
        let mut kinds = Vec::new();
        for &kind in std::iter::once(&BaselineKind::Zero).chain(&self.config.baselines) {
            if !kinds.contains(&kind) {
                kinds.push(kind);
            }
        }
        kinds
    }

    /// Scores a chunk from [`Self::next_chunk`]: the model's predictions for it (if a model is
    /// evaluated), then the zero estimator and every requested baseline.
    pub fn add(&mut self, set: &EvalSet, model: Option<Vec<f64>>) -> Result<()> {
        let offset = self.drawn;
        let mut baselines = Vec::new();
        for kind in self.kinds() {
            let (predictions, stopped) = baseline_rows(
                set,
                0..set.prompts.batch,
                offset,
                kind,
                &self.config.options,
                self.seed,
                &self.prior,
            )?;
            baselines.push((kind, predictions, stopped));
        }
        self.add_with(set, model, baselines)
    }

    /// [`Self::add`], giving way to `pace` within the chunk: the baselines' fits a few prompts at
    /// a time ([`Self::fits_per_tick`]), and dMMSE over a large pool (2²⁰ tasks at 64 dims and
    /// 256 points is ~1e10 operations a prompt) a block of the pool's functions at a time.
    pub async fn add_paced(
        &mut self,
        set: &EvalSet,
        model: Option<Vec<f64>>,
        pace: &mut Pace,
    ) -> Result<()> {
        let (offset, batch) = (self.drawn, set.prompts.batch);
        let step = self.fits_per_tick();
        let mut baselines = Vec::new();
        for kind in self.kinds() {
            if let (BaselineKind::Dmmse, Some(pool)) = (kind, self.prior.pool) {
                let class = self.prior.class;
                let noise_var = class.output_noise().powi(2);
                let mut posterior = dmmse::Posterior::new(set, noise_var);
                for m in 0..pool.len() {
                    posterior.add(set, &pool.function(class, m, self.dims));
                    if m % DMMSE_BLOCK == DMMSE_BLOCK - 1 {
                        pace.tick().await?;
                    }
                }
                baselines.push((kind, posterior.predictions(), 0));
                continue;
            }
            let (mut predictions, mut stopped) = (Vec::with_capacity(batch * self.points), 0);
            for start in (0..batch).step_by(step) {
                let rows = start..(start + step).min(batch);
                let (part, part_stopped) = baseline_rows(
                    set,
                    rows,
                    offset,
                    kind,
                    &self.config.options,
                    self.seed,
                    &self.prior,
                )?;
                predictions.extend(part);
                stopped += part_stopped;
                pace.tick().await?;
            }
            baselines.push((kind, predictions, stopped));
        }
        self.add_with(set, model, baselines)
    }

    /// Keeps a chunk's predictions: the model's, then each baseline's with its fits that
    /// stopped early.
    fn add_with(
        &mut self,
        set: &EvalSet,
        model: Option<Vec<f64>>,
        baselines: Vec<(BaselineKind, Vec<f64>, u32)>,
    ) -> Result<()> {
        let mut chunk: Vec<(String, Vec<f64>)> = Vec::new();
        if let Some(model) = model {
            chunk.push(("model".to_owned(), model));
        }
        for (kind, predictions, stopped) in baselines {
            if stopped > 0 {
                *self
                    .stopped_early
                    .entry(kind.name().to_owned())
                    .or_default() += stopped;
            }
            chunk.push((kind.name().to_owned(), predictions));
        }
        // room for every prompt at once: growing by doubling would hold up to twice as much
        let room = self.config.prompts as usize * self.points;
        if self.methods.is_empty() {
            self.methods = chunk
                .iter()
                .map(|(name, _)| (name.clone(), Vec::with_capacity(room)))
                .collect();
            self.targets.reserve_exact(room);
        }
        for ((_, all), (_, part)) in self.methods.iter_mut().zip(chunk) {
            all.extend(part);
        }
        self.targets.extend(set.targets());
        let wanted = (self.config.examples as usize).saturating_sub(self.example_xs.len());
        for b in 0..wanted.min(set.prompts.batch) {
            self.example_xs.push(
                (0..self.points)
                    .map(|k| set.query(b, k).0.iter().map(|&v| f64::from(v)).collect())
                    .collect(),
            );
        }
        self.drawn += set.prompts.batch;
        Ok(())
    }

    /// Method `i`'s error curve (its bootstrap is the costly part of finishing).
    fn curve(&self, i: usize) -> (String, ErrorCurve) {
        let (name, preds) = &self.methods[i];
        let normalizer = self.prior.class.error_normalizer(self.dims);
        let curve = error_curve(preds, &self.targets, self.points, normalizer, self.seed);
        (name.clone(), curve)
    }

    /// The result, once every chunk is added.
    pub fn finish(self, task: TaskKind, step: Option<u32>) -> EvalResult {
        let curves = (0..self.methods.len()).map(|i| self.curve(i)).collect();
        self.finish_with(curves, task, step)
    }

    /// [`Self::finish`], giving way to `pace` between the curves.
    pub async fn finish_paced(
        self,
        task: TaskKind,
        step: Option<u32>,
        pace: &mut Pace,
    ) -> Result<EvalResult> {
        let mut curves = BTreeMap::new();
        for i in 0..self.methods.len() {
            let (name, curve) = self.curve(i);
            curves.insert(name, curve);
            pace.tick().await?;
        }
        Ok(self.finish_with(curves, task, step))
    }

    fn finish_with(
        self,
        curves: BTreeMap<String, ErrorCurve>,
        task: TaskKind,
        step: Option<u32>,
    ) -> EvalResult {
        let (points, dims) = (self.points, self.dims);
        let batch = self.drawn;
        let targets = &self.targets;
        let normalizer = self.prior.class.error_normalizer(dims);
        let methods = &self.methods;
        let distances = match methods.iter().find(|(name, _)| name == "model") {
            Some((_, model)) => methods
                .iter()
                .filter(|(name, _)| name != "model")
                .map(|(name, preds)| (name.clone(), distance(model, preds, points, normalizer)))
                .collect(),
            None => BTreeMap::new(),
        };
        let preds = |name: &str| methods.iter().find(|(n, _)| n == name).map(|(_, p)| p);
        let span = match (preds("dmmse"), preds("bayes_ridge")) {
            (Some(a), Some(b)) => Some(distance(a, b, points, normalizer)),
            _ => None,
        };
        let position = crate::icl::diversity::position_of(&distances, span.as_deref());
        let examples = self
            .example_xs
            .iter()
            .enumerate()
            .map(|(b, xs)| Example {
                xs: xs.clone(),
                targets: targets[b * points..(b + 1) * points].to_vec(),
                predictions: methods
                    .iter()
                    .map(|(name, p)| (name.clone(), p[b * points..(b + 1) * points].to_vec()))
                    .collect(),
            })
            .collect();
        let reading = crate::icl::reading::read(&curves, dims);
        EvalResult {
            task,
            probe: self.config.probe,
            dims: dims as u32,
            points: points as u32,
            prompts: batch as u32,
            step,
            normalizer,
            curves,
            distances,
            position,
            reading,
            tasks: self.config.tasks,
            stopped_early: self.stopped_early,
            examples,
        }
    }
}
