//! The classifier's tokens, loss, attention read-out and induction scores on hand-built cases
//! (crate/src/classify/model.rs).

use super::*;
use crate::classify::{BurstyConfig, Split};
use rand::SeedableRng;
use rand::rngs::StdRng;

fn floats<const D: usize>(t: Tensor<D>) -> Vec<f32> {
    t.into_data().try_into_vec::<f32>().expect("f32")
}

/// Tokens hold each position once and the item or label vector after the positions.
#[test]
fn tokens_interleave_items_and_label_vectors() {
    let device = Device::flex();
    let config = BurstyConfig::default();
    let world = World::new(&config, 1);
    let s = world.sample(Split::Train, &mut StdRng::seed_from_u64(2), 2);
    let t = floats(s.tokens(&world, &device));
    let (n, d) = (4usize, 32usize);
    let (seq, width) = (2 * n + 1, token_width(n, d));
    // prompt 1, label token of pair 2 (position 5)
    let at = (seq + 5) * width;
    assert_eq!(&t[at..at + seq].iter().position(|&v| v == 1.0), &Some(5));
    let label = s.labels[(n + 1) + 2] as usize;
    assert_eq!(
        &t[at + seq..at + width],
        &world.label_vectors[label * d..(label + 1) * d]
    );
    // its query token (position 8) holds the query item
    let q = (seq + 8) * width;
    assert_eq!(
        &t[q + seq..q + width],
        &s.items[((n + 1) + n) * d..((n + 1) + n + 1) * d]
    );
}

/// Cross-entropy and accuracy on a hand-built case: logits (ln 3, 0) for target 0 give
/// −ln(3/4); an argmax that misses counts as a miss.
#[test]
fn loss_and_accuracy_by_hand() {
    let device = Device::flex();
    let logits = Tensor::<2>::from_data(
        TensorData::new(vec![3f32.ln(), 0.0, 0.0, 3f32.ln()], [2, 2]),
        &device,
    );
    let targets = Tensor::<1, Int>::from_data(TensorData::new(vec![0i64, 0], [2]), &device);
    let loss = floats(cross_entropy(logits.clone(), targets))[0];
    // row 1: p(0) = 3/4; row 2: p(0) = 1/4
    let want = -((0.75f32).ln() + (0.25f32).ln()) / 2.0;
    assert!((loss - want).abs() < 1e-6, "{loss} vs {want}");
    assert_eq!(accuracy(&floats(logits), &[0, 0], 2), 0.5);
}

/// Every row of `map` (`[batch, heads, seq, seq]`) is a distribution over the past.
fn assert_causal_distributions(map: &[f32], seq: usize) {
    for (r, row) in map.chunks_exact(seq).enumerate() {
        let i = r % seq;
        assert!(
            (row.iter().sum::<f32>() - 1.0).abs() < 1e-5,
            "row {r} sums to 1"
        );
        assert!(
            row[i + 1..].iter().all(|&v| v < 1e-6),
            "row {i} reads the future"
        );
    }
}

/// The attention read-out is the model's own: rows sum to 1, nothing reads the future, and
/// recomputing the first layer from its weights and values gives the next stream.
#[test]
fn attention_maps_are_causal_distributions() {
    let device = Device::flex();
    let config = BurstyConfig::default();
    let world = World::new(&config, 1);
    let s = world.sample(Split::Train, &mut StdRng::seed_from_u64(3), 3);
    let width = token_width(4, 32);
    let model = crate::model::seeded(&device, 1, || {
        ClassifierConfig::new(width, 9, 16).init(&device)
    });
    let tokens = s.tokens(&world, &device);
    let (logits, maps) = model.forward_with_attention(tokens.clone());
    assert_eq!(logits.dims(), [3, 16]);
    assert_eq!(maps.len(), 2);
    assert_eq!(maps[0].dims(), [3, 1, 9, 9]);
    assert_causal_distributions(&floats(maps[0].clone()), 9);
    // the returned weights are the ones the layer used
    let Classifier::AttentionOnly(net) = &model else {
        panic!("attention-only by default")
    };
    let layer = &net.attention[0];
    let weights = maps[0].clone().reshape([3, 9, 9]);
    let again = weights.matmul(layer.value.forward(tokens.clone())) + tokens.clone();
    let (direct, _) = layer.forward(tokens);
    for (a, b) in floats(again).iter().zip(floats(direct).iter()) {
        assert!((a - b).abs() < 1e-5);
    }
}

/// The transformer backbone gives one causal map per head and layer, and its logits are
/// the read-out of the query's token; the xLSTM gives logits and no maps.
#[test]
fn transformer_and_xlstm_backbones_read_out_the_query() {
    let device = Device::flex();
    let config = BurstyConfig::default();
    let world = World::new(&config, 1);
    let s = world.sample(Split::Train, &mut StdRng::seed_from_u64(4), 2);
    let tokens = s.tokens(&world, &device);
    let mut shape = ClassifierConfig::new(token_width(4, 32), 9, 16);
    shape.backbone = ClassifyBackbone::Transformer;
    shape.layers = 3;
    shape.hidden = 32;
    shape.heads = 2;
    let model = crate::model::seeded(&device, 2, || shape.init(&device));
    let (logits, maps) = model.forward_with_attention(tokens.clone());
    assert_eq!(logits.dims(), [2, 16]);
    assert_eq!(maps.len(), 3);
    for map in &maps {
        assert_eq!(map.dims(), [2, 2, 9, 9]);
        assert_causal_distributions(&floats(map.clone()), 9);
    }
    let Classifier::Transformer(net) = &model else {
        panic!("a transformer")
    };
    // the query's logits are the read-out of the last token of the plain forward pass
    let stream = net.residual_streams(tokens.clone()).pop().expect("streams");
    let all = floats(net.outputs_of(stream));
    let want = &all[(8 * 16)..(9 * 16)];
    for (a, b) in floats(logits).iter().zip(want) {
        assert!((a - b).abs() < 1e-5);
    }
    shape.backbone = ClassifyBackbone::Xlstm;
    let xlstm = crate::model::seeded(&device, 2, || shape.init(&device));
    let (logits, maps) = xlstm.forward_with_attention(tokens);
    assert_eq!(logits.dims(), [2, 16]);
    assert!(maps.is_empty());
}

/// On constructed attention maps: label tokens reading only their item score 1, a query
/// reading only its matching label scores 1, uniform reading scores the uniform share.
#[test]
fn induction_scores_on_constructed_maps() {
    // one sequence, N = 2: classes [7, 3 | query 3], tokens x1 l1 x2 l2 xq
    let seqs = Sequences {
        batch: 1,
        pairs: 2,
        dims: 1,
        items: vec![0.0; 3],
        labels: vec![0, 1, 1],
        classes: vec![7, 3, 3],
    };
    let s = 5;
    let mut ideal = vec![0.0f32; s * s];
    ideal[s] = 1.0; // l1 -> x1
    ideal[3 * s + 2] = 1.0; // l2 -> x2
    let mut second = vec![0.0f32; s * s];
    second[4 * s + 3] = 1.0; // query -> l2, the label of its class
    let scores = induction_scores(&seqs, &[ideal.clone(), second.clone()]);
    let perfect = InductionScores {
        label_to_item: 1.0,
        query_to_match: 1.0,
    };
    assert_eq!(scores, Some(perfect));
    let uniform: Vec<f32> = (0..s * s)
        .map(|k| {
            let (i, j) = (k / s, k % s);
            if j <= i { 1.0 / (i + 1) as f32 } else { 0.0 }
        })
        .collect();
    let u = induction_scores(&seqs, &[uniform.clone(), uniform.clone()]).expect("maps");
    assert!((u.label_to_item - (0.5 + 0.25) / 2.0).abs() < 1e-6, "{u:?}");
    assert!((u.query_to_match - 0.2).abs() < 1e-6, "{u:?}");
    // two heads: each score is the best head's, whichever head it is
    let two = |a: &[f32], b: &[f32]| [a, b].concat();
    let mixed = induction_scores(&seqs, &[two(&uniform, &ideal), two(&second, &uniform)]);
    assert_eq!(mixed, Some(perfect));
    assert_eq!(induction_scores(&seqs, &[]), None);
    // chunk by chunk (as evaluation adds them) equals all at once: an ideal and a uniform
    // sequence average to the midpoint whether tallied together or apart
    let both = Sequences {
        batch: 2,
        items: vec![0.0; 6],
        labels: [seqs.labels.clone(), seqs.labels.clone()].concat(),
        classes: [seqs.classes.clone(), seqs.classes.clone()].concat(),
        ..seqs.clone()
    };
    let whole = induction_scores(&both, &[two(&ideal, &uniform), two(&second, &uniform)]);
    let mut tally = InductionTally::default();
    tally.add(&seqs, &ideal, &second);
    tally.add(&seqs, &uniform, &uniform);
    assert_eq!(tally.scores(), whole);
    let half = |a: f64, b: f64| (a + b) / 2.0;
    let expected = InductionScores {
        label_to_item: half(1.0, u.label_to_item),
        query_to_match: half(1.0, u.query_to_match),
    };
    let got = tally.scores().expect("maps");
    assert!(
        (got.label_to_item - expected.label_to_item).abs() < 1e-9,
        "{got:?}"
    );
    assert!(
        (got.query_to_match - expected.query_to_match).abs() < 1e-9,
        "{got:?}"
    );
}

/// Context-label accuracy by hand: the probability mass on the labels the context holds,
/// averaged over sequences; a model copying any context label scores 1 even when its accuracy is
/// 1/(N/B).
#[test]
fn context_label_accuracy_by_hand() {
    // two sequences, N = 2, L = 4: contexts hold labels {0, 1} and {2}
    let seqs = Sequences {
        batch: 2,
        pairs: 2,
        dims: 1,
        items: vec![0.0; 6],
        labels: vec![0, 1, 1, 2, 2, 2],
        classes: vec![0, 1, 1, 2, 2, 2],
    };
    // sequence 1: uniform over 4 labels → 2/4 on {0, 1}; sequence 2: all mass on label 3 → 0
    let ln = |p: f32| p.ln();
    let logits = vec![0.0, 0.0, 0.0, 0.0, ln(1e-12), ln(1e-12), ln(1e-12), 0.0];
    let got = context_label_accuracy(&logits, &seqs, 4);
    assert!((got - (0.5 + 0.0) / 2.0).abs() < 1e-6, "{got}");
    // copying: half the mass on each context label of sequence 1 counts fully
    let copy = vec![
        0.0,
        0.0,
        ln(1e-12),
        ln(1e-12),
        ln(1e-12),
        ln(1e-12),
        0.0,
        ln(1e-12),
    ];
    let got = context_label_accuracy(&copy, &seqs, 4);
    assert!((got - 1.0).abs() < 1e-6, "{got}");
}
