//! What a learner could predict next from the sequence so far (docs/SCIENCE.md §7), each a
//! distribution over the k states computed from the same context as the model reads:
//! **uniform**; **unigram**, the context's state counts smoothed by the prior,
//! (N(j) + α) / (t + kα); **bigram** (n-gram for order n), the Bayes-optimal prediction for
//! Dirichlet(α) rows, (N(c → j) + α) / (N(c → ·) + kα) with c the last n − 1 states; and the
//! **oracle**, the sequence's true transition row. With α = 1 these are the paper's add-one
//! rules (its `ngram` in test_error.py).

use serde::{Deserialize, Serialize};

use super::task::{Chain, context_index};

/// The predictors a model is measured against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    Uniform,
    Unigram,
    /// The n-gram rule of the chain's order (a bigram for order 2).
    Bigram,
    /// The true transition row: what no learner can beat.
    Oracle,
}

impl Rule {
    /// The three stages a model passes through (the oracle is the floor, not a stage).
    pub const STAGES: [Self; 3] = [Self::Uniform, Self::Unigram, Self::Bigram];
    pub const ALL: [Self; 4] = [Self::Uniform, Self::Unigram, Self::Bigram, Self::Oracle];

    pub fn title(self) -> &'static str {
        match self {
            Self::Uniform => "uniform",
            Self::Unigram => "unigram (state counts)",
            Self::Bigram => "bigram (transition counts, Bayes-optimal)",
            Self::Oracle => "true transitions",
        }
    }

    /// The distribution of the state after `seen` (the sequence so far) for a chain with `k`
    /// states, rows of `context` states, Dirichlet(`alpha`) prior; `chain` for the oracle.
    pub fn predict(
        self,
        seen: &[u8],
        k: usize,
        context: usize,
        alpha: f64,
        chain: &Chain,
    ) -> Vec<f64> {
        match self {
            Self::Uniform => vec![1.0 / k as f64; k],
            Self::Unigram => {
                let mut counts = vec![alpha; k];
                for &s in seen {
                    counts[usize::from(s)] += 1.0;
                }
                let total = seen.len() as f64 + k as f64 * alpha;
                counts.iter().map(|c| c / total).collect()
            }
            Self::Bigram => {
                let mut counts = vec![alpha; k];
                if seen.len() >= context {
                    let now = context_index(&seen[seen.len() - context..], k);
                    for w in seen.windows(context + 1) {
                        if context_index(&w[..context], k) == now {
                            counts[usize::from(w[context])] += 1.0;
                        }
                    }
                }
                let total: f64 = counts.iter().sum();
                counts.iter().map(|c| c / total).collect()
            }
            Self::Oracle => chain.row(seen).to_vec(),
        }
    }
}

/// KL(p ‖ q) in nats; terms where p is 0 add nothing.
pub fn kl(p: &[f64], q: &[f64]) -> f64 {
    p.iter()
        .zip(q)
        .filter(|&(&pi, _)| pi > 0.0)
        .map(|(&pi, &qi)| pi * (pi / qi.max(1e-300)).ln())
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain() -> Chain {
        Chain {
            k: 3,
            context: 1,
            rows: vec![0.5, 0.3, 0.2, 0.1, 0.8, 0.1, 0.3, 0.3, 0.4],
        }
    }

    /// By hand, k = 3, α = 1, the sequence 0 1 1 0 1 (t = 5, last state 1):
    /// unigram counts (2, 3, 0) → (3, 4, 1)/8; transitions from 1: 1→1, 1→0 → (1+1, 1+1, 0+1)/5.
    #[test]
    fn strategies_by_hand() {
        let seen = [0, 1, 1, 0, 1];
        let c = chain();
        let p = |s: Rule| s.predict(&seen, 3, 1, 1.0, &c);
        assert_eq!(p(Rule::Uniform), vec![1.0 / 3.0; 3]);
        assert_eq!(p(Rule::Unigram), vec![3.0 / 8.0, 4.0 / 8.0, 1.0 / 8.0]);
        assert_eq!(p(Rule::Bigram), vec![2.0 / 5.0, 2.0 / 5.0, 1.0 / 5.0]);
        assert_eq!(p(Rule::Oracle), vec![0.1, 0.8, 0.1]);
        // α = 0.5: transitions from 1 → (1.5, 1.5, 0.5)/3.5
        let half = Rule::Bigram.predict(&seen, 3, 1, 0.5, &c);
        assert!((half[0] - 1.5 / 3.5).abs() < 1e-12 && (half[2] - 0.5 / 3.5).abs() < 1e-12);
    }

    /// Order 3 (context of two): after 0 1 0 1 1 0 1 the context is (0, 1), seen before 0 1 0,
    /// 0 1 1, 0 1 (the last has no successor yet): counts (1, 1) → (2, 2)/4 with α = 1.
    #[test]
    fn a_trigram_rule_counts_the_last_two_states() {
        let seen = [0, 1, 0, 1, 1, 0, 1];
        let c = Chain {
            k: 2,
            context: 2,
            rows: vec![0.5; 8],
        };
        let p = Rule::Bigram.predict(&seen, 2, 2, 1.0, &c);
        // (0,1) → 0 at positions 0–2, (0,1) → 1 at 2–4, (0,1) → ? at 5–6: one each
        assert_eq!(p, vec![0.5, 0.5]);
        let seen = [0, 1, 1, 0, 1];
        // (0,1) → 1 once: (1 + 1, 0 + 1)/3 for states (1, 0)
        let p = Rule::Bigram.predict(&seen, 2, 2, 1.0, &c);
        assert_eq!(p, vec![1.0 / 3.0, 2.0 / 3.0]);
    }

    #[test]
    fn kl_by_hand() {
        let p = [0.5, 0.5, 0.0];
        let q = [0.25, 0.25, 0.5];
        assert!((kl(&p, &q) - 2f64.ln()).abs() < 1e-12);
        assert_eq!(kl(&p, &p), 0.0);
    }
}
