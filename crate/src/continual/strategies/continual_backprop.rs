//! Continual backpropagation (Dohare et al. 2024, "Loss of plasticity in deep continual
//! learning"): plain backprop plus a slow, steady reinitialization of the hidden units that
//! contribute least, so the network keeps some units as fresh as at initialization.
//!
//! Per hidden layer, after every step, each unit i ages by one and its *contribution utility*
//! follows a running average, `u_i ← η u_i + (1 − η) · mean_batch|h_i| · Σ_k |w_ki|` (its
//! activation times its outgoing weights' magnitude: the paper's main-text measure; the
//! reference code's default, "adaptable contribution", also centres the activation and divides by
//! the incoming weights' magnitude). Units older than the maturity threshold m are eligible;
//! ρ · (number eligible) accumulates per step, and each time the sum passes a whole number that
//! many eligible units with the lowest bias-corrected utility `u_i / (1 − η^age_i)` are
//! replaced: incoming weights redrawn from the initial distribution, bias and outgoing weights
//! zeroed (so the network's output does not jump), utility and age reset. (The reference also
//! zeroes Adam's moments for the replaced weights; here each task starts a fresh Adam and the
//! moments within a task are kept: a difference docs/SCIENCE.md states.)

use rand::rngs::StdRng;

use super::{Needs, Strategy, UnitStats};

#[derive(Debug, Clone, Copy)]
pub struct CbpSettings {
    /// ρ: fraction of eligible units replaced per step.
    pub replacement_rate: f64,
    /// m: steps a unit lives before it may be replaced.
    pub maturity: u64,
    /// η: decay of the running utility.
    pub decay: f64,
}

/// One hidden layer's bookkeeping.
#[derive(Debug, Clone, Default)]
struct Layer {
    utility: Vec<f64>,
    age: Vec<u64>,
    accumulated: f64,
}

pub struct ContinualBackprop {
    settings: CbpSettings,
    layers: Vec<Layer>,
    /// Units replaced so far, per layer.
    pub replaced: Vec<u64>,
}

impl ContinualBackprop {
    pub fn new(settings: CbpSettings) -> Self {
        Self {
            settings,
            layers: Vec::new(),
            replaced: Vec::new(),
        }
    }

    /// Unit `i` of layer `l`'s bias-corrected utility (for tests and reports).
    pub fn utility(&self, l: usize, i: usize) -> f64 {
        let layer = &self.layers[l];
        let age = layer.age[i];
        let correction = 1.0 - self.settings.decay.powi(age.min(i32::MAX as u64) as i32);
        if correction <= 0.0 {
            0.0
        } else {
            layer.utility[i] / correction
        }
    }
}

impl Strategy for ContinualBackprop {
    fn needs(&self) -> Needs {
        Needs {
            units: true,
            ..Needs::default()
        }
    }

    fn replace_units(&mut self, layers: &[UnitStats], _rng: &mut StdRng) -> Vec<Vec<usize>> {
        let CbpSettings {
            replacement_rate,
            maturity,
            decay,
        } = self.settings;
        if self.layers.len() != layers.len() {
            self.layers = layers
                .iter()
                .map(|s| Layer {
                    utility: vec![0.0; s.activity.len()],
                    age: vec![0; s.activity.len()],
                    accumulated: 0.0,
                })
                .collect();
            self.replaced = vec![0; layers.len()];
        }
        let mut out = Vec::with_capacity(layers.len());
        for (l, (stats, layer)) in layers.iter().zip(self.layers.iter_mut()).enumerate() {
            for (i, (&a, &w)) in stats.activity.iter().zip(&stats.outgoing).enumerate() {
                layer.age[i] += 1;
                layer.utility[i] =
                    decay * layer.utility[i] + (1.0 - decay) * f64::from(a) * f64::from(w);
            }
            let eligible: Vec<usize> = (0..layer.age.len())
                .filter(|&i| layer.age[i] > maturity)
                .collect();
            layer.accumulated += replacement_rate * eligible.len() as f64;
            let n = (layer.accumulated.floor() as usize).min(eligible.len());
            layer.accumulated -= n as f64;
            if n == 0 {
                out.push(Vec::new());
                continue;
            }
            let mut ranked: Vec<(f64, usize)> = eligible
                .iter()
                .map(|&i| {
                    let c = 1.0 - decay.powi(layer.age[i].min(i32::MAX as u64) as i32);
                    (if c > 0.0 { layer.utility[i] / c } else { 0.0 }, i)
                })
                .collect();
            ranked.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            let chosen: Vec<usize> = ranked.iter().take(n).map(|&(_, i)| i).collect();
            for &i in &chosen {
                layer.utility[i] = 0.0;
                layer.age[i] = 0;
            }
            self.replaced[l] += chosen.len() as u64;
            out.push(chosen);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    /// Utility and replacement by hand: three units, η = 0.5, maturity 2, ρ = 0.5.
    #[test]
    fn utility_and_replacement_by_hand() {
        let mut cbp = ContinualBackprop::new(CbpSettings {
            replacement_rate: 0.5,
            maturity: 2,
            decay: 0.5,
        });
        let mut rng = StdRng::seed_from_u64(0);
        // contributions |h|·Σ|w|: unit 0 gives 2·1 = 2, unit 1 gives 1·0.5 = 0.5, unit 2 gives 4·1 = 4
        let step = UnitStats {
            activity: vec![2.0, 1.0, 4.0],
            outgoing: vec![1.0, 0.5, 1.0],
        };
        // steps 1 and 2: no unit is older than 2 yet
        assert_eq!(
            cbp.replace_units(&[step], &mut rng),
            vec![Vec::<usize>::new()]
        );
        let step = UnitStats {
            activity: vec![2.0, 1.0, 4.0],
            outgoing: vec![1.0, 0.5, 1.0],
        };
        assert_eq!(
            cbp.replace_units(&[step], &mut rng),
            vec![Vec::<usize>::new()]
        );
        // u after two steps: 0.5·(0.5·c) + 0.5·c = 0.75c; corrected by 1 − 0.5² = 0.75: c itself
        assert!((cbp.utility(0, 0) - 2.0).abs() < 1e-12);
        assert!((cbp.utility(0, 1) - 0.5).abs() < 1e-12);
        // step 3: all three are mature; 0.5 · 3 = 1.5 accumulated → one unit, the least useful (1)
        let step = UnitStats {
            activity: vec![2.0, 1.0, 4.0],
            outgoing: vec![1.0, 0.5, 1.0],
        };
        assert_eq!(cbp.replace_units(&[step], &mut rng), vec![vec![1]]);
        assert_eq!(cbp.utility(0, 1), 0.0);
        assert_eq!(cbp.replaced, vec![1]);
        // step 4: unit 1 is young again; 0.5 left + 0.5 · 2 eligible = 1.5 → one more: unit 0
        let step = UnitStats {
            activity: vec![2.0, 1.0, 4.0],
            outgoing: vec![1.0, 0.5, 1.0],
        };
        assert_eq!(cbp.replace_units(&[step], &mut rng), vec![vec![0]]);
        assert_eq!(cbp.replaced, vec![2]);
    }
}
