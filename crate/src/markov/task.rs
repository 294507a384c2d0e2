//! In-context Markov chains (docs/SCIENCE.md §7; Edelman, Edelman, Goel, Malach & Tsilivis 2024):
//! every sequence comes from its own chain over `k` states, each row of its transition matrix
//! drawn from Dirichlet(α); with order n, a row per context of the last n − 1 states. The first
//! n − 1 states are drawn from the chain's stationary distribution (over contexts), as the
//! paper's code intends, and the rest by the chain.

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use rand_distr::{Distribution, Gamma};
use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// The bounds of a Markov task (the catalog lists them).
pub mod fields {
    use crate::schema::Field;

    pub const STATES: Field = Field::int("states", 2, 8).labelled("States k");
    pub const ALPHA: Field = Field::positive("alpha", 100.0).labelled("Dirichlet α");
    pub const LENGTH: Field = Field::int("length", 8, 256).labelled("Sequence length T");
    pub const ORDER: Field = Field::int("order", 2, 3).labelled("n-gram order n");
    pub const ALL: &[Field] = &[STATES, ALPHA, LENGTH, ORDER];
}

/// The task: chains of `states` states, Dirichlet(`alpha`) rows, sequences of `length` states,
/// each state depending on the `order − 1` before it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct MarkovConfig {
    /// States k (2–8). Default 3.
    pub states: u32,
    /// Concentration of each row's Dirichlet prior (1: uniform over the simplex, the paper's).
    pub alpha: f64,
    /// States per sequence T. Default 64 (the paper: 100).
    pub length: u32,
    /// 2: a bigram chain (each state depends on the last); 3: on the last two.
    pub order: u32,
}

impl Default for MarkovConfig {
    fn default() -> Self {
        Self {
            states: 3,
            alpha: 1.0,
            length: 64,
            order: 2,
        }
    }
}

impl MarkovConfig {
    pub fn validate(&self) -> Result<()> {
        fields::STATES.check_u32(self.states)?;
        fields::ALPHA.check(self.alpha)?;
        fields::LENGTH.check_u32(self.length)?;
        fields::ORDER.check_u32(self.order)?;
        if self.length <= self.order {
            return Err(Error::invalid(
                "length",
                format!(
                    "must be longer than the order ({}), got {}",
                    self.order, self.length
                ),
            ));
        }
        Ok(())
    }

    pub fn k(&self) -> usize {
        self.states as usize
    }

    /// States a row's context holds (n − 1).
    pub fn context(&self) -> usize {
        self.order as usize - 1
    }

    /// Rows of a transition table: one per context, k^(n−1).
    pub fn contexts(&self) -> usize {
        self.k().pow(self.context() as u32)
    }
}

/// The index of the context `states` (the last n − 1 states, oldest first) in a table.
pub fn context_index(states: &[u8], k: usize) -> usize {
    states.iter().fold(0, |acc, &s| acc * k + usize::from(s))
}

/// One chain: a row of next-state probabilities per context, `[contexts, k]` row-major.
#[derive(Debug, Clone, PartialEq)]
pub struct Chain {
    pub k: usize,
    pub context: usize,
    pub rows: Vec<f64>,
}

impl Chain {
    /// Draws every row from Dirichlet(α) (normalized Gamma(α, 1) draws).
    pub fn sample(config: &MarkovConfig, rng: &mut StdRng) -> Result<Self> {
        let k = config.k();
        let gamma = Gamma::new(config.alpha, 1.0)
            .map_err(|e| Error::invalid("alpha", format!("{e}, got {}", config.alpha)))?;
        let mut rows = Vec::with_capacity(config.contexts() * k);
        for _ in 0..config.contexts() {
            let draws: Vec<f64> = (0..k).map(|_| gamma.sample(rng).max(1e-300)).collect();
            let sum: f64 = draws.iter().sum();
            rows.extend(draws.iter().map(|d| d / sum));
        }
        Ok(Self {
            k,
            context: config.context(),
            rows,
        })
    }

    /// The next-state distribution after `context` (its last n − 1 states).
    pub fn row(&self, context: &[u8]) -> &[f64] {
        let at = context_index(&context[context.len() - self.context..], self.k) * self.k;
        &self.rows[at..at + self.k]
    }

    /// The stationary distribution over contexts: the chain on contexts (c → c' = c shifted by
    /// the next state) iterated from uniform until it stops moving.
    pub fn stationary(&self) -> Vec<f64> {
        let (k, n) = (self.k, self.rows.len() / self.k);
        let mut pi = vec![1.0 / n as f64; n];
        for _ in 0..10_000 {
            let mut next = vec![0.0; n];
            for (c, &p) in pi.iter().enumerate() {
                for j in 0..k {
                    next[(c * k + j) % n] += p * self.rows[c * k + j];
                }
            }
            let moved: f64 = next.iter().zip(&pi).map(|(a, b)| (a - b).abs()).sum();
            pi = next;
            if moved < 1e-13 {
                break;
            }
        }
        pi
    }

    /// A sequence of `length` states: the first context from the stationary distribution, then
    /// the chain.
    pub fn sequence(&self, length: usize, rng: &mut StdRng) -> Vec<u8> {
        let pi = self.stationary();
        let first = draw(&pi, rng);
        let mut states: Vec<u8> = (0..self.context)
            .rev()
            .map(|i| ((first / self.k.pow(i as u32)) % self.k) as u8)
            .collect();
        while states.len() < length {
            let next = draw(self.row(&states), rng) as u8;
            states.push(next);
        }
        states
    }
}

/// An index drawn from the distribution `p`.
fn draw(p: &[f64], rng: &mut StdRng) -> usize {
    let u: f64 = rng.random::<f64>();
    let mut acc = 0.0;
    for (i, &q) in p.iter().enumerate() {
        acc += q;
        if u < acc {
            return i;
        }
    }
    p.len() - 1
}

/// A batch of sequences, each from its own chain.
#[derive(Debug, Clone, PartialEq)]
pub struct Batch {
    pub batch: usize,
    pub length: usize,
    /// `[batch, length]` states.
    pub states: Vec<u8>,
    pub chains: Vec<Chain>,
}

impl Batch {
    pub fn sample(config: &MarkovConfig, batch: usize, rng: &mut StdRng) -> Result<Self> {
        let length = config.length as usize;
        let mut states = Vec::with_capacity(batch * length);
        let mut chains = Vec::with_capacity(batch);
        for _ in 0..batch {
            let chain = Chain::sample(config, rng)?;
            states.extend(chain.sequence(length, rng));
            chains.push(chain);
        }
        Ok(Self {
            batch,
            length,
            states,
            chains,
        })
    }

    /// Sequence `b`'s states.
    pub fn sequence(&self, b: usize) -> &[u8] {
        &self.states[b * self.length..(b + 1) * self.length]
    }
}

/// A generator seeded apart for training and evaluation.
pub fn rng(seed: u32, stream: u64) -> StdRng {
    StdRng::seed_from_u64(u64::from(seed) ^ stream)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Counted over many chains: a Dirichlet(α) row's mean is 1/k and its variance
    /// (1/k)(1 − 1/k)/(kα + 1).
    #[test]
    fn rows_have_the_dirichlet_mean_and_variance() {
        for alpha in [0.5, 1.0, 4.0] {
            let config = MarkovConfig {
                states: 4,
                alpha,
                ..Default::default()
            };
            let mut rng = rng(1, 0);
            let first: Vec<f64> = (0..20_000)
                .map(|_| Chain::sample(&config, &mut rng).expect("chain").rows[0])
                .collect();
            let n = first.len() as f64;
            let mean = first.iter().sum::<f64>() / n;
            let var = first.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
            let expected = 0.25 * 0.75 / (4.0 * alpha + 1.0);
            assert!((mean - 0.25).abs() < 0.01, "α {alpha}: mean {mean}");
            assert!(
                (var - expected).abs() < 0.1 * expected,
                "α {alpha}: var {var} vs {expected}"
            );
        }
    }

    /// The stationary distribution is left alone by the chain, and a long sequence's state
    /// frequencies and transition frequencies match it and the rows.
    #[test]
    fn sequences_follow_their_chain() {
        let config = MarkovConfig {
            states: 3,
            length: 200_000,
            ..Default::default()
        };
        let mut rng = rng(2, 0);
        let chain = Chain::sample(&config, &mut rng).expect("chain");
        let pi = chain.stationary();
        for j in 0..3 {
            let back: f64 = (0..3).map(|i| pi[i] * chain.rows[i * 3 + j]).sum();
            assert!((back - pi[j]).abs() < 1e-10);
        }
        let s = chain.sequence(200_000, &mut rng);
        let mut counts = [[0.0f64; 3]; 3];
        for w in s.windows(2) {
            counts[usize::from(w[0])][usize::from(w[1])] += 1.0;
        }
        for (i, row) in counts.iter().enumerate() {
            let total: f64 = row.iter().sum();
            assert!((total / 199_999.0 - pi[i]).abs() < 0.01);
            for (j, c) in row.iter().enumerate() {
                assert!((c / total - chain.rows[i * 3 + j]).abs() < 0.02);
            }
        }
    }

    #[test]
    fn a_trigram_chain_reads_the_last_two_states() {
        let config = MarkovConfig {
            states: 2,
            order: 3,
            length: 100_000,
            ..Default::default()
        };
        let mut rng = rng(3, 0);
        let chain = Chain::sample(&config, &mut rng).expect("chain");
        assert_eq!(chain.rows.len(), 8);
        let s = chain.sequence(100_000, &mut rng);
        let mut counts = [[0.0f64; 2]; 4];
        for w in s.windows(3) {
            counts[context_index(&w[..2], 2)][usize::from(w[2])] += 1.0;
        }
        for (c, row) in counts.iter().enumerate() {
            let total = row[0] + row[1];
            assert!(
                (row[1] / total - chain.rows[c * 2 + 1]).abs() < 0.03,
                "context {c}"
            );
        }
    }

    #[test]
    fn bad_settings_are_named() {
        let bad = |c: MarkovConfig| {
            c.validate()
                .expect_err("invalid")
                .field()
                .map(str::to_owned)
        };
        let d = MarkovConfig::default();
        assert_eq!(
            bad(MarkovConfig {
                states: 9,
                ..d.clone()
            })
            .as_deref(),
            Some("states")
        );
        assert_eq!(
            bad(MarkovConfig {
                alpha: 0.0,
                ..d.clone()
            })
            .as_deref(),
            Some("alpha")
        );
        assert_eq!(
            bad(MarkovConfig {
                order: 4,
                ..d.clone()
            })
            .as_deref(),
            Some("order")
        );
        assert!(
            MarkovConfig {
                length: 8,
                order: 3,
                ..d
            }
            .validate()
            .is_ok()
        );
    }
}
