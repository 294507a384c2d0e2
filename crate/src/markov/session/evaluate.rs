//! A Markov session's evaluation (docs/SCIENCE.md §7): on the fixed evaluation chains, the
//! model's KL divergence to each rule at the last position, its loss next to each rule's, the
//! stage the core decides, every head's attention scores and the first sequence's trace.

use std::collections::BTreeMap;

use burn::module::Module;
use burn::tensor::{Tensor, TensorData};

use super::super::stage::decide;
use super::super::strategies::{Rule, kl};
use super::{HeadAttention, MarkovEvaluation, MarkovSession, Measured, SequenceTrace, tensors};
use crate::device;
use crate::error::lost_model;
use crate::{Error, Result};

impl MarkovSession {
    /// The model on the fixed evaluation chains (see [`MarkovEvaluation`]).
    pub async fn evaluate(&self) -> Result<MarkovEvaluation> {
        let model = self.model.as_ref().ok_or_else(lost_model)?.valid();
        let device = self.compute.infer.clone();
        let task = &self.config.task;
        let (k, ctx, alpha) = (task.k(), task.context(), task.alpha);
        let eval = &self.eval;
        let (n, l) = (eval.batch, eval.length);
        let s = l - 1; // positions read
        let (inputs, _) = tensors(eval, &device);
        let (logits, maps) = model.forward_with_attention(inputs);
        // one read-back: the first sequence's predictions at every position (the trace), then
        // every sequence's at the last position
        let all = burn::tensor::activation::softmax(logits, 2);
        let both = Tensor::cat(
            vec![
                all.clone().narrow(0, 0, 1).reshape([s * k]),
                all.narrow(1, s - 1, 1).reshape([n * k]),
            ],
            0,
        );
        let mut probs = device::read_f32(both, "predictions").await?;
        let first: Vec<f32> = probs.drain(..s * k).collect();
        if let Some(bad) = probs.iter().find(|v| !v.is_finite()) {
            return Err(Error::Diverged {
                step: self.step,
                what: "the model's predictions",
                value: f64::from(*bad),
            });
        }
        // each layer's last row [n, h, s] and its previous-state mass per head
        let mut attention = Vec::new();
        let previous = {
            let m: Vec<f32> = (0..s * s)
                .map(|x| {
                    if x / s >= 1 && x % s == x / s - 1 {
                        1.0
                    } else {
                        0.0
                    }
                })
                .collect();
            Tensor::<2>::from_data(TensorData::new(m, [s, s]), &device).reshape([1, 1, s, s])
        };
        let mut rows = Vec::with_capacity(maps.len());
        let mut prev = Vec::with_capacity(maps.len());
        for map in &maps {
            let h = map.dims()[1];
            rows.push((
                h,
                device::read_f32(map.clone().narrow(2, s - 1, 1), "attention").await?,
            ));
            let on_previous = (map.clone() * previous.clone())
                .sum_dim(3)
                .sum_dim(2)
                .sum_dim(0);
            prev.push(device::read_f32(on_previous.reshape([h]), "attention").await?);
        }
        // the rules and the KLs, sequence by sequence
        let stages = Rule::STAGES;
        let mut to_model: [Vec<f64>; 3] = Default::default();
        let mut between: [[Vec<f64>; 3]; 3] = Default::default();
        let mut loss = Vec::with_capacity(n);
        let mut rule_losses: [Vec<f64>; 4] = Default::default();
        let mut example_bigram = Vec::new();
        for b in 0..n {
            let seq = eval.sequence(b);
            let seen = &seq[..s];
            let chain = &eval.chains[b];
            let model_p: Vec<f64> = probs[b * k..(b + 1) * k]
                .iter()
                .map(|&p| f64::from(p))
                .collect();
            let rules: Vec<Vec<f64>> = Rule::ALL
                .iter()
                .map(|r| r.predict(seen, k, ctx, alpha, chain))
                .collect();
            for (i, _) in stages.iter().enumerate() {
                to_model[i].push(kl(&rules[i], &model_p));
                for j in 0..3 {
                    between[i][j].push(kl(&rules[i], &rules[j]));
                }
            }
            loss.push(kl(&rules[3], &model_p));
            for (i, rule) in rules.iter().enumerate() {
                rule_losses[i].push(kl(&rules[3], rule));
            }
            if b == 0 {
                example_bigram = rules[2].clone();
            }
        }
        for (layer, ((h, row), on_prev)) in rows.iter().zip(&prev).enumerate() {
            for head in 0..*h {
                let at = |b: usize| &row[(b * h + head) * s..(b * h + head + 1) * s];
                let mut induction = 0.0;
                for b in 0..n {
                    let seq = eval.sequence(b);
                    // positions j right after an earlier occurrence of the current context (the
                    // last n − 1 states): where the counts the n-gram rule needs are
                    let current = &seq[s - ctx..s];
                    induction += (ctx..s)
                        .filter(|&j| &seq[j - ctx..j] == current)
                        .map(|j| f64::from(at(b)[j]))
                        .sum::<f64>();
                }
                attention.push(HeadAttention {
                    layer: layer as u32,
                    head: head as u32,
                    example: at(0).iter().map(|&w| f64::from(w)).collect(),
                    previous_state: f64::from(on_prev[head]) / (n * (s - 1)) as f64,
                    induction: induction / n as f64,
                });
            }
        }
        let name = |r: Rule| {
            serde_json::to_value(r)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default()
        };
        let mut to_rules = BTreeMap::new();
        for (i, r) in stages.iter().enumerate() {
            to_rules.insert(name(*r), Measured::of(&to_model[i]));
        }
        to_rules.insert(name(Rule::Oracle), Measured::of(&loss));
        let rule_losses = Rule::ALL
            .iter()
            .zip(&rule_losses)
            .map(|(r, v)| (name(*r), Measured::of(v)))
            .collect();
        let trace = {
            let (seq, chain) = (eval.sequence(0), &eval.chains[0]);
            let next = |t: usize| usize::from(seq[t + 1]);
            SequenceTrace {
                states: seq.iter().map(|&x| u32::from(x)).collect(),
                model: (0..s).map(|t| f64::from(first[t * k + next(t)])).collect(),
                bigram: (0..s)
                    .map(|t| Rule::Bigram.predict(&seq[..=t], k, ctx, alpha, chain)[next(t)])
                    .collect(),
            }
        };
        Ok(MarkovEvaluation {
            trace,
            step: self.step,
            to_rules,
            loss: Measured::of(&loss),
            rule_losses,
            stage: decide(&to_model, &between),
            attention,
            example: eval.sequence(0)[..s]
                .iter()
                .map(|&x| u32::from(x))
                .collect(),
            example_model: probs[..k].iter().map(|&p| f64::from(p)).collect(),
            example_bigram,
        })
    }
}
