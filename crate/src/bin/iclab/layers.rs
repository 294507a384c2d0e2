//! `iclab icl layers`: what each layer computes (Fu et al.; docs/SCIENCE.md §6) — its flags,
//! checked under their own names, and the text table.

use clap::Args;
use iclab::Result;
use iclab::icl::layers::{LayersConfig, LayersResult, fields};

/// The analysis' own flags (the checkpoint's are `CheckpointArgs`).
#[derive(Args)]
pub struct LayersArgs {
    /// Prompts the layers are scored on.
    #[arg(long)]
    prompts: Option<u32>,
    /// Held-out prompts the probes are fitted on.
    #[arg(long)]
    fit_prompts: Option<u32>,
    /// Newton is compared after 0..=N iterations.
    #[arg(long)]
    newton_max: Option<u32>,
    /// GD is compared at step counts growing by √2 up to N.
    #[arg(long)]
    gd_max: Option<u32>,
}

impl LayersArgs {
    /// The config these flags ask for; each flag is checked under its own name, then the whole.
    pub fn resolve(&self, seed: Option<u32>) -> Result<LayersConfig> {
        let flags = [
            ("--prompts", self.prompts, fields::PROMPTS),
            ("--fit-prompts", self.fit_prompts, fields::FIT_PROMPTS),
            ("--newton-max", self.newton_max, fields::NEWTON_MAX),
            ("--gd-max", self.gd_max, fields::GD_MAX),
        ];
        for (flag, value, field) in flags {
            if let Some(v) = value {
                field.check_as(flag, f64::from(v))?;
            }
        }
        let defaults = LayersConfig::default();
        let config = LayersConfig {
            prompts: self.prompts.unwrap_or(defaults.prompts),
            fit_prompts: self.fit_prompts.unwrap_or(defaults.fit_prompts),
            newton_max: self.newton_max.unwrap_or(defaults.newton_max),
            gd_max: self.gd_max.unwrap_or(defaults.gd_max),
            seed,
            ..defaults
        };
        config.validate()?;
        Ok(config)
    }
}

/// `iclab icl layers` as text: per layer, the probe's error at k = d and at the largest k, and
/// the best-matching Newton iterations and GD steps with their distances.
pub fn table(r: &LayersResult) -> String {
    let (d, last) = (
        (r.dims as usize).min(r.points as usize - 1),
        r.points as usize - 1,
    );
    let mut out = vec![format!(
        "layer  read-out@k={d}  probe@k={d}  probe@k={last}   Newton T (distance)   GD T (distance)"
    )];
    for l in &r.layers {
        out.push(format!(
            "{:>5}  {:>13.4}  {:>10.4}  {:>11.4}   {:>8} ({:.4})   {:>8} ({:.4})",
            l.layer,
            l.read_out[d],
            l.probe[d],
            l.probe[last],
            l.best_newton.steps,
            l.best_newton.distance,
            l.best_gd.steps,
            l.best_gd.distance
        ));
    }
    out.push(format!(
        "least squares: {:.4} at k={d}, {:.4} at k={last} ({} prompts scored, {} fitted; errors and distances ÷ {})",
        r.least_squares[d], r.least_squares[last], r.prompts, r.fit_prompts, r.normalizer
    ));
    out.join("\n")
}
