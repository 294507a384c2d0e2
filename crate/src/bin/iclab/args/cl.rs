//! `iclab cl`'s arguments: whole continual runs, and learn apart, merge together.

use std::path::PathBuf;

use clap::Subcommand;
use iclab::continual::run::StrategyKind;

use super::parse_enum;

#[derive(Subcommand)]
pub enum ClCommand {
    /// One whole run: the stream, the strategy, continual evaluation; prints the accuracy
    /// matrix, the per-evaluation curves and the metrics (`--json`: one object).
    Run {
        /// JSON run config (the `ClConfig` schema, as in JS: dataset {kind: two_d | digits | table},
        /// scenario {kind: class_incremental | task_incremental | permuted | rotated | blurry |
        /// reoccurring}, strategy, bufferSize, bufferPolicy, regularization, lwfAlpha,
        /// temperature, rehearsalExponent, embedding, features, ridge, hidden, learningRate,
        /// batchSize, iterationsPerTask, evalEvery, device, seed); omitted keys take defaults.
        #[arg(long)]
        config: Option<PathBuf>,
        /// Overrides the config's strategy (`iclab catalog` lists them).
        #[arg(long, value_parser = parse_enum::<StrategyKind>)]
        strategy: Option<StrategyKind>,
        /// Overrides the config's seed.
        #[arg(long)]
        seed: Option<u32>,
        /// Any config key by its JSON name, `key=value` (`bufferSize=500`,
        /// `dataset.classes=8`, `scenario.classesPerTask=3`); repeatable, after the flags.
        #[arg(long = "set", value_name = "KEY=VALUE")]
        sets: Vec<String>,
        /// The digits asset, for `dataset.kind = digits` (default: web/data/digits.bin of this
        /// source tree, built by `node scripts/build-digits.mjs`).
        #[arg(long)]
        digits: Option<PathBuf>,
        /// After the stream, forget this class exactly (analytic head only) and print the run
        /// again.
        #[arg(long)]
        unlearn: Option<u32>,
        /// Your own data: a CSV file (numeric features, the label in the last column, a header
        /// row optional) as the dataset, 20% of each class held out (`--set
        /// dataset.testShare=0.3` changes it); bad cells are errors naming row and column.
        #[arg(long, value_name = "FILE.csv")]
        data: Option<PathBuf>,
        /// Write the learner as trained (with its config and everything the run measured) to
        /// this learner file (safetensors; the continual page's "Load a learner" reads it).
        #[arg(long, value_name = "PATH")]
        save_learner: Option<PathBuf>,
        /// Instead of training: load this learner file (saved by a page or `--save-learner`)
        /// and print what its run reported (`--unlearn` still applies).
        #[arg(long, value_name = "PATH", conflicts_with_all = ["config", "strategy", "seed", "sets", "data"])]
        learner: Option<PathBuf>,
    },
    /// Learn apart, merge together: clients each learn their share of the classes with NCM,
    /// streaming LDA or the analytic head, then merge; prints each client's accuracy on all the
    /// classes before the merge, the merged and the joint learner's (`--json`: one object).
    Federated {
        /// JSON config: `learner` (ncm | slda | analytic), `run` (a continual run's config for
        /// the data and features: dataset, embedding raw | frozen, features, ridge, hidden,
        /// learningRate, batchSize, iterationsPerTask, device, seed), `clients` (2–8), `split`
        /// (disjoint | overlapping), `rounds` (FedAvg); omitted keys take defaults.
        #[arg(long)]
        config: Option<PathBuf>,
        /// Any config key by its JSON name, `key=value` (`clients=4`, `learner=slda`).
        #[arg(long = "set", value_name = "KEY=VALUE")]
        sets: Vec<String>,
        /// The digits asset, for `run.dataset.kind = digits` (default: web/data/digits.bin).
        #[arg(long)]
        digits: Option<PathBuf>,
        /// Your own data: a CSV file (as `cl run --data`) as the clients' dataset.
        #[arg(long, value_name = "FILE.csv")]
        data: Option<PathBuf>,
        /// Be one client of a classroom instead of the whole run, as a page is: learn client
        /// N's share of the classes (0 to clients − 1), merge the `--merge` shares, print its
        /// accuracy alone and merged.
        #[arg(long, value_name = "N")]
        client: Option<u32>,
        /// With `--client`: write its share (the JSON a page's "Load a share…" reads) here.
        #[arg(long, value_name = "PATH", requires = "client")]
        share_out: Option<PathBuf>,
        /// With `--client`: merge these shares (written by pages or by `--share-out`).
        #[arg(long, value_name = "PATH", num_args = 1.., requires = "client")]
        merge: Vec<PathBuf>,
    },
}
