//! Learning-rate schedule: linear warmup, then either constant (Garg et al. train at a constant
//! rate) or a cosine decay to `FINAL_RATIO` of the base rate over `decay_steps`.

/// Where the cosine decay ends, as a fraction of the base rate. 0.1: late steps still move.
pub const FINAL_RATIO: f64 = 0.1;

/// Learning rate for 0-based `step`; `decay_steps == 0` keeps it constant after warmup.
pub fn learning_rate(base: f64, warmup_steps: u32, decay_steps: u32, step: u32) -> f64 {
    if step < warmup_steps {
        return base * f64::from(step + 1) / f64::from(warmup_steps);
    }
    if decay_steps == 0 {
        return base;
    }
    let t = (f64::from(step - warmup_steps) / f64::from(decay_steps)).min(1.0);
    let cosine = 0.5 * (1.0 + (std::f64::consts::PI * t).cos());
    base * (FINAL_RATIO + (1.0 - FINAL_RATIO) * cosine)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warmup_is_linear_then_flat() {
        assert_eq!(learning_rate(1.0, 4, 0, 0), 0.25);
        assert_eq!(learning_rate(1.0, 4, 0, 3), 1.0);
        assert_eq!(learning_rate(1.0, 4, 0, 100), 1.0);
        assert_eq!(learning_rate(0.5, 0, 0, 0), 0.5);
    }

    #[test]
    fn cosine_decays_to_the_floor() {
        assert_eq!(learning_rate(1.0, 10, 100, 10), 1.0);
        assert!((learning_rate(1.0, 10, 100, 60) - 0.55).abs() < 1e-12);
        assert!((learning_rate(1.0, 10, 100, 110) - FINAL_RATIO).abs() < 1e-12);
        assert!((learning_rate(1.0, 10, 100, 5000) - FINAL_RATIO).abs() < 1e-12);
    }
}
