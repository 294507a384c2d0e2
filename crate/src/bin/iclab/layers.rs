//! `iclab icl layers`: what each layer computes (Fu et al.; docs/SCIENCE.md §6) — its flags,
//! checked under their own names, and the text table.

use clap::Args;
use iclab::Result;
use iclab::icl::layers::{Comparison, LayersConfig, LayersResult, Resembles, fields};

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
    /// GD's fixed step size on the summed loss (the reference's 0.01).
    #[arg(long)]
    gd_step: Option<f64>,
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
        if let Some(step) = self.gd_step {
            fields::GD_STEP.check_as("--gd-step", step)?;
        }
        let defaults = LayersConfig::default();
        let config = LayersConfig {
            prompts: self.prompts.unwrap_or(defaults.prompts),
            fit_prompts: self.fit_prompts.unwrap_or(defaults.fit_prompts),
            newton_max: self.newton_max.unwrap_or(defaults.newton_max),
            gd_max: self.gd_max.unwrap_or(defaults.gd_max),
            gd_step: self.gd_step.unwrap_or(defaults.gd_step),
            seed,
            ..defaults
        };
        config.validate()?;
        Ok(config)
    }
}

/// A comparison's cell: "T (distance) verdict".
fn cell(c: &Comparison) -> String {
    let who = match c.resembles {
        Resembles::Newton => "Newton",
        Resembles::GradientDescent => "GD",
        Resembles::Start => "start (≈ 0)",
        Resembles::CannotTell => "cannot tell",
    };
    format!(
        "N {:>2} {:.3} · GD {:>6} {:.3} · apart {:.3} → {who}",
        c.newton.steps, c.newton.distance, c.gd.steps, c.gd.distance, c.separation
    )
}

/// `iclab icl layers` as text: per layer, the probe's error at k = d and at the largest k, and
/// for each measure the nearest Newton and GD iterates, their separation and the verdict; then
/// the finding.
pub fn table(r: &LayersResult) -> String {
    let (d, last) = (
        (r.dims as usize).min(r.points as usize - 1),
        r.points as usize - 1,
    );
    let mut out = vec![format!(
        "layer  read-out@k={d}  probe@k={d}  probe@k={last}   by prediction (RMS)                                  by residual angle (Fu et al.'s cosine)"
    )];
    for l in &r.layers {
        out.push(format!(
            "{:>5}  {:>13.4}  {:>10.4}  {:>11.4}   {}   {}",
            l.layer,
            l.read_out[d],
            l.probe[d],
            l.probe[last],
            cell(&l.prediction),
            cell(&l.residual),
        ));
    }
    out.push(format!(
        "least squares: {:.4} at k={d}, {:.4} at k={last} ({} prompts scored, {} fitted; errors ÷ {}; GD's fixed step {}{})",
        r.least_squares[d],
        r.least_squares[last],
        r.prompts,
        r.fit_prompts,
        r.normalizer,
        r.gd_step,
        if r.gd_unstable > 0 {
            format!(", unstable on {} (prompt, k) problems", r.gd_unstable)
        } else {
            String::new()
        }
    ));
    out.push(r.statement.clone());
    out.join("\n")
}
