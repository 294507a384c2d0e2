//! `iclab cl run`: one continual-learning run; `iclab cl federated`: clients that learn apart and
//! merge. Printed or as JSON.

use std::path::Path;

use iclab::continual::digits::Digits;
use iclab::continual::run::federated::{FederatedConfig, run_federated};
use iclab::continual::run::{ClConfig, ClRun, DataConfig};
use iclab::{Error, Result};

use crate::args::{self, ClCommand};
use crate::{emit, read_bytes, read_text, to_json, write_atomic};

pub async fn command(json: bool, command: ClCommand) -> Result<()> {
    match command {
        ClCommand::Run {
            config,
            strategy,
            seed,
            digits,
            unlearn,
            sets,
            data,
            save_learner,
            learner,
        } => {
            let mut run = match &learner {
                Some(path) => {
                    // the file's own errors name the file
                    let named = |e: Error| match e {
                        Error::InvalidCheckpoint { .. } => {
                            Error::invalid("--learner", format!("{}: {e}", path.display()))
                        }
                        other => other,
                    };
                    let bytes = read_bytes("--learner", path)?;
                    let cl = ClRun::file_config(&bytes).map_err(named)?;
                    let digits = digits_for(&cl.dataset, digits)?;
                    ClRun::load(&bytes, digits.as_ref()).await.map_err(named)?
                }
                None => trained(config, strategy, seed, sets, data, digits).await?,
            };
            if let Some(c) = unlearn {
                run.unlearn(c).await.map_err(|e| match e.field() {
                    Some("class") => Error::invalid("--unlearn", e.to_string()),
                    _ => e,
                })?;
            }
            if let Some(path) = &save_learner {
                write_atomic("--save-learner", path, &run.save().await?)?;
            }
            let result = run.result()?;
            print_run(json, &result);
        }
        ClCommand::Federated {
            config,
            sets,
            digits,
            data,
            client,
            share_out,
            merge,
        } => {
            let mut fed = match &config {
                Some(path) => FederatedConfig::from_json(&read_text("--config", path)?)?,
                None => FederatedConfig::default(),
            };
            if let Some(path) = &data {
                fed.run.dataset = table_from(path)?;
            }
            if !sets.is_empty() {
                fed = args::with_sets(&fed, &sets, FederatedConfig::from_json)?;
            }
            let digits = digits_for(&fed.run.dataset, digits)?;
            if let Some(client) = client {
                return classroom_client(&fed, client, digits.as_ref(), share_out, &merge, json)
                    .await;
            }
            let result = run_federated(&fed, digits.as_ref()).await?;
            emit(json, to_json(&result), || {
                let pct = |a: f64| format!("{:.1}%", 100.0 * a);
                let mut out = format!(
                    "{} clients, {:?} on {} features, {} classes (accuracy on all of them):\n",
                    result.clients.len(),
                    fed.learner,
                    result.features,
                    result.classes
                );
                for (i, c) in result.clients.iter().enumerate() {
                    out.push_str(&format!(
                        "  client {i} (classes {:?}) before merging: {}\n",
                        c.classes,
                        pct(c.scores.accuracy)
                    ));
                }
                out.push_str(&format!(
                    "  merged: {}   joint (all data): {}   largest score difference {:.1e}\n",
                    pct(result.merged.accuracy),
                    pct(result.joint.accuracy),
                    result.merge_error
                ));
                out.push_str(&format!(
                    "  sent: {} numbers per class, {} once",
                    result.numbers_per_class, result.numbers_shared
                ));
                if let Some(f) = &result.fedavg {
                    out.push_str(&format!(
                        "\n  FedAvg of the MLP, {} rounds: {}; sent: {} numbers per client per round",
                        f.rounds,
                        pct(f.scores.accuracy),
                        f.numbers_per_round
                    ));
                }
                if let Some(c) = &result.versus_fedavg {
                    out.push_str(&format!("\n  {}", c.statement));
                }
                out
            });
        }
    }
    Ok(())
}

/// One client of a classroom, as a page is: learns its share, merges the given shares (each
/// refused by name when it cannot merge), writes its own share.
async fn classroom_client(
    config: &FederatedConfig,
    client: u32,
    digits: Option<&Digits>,
    share_out: Option<std::path::PathBuf>,
    merge: &[std::path::PathBuf],
    json: bool,
) -> Result<()> {
    use iclab::continual::run::classroom::{FederatedClient, Share};
    let mut learned =
        FederatedClient::learn(config, client, digits, &mut iclab::pace::Pace::free()).await?;
    for path in merge {
        Share::from_json(&read_text("--merge", path)?)
            .and_then(|s| learned.merge(&s))
            .map_err(|e| match e {
                iclab::Error::InvalidConfig { field, reason } => iclab::Error::InvalidConfig {
                    field,
                    reason: format!("{reason} (--merge {})", path.display()),
                },
                other => other,
            })?;
    }
    if let Some(path) = &share_out {
        std::fs::write(path, learned.share().to_json()).map_err(|e| {
            iclab::Error::invalid("--share-out", format!("{}: {e}", path.display()))
        })?;
    }
    let state = learned.state();
    emit(json, to_json(&state), || {
        let pct = |a: f64| format!("{:.1}%", 100.0 * a);
        let mut out = format!(
            "client {} of {} learned classes {:?} ({} features): {} on all {} classes alone\n",
            state.client,
            state.clients,
            state.own,
            state.features,
            pct(state.alone.accuracy),
            state.classes
        );
        for m in &state.merged {
            out.push_str(&format!(
                "  merged client {}'s share (classes {:?})\n",
                m.client, m.classes
            ));
        }
        out.push_str(&format!(
            "now knows classes {:?}: {} on all classes; its share is {} bytes",
            state.known,
            pct(state.now.accuracy),
            state.share_bytes
        ));
        out
    });
    Ok(())
}

/// A CSV file as a run's dataset; a bad file is an error naming `--data` and the row and
/// column.
fn table_from(path: &Path) -> Result<DataConfig> {
    let table = iclab::continual::table::TableConfig {
        csv: read_text("--data", path)?,
        ..Default::default()
    };
    table.validate().map_err(|e| match e {
        Error::InvalidConfig { reason, .. } => Error::InvalidConfig {
            field: "--data".to_owned(),
            reason: format!("{}: {reason}", path.display()),
        },
        other => other,
    })?;
    Ok(DataConfig::Table(table))
}

/// The digits asset when `dataset` needs it (default: web/data/digits.bin of this source tree).
fn digits_for(dataset: &DataConfig, path: Option<std::path::PathBuf>) -> Result<Option<Digits>> {
    Ok(match dataset {
        DataConfig::Digits(_) => {
            let path = path.unwrap_or_else(|| {
                Path::new(env!("CARGO_MANIFEST_DIR")).join("../web/data/digits.bin")
            });
            Some(Digits::parse(&read_bytes("--digits", &path)?)?)
        }
        DataConfig::TwoD(_) | DataConfig::Table(_) => None,
    })
}

/// `cl run`'s config from its flags, trained to the end of its stream.
async fn trained(
    config: Option<std::path::PathBuf>,
    strategy: Option<iclab::continual::run::StrategyKind>,
    seed: Option<u32>,
    sets: Vec<String>,
    data: Option<std::path::PathBuf>,
    digits: Option<std::path::PathBuf>,
) -> Result<ClRun> {
    let mut cl = match &config {
        Some(path) => ClConfig::from_json(&read_text("--config", path)?)?,
        None => ClConfig::default(),
    };
    if let Some(path) = &data {
        cl.dataset = table_from(path)?;
    }
    if let Some(s) = strategy {
        cl.strategy = s;
    }
    if let Some(s) = seed {
        cl.seed = s;
    }
    if !sets.is_empty() {
        cl = args::with_sets(&cl, &sets, ClConfig::from_json)?;
    }
    let digits = digits_for(&cl.dataset, digits)?;
    let mut run = ClRun::new(&cl, digits.as_ref()).await?;
    run.advance(run.total_steps()).await?;
    Ok(run)
}

/// A run's accuracy matrix, plasticity and metrics, printed or as JSON.
fn print_run(json: bool, result: &iclab::continual::run::ClResult) {
    emit(json, to_json(result), || {
        let mut out = format!(
            "{:?}, {} tasks; R[i][j] = accuracy on task j after task i:\n",
            result.strategy,
            result.tasks.len()
        );
        for row in &result.accuracy_matrix {
            let cells: Vec<String> = row.iter().map(|a| format!("{a:.3}")).collect();
            out.push_str(&format!("  [{}]\n", cells.join(", ")));
        }
        if !result.unlearned.is_empty() {
            let classes: Vec<String> = result.unlearned.iter().map(u32::to_string).collect();
            out.push_str(&format!(
                "  (the last row and the metrics: after unlearning class {})\n",
                classes.join(", ")
            ));
        }
        if let (Some(first), Some(last)) = (result.plasticity.first(), result.plasticity.last()) {
            out.push_str(&format!(
                "plasticity, first → last segment: new-task accuracy {:.3} → {:.3}, dead units {:.0}% → {:.0}%, effective rank {:.1} → {:.1} (of {}), mean |w| {:.3} → {:.3}\n",
                first.new_task_accuracy,
                last.new_task_accuracy,
                100.0 * first.dead_units,
                100.0 * last.dead_units,
                first.effective_rank,
                last.effective_rank,
                last.width,
                first.weight_magnitude,
                last.weight_magnitude,
            ));
        }
        if let Some(v) = &result.plasticity_verdict {
            out.push_str(&format!("{}\n", v.statement));
        }
        let Some(m) = &result.metrics else {
            return out;
        };
        out.push_str(&format!(
            "ACC {:.3}  forgetting ({:?}) {:.3}  BWT {:.3}  FWT {:.3}  min-ACC {}  WC-ACC {:.3}  WF10 {:.3}",
            m.average_accuracy,
            m.forgetting_definition,
            m.forgetting,
            m.backward_transfer,
            m.forward_transfer,
            m.min_acc.map_or("-".to_owned(), |v| format!("{v:.3}")),
            m.wc_acc,
            m.windowed_forgetting,
        ));
        out
    });
}
