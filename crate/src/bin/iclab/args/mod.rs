//! Command-line arguments: flags mirror the JS config keys, and `--config` / `--eval-config`
//! read JSON files of the same schemas first.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use iclab::Result;
use iclab::device::DeviceChoice;
use iclab::icl::config::{Activation, Backbone, Preset, SessionConfig};
use iclab::icl::curriculum::Curriculum;
use iclab::icl::evaluate::{EvalConfig, EvalTasks};
use iclab::icl::probe::Probe;
use iclab::icl::{TaskConfig, TokenLayout};

use crate::read_text;

mod cl;
mod parse;
pub use cl::ClCommand;
use parse::{parse_baselines, parse_ratio, parse_task, with_task_params};
pub use parse::{parse_enum, with_sets};

#[derive(Parser)]
#[command(
    name = "iclab",
    version,
    about = "Train in-context and continual learners"
)]
pub struct Cli {
    /// Print machine-readable JSON (one object per line) instead of text.
    #[arg(long, global = true)]
    pub json: bool,
    /// CPU threads per run for the CPU backend's kernels. Default: every core for a model at
    /// least 256 wide (shared between a sweep's runs at once), one thread for smaller ones,
    /// whose step a second thread slows (docs/BENCHMARKS.md).
    #[arg(long, global = true, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub threads: Option<u32>,
    #[command(subcommand)]
    pub command: Command,
}

// Parsed once per process: the size difference between variants does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand)]
pub enum Command {
    /// In-context regression.
    Icl {
        #[command(subcommand)]
        command: IclCommand,
    },
    /// Run any checkpoint (transformer or xLSTM) on given prompts: prints its prediction at
    /// every x position, so results can be checked outside iclab.
    ///
    /// Input JSON: `{"xs": [[[x_1], …, [x_k]], …], "ys": [[y_1, …, y_k], …]}` — one entry per
    /// prompt, all of the same length, `dims` numbers per x. The prediction at position i reads
    /// (x_1, y_1, …, x_{i−1}, y_{i−1}, x_i); y_i itself is never seen by it.
    Predict {
        #[arg(long)]
        checkpoint: PathBuf,
        /// Prompts as JSON (see above); `-` reads standard input.
        #[arg(long)]
        input: PathBuf,
        /// Default: the device the checkpoint was trained on.
        #[arg(long, value_parser = parse_enum::<DeviceChoice>)]
        device: Option<DeviceChoice>,
    },
    /// In-context classification (Reddy 2023): bursty sequences, in-context vs in-weights.
    Classify {
        #[command(subcommand)]
        command: crate::classify::ClassifyCommand,
    },
    /// Next-state prediction in context on Markov chains (Edelman et al. 2024): uniform, then
    /// unigram, then bigram statistics.
    Markov {
        #[command(subcommand)]
        command: crate::markov::MarkovCommand,
    },
    /// Sweeps of any experiment from a spec (JSON: experiment, base config, axes, seeds,
    /// schedule): on every core, resumable, by shard, or as a Slurm job array.
    Sweep {
        #[command(subcommand)]
        command: crate::runner::SweepCommand,
    },
    /// Continual learning.
    Cl {
        #[command(subcommand)]
        command: ClCommand,
    },
    /// What the core offers: every function class and its parameters, backbone, preset,
    /// baseline, probe, continual dataset, scenario and strategy, with every number's bounds and
    /// default (the same JSON as the JS `catalog()`).
    Catalog,
    /// Training steps per second for one config on one device.
    Bench {
        #[command(flatten)]
        session: SessionArgs,
        /// Timed steps (after one untimed warm-up report).
        #[arg(long, default_value_t = 20)]
        steps: u32,
    },
}

#[derive(Subcommand)]
pub enum IclCommand {
    /// Meta-train a model, print a report every `--every` steps, save a checkpoint and a JSON
    /// log, then print its error vs k next to the requested baselines.
    Train {
        #[command(flatten)]
        session: SessionArgs,
        /// Total training steps (continued from `--resume`'s step when given).
        #[arg(long, default_value_t = 1000)]
        steps: u32,
        /// Steps per report.
        #[arg(long, default_value_t = 100)]
        every: u32,
        /// Write the checkpoint (safetensors) here, at the end and every `--save-every` steps.
        /// Default: `<task>.safetensors` in the current directory.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Steps between intermediate checkpoints (0: only at the end).
        #[arg(long, default_value_t = 0)]
        save_every: u32,
        /// Write the run's JSON log (config, reports, final evaluation, wall time) here.
        /// Default: `<task>.log.json` next to the checkpoint.
        #[arg(long)]
        log: Option<PathBuf>,
        /// Continue training from this checkpoint (its config wins; `--device` still applies).
        #[arg(long)]
        resume: Option<PathBuf>,
        /// Also evaluate every N steps (at the next report), printing the error vs k and keeping
        /// it in the log: learning curves of in-context error, not only of the loss. 0: only at
        /// the end.
        #[arg(long, default_value_t = 0)]
        eval_every: u32,
        #[command(flatten)]
        eval: EvalArgs,
    },
    /// Task diversity (Raventós et al.): train one model per task-pool size M (and seed) and
    /// print, per run, its error and its distance to dMMSE and to ridge (λ = σ²) on the pool's
    /// tasks and on fresh ones; one JSON object per run with `--json`, a table otherwise.
    Sweep {
        #[command(flatten)]
        session: SessionArgs,
        /// Pool sizes M, comma-separated; `inf` (or `none`) is a fresh task per prompt.
        #[arg(long, default_value = "1,4,16,64,256,1024,inf")]
        pools: String,
        /// Seeds, comma-separated: one run per seed and M.
        #[arg(long, default_value = "0")]
        seeds: String,
        /// Training steps per run.
        #[arg(long, default_value_t = 2000)]
        steps: u32,
        /// Steps per training call (and progress line on stderr).
        #[arg(long, default_value_t = 500)]
        every: u32,
        /// Write each run's checkpoint here as `pool-<M>-seed-<s>.safetensors` (M = `inf` for
        /// fresh tasks), with the sweep's results as `sweep.json`.
        #[arg(long)]
        out: Option<PathBuf>,
        #[command(flatten)]
        eval: EvalArgs,
    },
    /// Error vs k of a checkpoint and the requested baselines, with 90% bootstrap bands.
    Eval {
        #[command(flatten)]
        from: CheckpointArgs,
        #[command(flatten)]
        eval: EvalArgs,
    },
    /// What each layer computes (Fu et al.): per layer, the error vs k of the trained read-out
    /// and of a linear probe fitted on held-out prompts, and the Newton iterations and GD steps
    /// whose predictions are closest to the probe's.
    Layers {
        #[command(flatten)]
        from: CheckpointArgs,
        #[command(flatten)]
        options: super::layers::LayersArgs,
    },
    /// What a checkpoint answers to a prompt you write: a table of rows `x₁,…,x_d,y` (the
    /// examples, read in order) and `x₁,…,x_d` (the queries), next to each baseline fitted to
    /// the same examples.
    Answer {
        /// Checkpoint written by `iclab icl train` or the browser.
        #[arg(long)]
        checkpoint: PathBuf,
        /// Default: the device the checkpoint was trained on.
        #[arg(long, value_parser = parse_enum::<DeviceChoice>)]
        device: Option<DeviceChoice>,
        /// The prompt as a text table (CSV, TSV or spaces; a header row is skipped).
        #[arg(long)]
        table: PathBuf,
        /// Comma-separated baselines (default: the class's reference baselines).
        #[arg(long)]
        baselines: Option<String>,
    },
    /// Baselines only: error vs k on prompts of a task, no model.
    Baselines {
        #[command(flatten)]
        session: SessionArgs,
        #[command(flatten)]
        eval: EvalArgs,
    },
}

/// A checkpoint to run, where, and the seed of the prompts it is scored on (`icl eval`,
/// `icl layers`).
#[derive(Args)]
pub struct CheckpointArgs {
    /// Checkpoint written by `iclab icl train` or the browser.
    #[arg(long)]
    pub checkpoint: PathBuf,
    /// Default: the device the checkpoint was trained on.
    #[arg(long, value_parser = parse_enum::<DeviceChoice>)]
    pub device: Option<DeviceChoice>,
    /// Seeds the prompts it is scored on (default: derived from the checkpoint's seed).
    #[arg(long)]
    pub seed: Option<u32>,
}

/// Evaluation flags; `--eval-config` reads a JSON file of the JS `evaluate` schema first.
#[derive(Args)]
pub struct EvalArgs {
    /// JSON evaluation config (same schema as `session.evaluate` in JS).
    #[arg(long)]
    pub eval_config: Option<PathBuf>,
    /// Prompts averaged over.
    #[arg(long)]
    pub prompts: Option<u32>,
    /// Out-of-distribution probe: none, skewed, random_quadrants (the reference's: examples in one
    /// orthant, queries from anywhere), opposite_quadrants (queries in the opposite orthant),
    /// scaled, noisy.
    #[arg(long, value_parser = parse_enum::<Probe>)]
    pub probe: Option<Probe>,
    #[arg(long)]
    pub probe_scale: Option<f64>,
    #[arg(long)]
    pub probe_noise: Option<f64>,
    /// Comma-separated baselines (least_squares, ridge, knn, averaging, lasso, gd, newton,
    /// relu_net, tree, boosted_trees, bayes_ridge, and dmmse for a model trained on a task pool)
    /// or `all` (every one but dmmse).
    #[arg(long)]
    pub baselines: Option<String>,
    #[arg(long)]
    pub ridge_alpha: Option<f64>,
    #[arg(long)]
    pub knn_neighbors: Option<u32>,
    #[arg(long)]
    pub lasso_alpha: Option<f64>,
    /// Most coordinate-descent sweeps per Lasso fit (default 10,000; up to 100,000).
    #[arg(long)]
    pub lasso_sweeps: Option<u32>,
    #[arg(long)]
    pub gd_steps: Option<u32>,
    #[arg(long)]
    pub newton_steps: Option<u32>,
    /// Also print the first N prompts in full (inputs, targets, every method's predictions).
    #[arg(long)]
    pub examples: Option<u32>,
    /// Tasks of the evaluation prompts: fresh (default) or pool (the training pool's, for a
    /// model trained with --task-pool).
    #[arg(long, value_parser = parse_enum::<EvalTasks>)]
    pub eval_tasks: Option<EvalTasks>,
}

/// The `--baselines` list of `icl answer`.
pub fn baselines_list(
    list: Option<&str>,
) -> Result<Option<Vec<iclab::icl::baselines::BaselineKind>>> {
    list.map(parse_baselines).transpose()
}

impl EvalArgs {
    pub fn resolve(&self, seed: Option<u32>) -> Result<EvalConfig> {
        let mut config = match &self.eval_config {
            Some(path) => EvalConfig::from_json(&read_text("--eval-config", path)?)?,
            None => EvalConfig::default(),
        };
        if let Some(v) = self.prompts {
            config.prompts = v;
        }
        if let Some(v) = self.probe {
            config.probe = v;
        }
        if let Some(v) = self.probe_scale {
            config.probe_scale = v;
        }
        if let Some(v) = self.probe_noise {
            config.probe_noise = v;
        }
        if let Some(list) = &self.baselines {
            config.baselines = parse_baselines(list)?;
        }
        let o = &mut config.options;
        o.ridge_alpha = self.ridge_alpha.unwrap_or(o.ridge_alpha);
        o.knn_neighbors = self.knn_neighbors.unwrap_or(o.knn_neighbors);
        o.lasso_alpha = self.lasso_alpha.unwrap_or(o.lasso_alpha);
        o.lasso_sweeps = self.lasso_sweeps.unwrap_or(o.lasso_sweeps);
        o.gd_steps = self.gd_steps.unwrap_or(o.gd_steps);
        o.newton_steps = self.newton_steps.unwrap_or(o.newton_steps);
        if let Some(v) = self.examples {
            config.examples = v;
        }
        if let Some(v) = self.eval_tasks {
            config.tasks = v;
        }
        if seed.is_some() {
            config.seed = seed;
        }
        config.validate()?;
        Ok(config)
    }
}

/// Flags mirror the JS config keys; `--config` reads a JSON file of the same schema first.
#[derive(Args)]
pub struct SessionArgs {
    /// JSON config file (same schema as `createSession` in JS).
    #[arg(long)]
    pub config: Option<std::path::PathBuf>,
    /// Function class: its name (`sparse_linear`, with default parameters) or its config as JSON
    /// (`{"kind": "sparse_linear", "sparsity": 2}`).
    #[arg(long, value_parser = parse_task)]
    pub task: Option<TaskConfig>,
    /// One parameter of the function class, `name=value` (e.g. `sparsity=2`, `noiseStd=0.5`);
    /// repeatable. The catalog (`iclab catalog`) lists each class's parameters.
    #[arg(long = "task-param", value_name = "NAME=VALUE")]
    pub task_params: Vec<String>,
    /// Backbone: transformer or xlstm.
    #[arg(long, value_parser = parse_enum::<Backbone>)]
    pub model: Option<Backbone>,
    /// mLSTM:sLSTM ratio of an xLSTM stack, as `a:b` (e.g. `1:1`, `1:0`, `7:1`).
    #[arg(long, value_parser = parse_ratio)]
    pub xlstm_ratio: Option<[u32; 2]>,
    #[arg(long, value_parser = parse_enum::<Preset>)]
    pub preset: Option<Preset>,
    /// Token layout: interleaved (the reference's `[x_1, y_1, …]`) or paired (one token
    /// `[x_i ; x_{i−1} ; y_{i−1}]` per example).
    #[arg(long, value_parser = parse_enum::<TokenLayout>)]
    pub tokens: Option<TokenLayout>,
    /// The transformer MLPs' nonlinearity: gelu_tanh (the reference's), gelu (exact) or relu.
    #[arg(long, value_parser = parse_enum::<Activation>)]
    pub activation: Option<Activation>,
    #[arg(long)]
    pub dims: Option<u32>,
    #[arg(long)]
    pub points: Option<u32>,
    #[arg(long)]
    pub batch_size: Option<u32>,
    /// Adam learning rate (`learningRate`).
    #[arg(long = "learning-rate", visible_alias = "lr")]
    pub learning_rate: Option<f64>,
    /// Gradient-norm clip per parameter tensor; 0 turns it off (`gradClip`).
    #[arg(long)]
    pub grad_clip: Option<f64>,
    #[arg(long)]
    pub layers: Option<u32>,
    #[arg(long)]
    pub d_model: Option<u32>,
    #[arg(long)]
    pub heads: Option<u32>,
    #[arg(long, value_parser = parse_enum::<DeviceChoice>)]
    pub device: Option<DeviceChoice>,
    #[arg(long)]
    pub seed: Option<u32>,
    #[arg(long)]
    pub warmup_steps: Option<u32>,
    #[arg(long)]
    pub decay_steps: Option<u32>,
    /// Steps between curriculum increments; turns on the reference curriculum (dims from
    /// min(5, d) by 1, points from the class's reference start by its increment).
    #[arg(long)]
    pub curriculum_interval: Option<u32>,
    /// Task diversity: draw each training prompt's task from a pool of M tasks fixed by the
    /// seed (Raventós et al.); without it every prompt gets a fresh task.
    #[arg(long, value_name = "M")]
    pub task_pool: Option<u32>,
    /// Any config key by its JSON name, `key=value`, after the flags above (`gradClip=0.5`,
    /// `task.sparsity=2`, `tokens=paired`); repeatable. The core checks the result and names the
    /// key at fault.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub sets: Vec<String>,
}

impl SessionArgs {
    pub fn resolve(&self) -> Result<SessionConfig> {
        let mut config = match &self.config {
            Some(path) => SessionConfig::from_json(&read_text("--config", path)?)?,
            None => SessionConfig::default(),
        };
        macro_rules! set {
            ($($flag:ident => $field:ident),*) => {$(
                if let Some(v) = self.$flag { config.$field = v; }
            )*};
        }
        if let Some(task) = &self.task {
            config.task = task.clone();
        }
        if !self.task_params.is_empty() {
            config.task = with_task_params(&config.task, &self.task_params)?;
        }
        set!(model => model, xlstm_ratio => xlstm_ratio, preset => preset, tokens => tokens, activation => activation, dims => dims, points => points,
             batch_size => batch_size, learning_rate => learning_rate, grad_clip => grad_clip,
             device => device, seed => seed, warmup_steps => warmup_steps, decay_steps => decay_steps);
        config.layers = self.layers.or(config.layers);
        config.d_model = self.d_model.or(config.d_model);
        config.heads = self.heads.or(config.heads);
        config.task_pool = self.task_pool.or(config.task_pool);
        if let Some(interval) = self.curriculum_interval {
            let (points_start, points_increment) = config.task.class().reference_points();
            config.curriculum = Some(Curriculum {
                dims_start: config.dims.min(5),
                dims_increment: 1,
                points_start: points_start.min(config.points),
                points_increment,
                interval,
            });
        }
        if !self.sets.is_empty() {
            config = with_sets(&config, &self.sets, SessionConfig::from_json)?;
        }
        config.validate()?;
        Ok(config)
    }
}
