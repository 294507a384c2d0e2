//! Learning-rate schedule: linear warmup, then constant (Garg et al. train at a constant rate).

/// Learning rate for 0-based `step`.
pub fn learning_rate(base: f64, warmup_steps: u32, step: u32) -> f64 {
    if warmup_steps == 0 {
        return base;
    }
    base * (f64::from(step + 1) / f64::from(warmup_steps)).min(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warmup_is_linear_then_flat() {
        assert_eq!(learning_rate(1.0, 4, 0), 0.25);
        assert_eq!(learning_rate(1.0, 4, 3), 1.0);
        assert_eq!(learning_rate(1.0, 4, 100), 1.0);
        assert_eq!(learning_rate(0.5, 0, 0), 0.5);
    }
}
