//! The sequences' statistics, counted (crate/src/classify/sequences.rs).

use super::*;

fn world(config: BurstyConfig) -> World {
    config.validate().expect("valid");
    World::new(&config, 7)
}

fn rng() -> StdRng {
    StdRng::seed_from_u64(11)
}

/// Bursty sequences: N/B distinct classes with distinct labels, each exactly B times, the
/// query's class among them; counted over many sequences.
#[test]
fn bursty_contexts_repeat_each_class_b_times_and_hold_the_query() {
    let w = world(BurstyConfig {
        pairs: 8,
        burstiness: 4,
        classes: 64,
        labels: 8,
        ..BurstyConfig::default()
    });
    let s = w.sample(Split::Train, &mut rng(), 500);
    for b in 0..s.batch {
        let row = &s.classes[b * 9..(b + 1) * 9];
        let labels = &s.labels[b * 9..(b + 1) * 9];
        let mut counts = std::collections::BTreeMap::new();
        for &k in &row[..8] {
            *counts.entry(k).or_insert(0) += 1;
        }
        assert_eq!(counts.len(), 2, "{row:?}");
        assert!(counts.values().all(|&c| c == 4), "{row:?}");
        assert!(
            counts.contains_key(&row[8]),
            "the query's class is in the context"
        );
        let distinct: std::collections::BTreeSet<u32> = labels[..8].iter().copied().collect();
        assert_eq!(distinct.len(), 2, "distinct labels");
        for (k, lb) in row.iter().zip(labels) {
            assert_eq!(*lb, w.label_of(*k as usize));
        }
    }
}

/// Zipf frequencies: with α = 1 and independent draws, class k's share is (k+1)^−1 / H_K,
/// within sampling error (4 standard errors) for the first classes.
#[test]
fn class_frequencies_follow_the_zipf_law() {
    let w = world(BurstyConfig {
        classes: 32,
        labels: 16,
        zipf: 1.0,
        bursty_prob: 0.0,
        ..BurstyConfig::default()
    });
    let s = w.sample(Split::Train, &mut rng(), 20_000);
    let total = s.classes.len() as f64;
    let h: f64 = (1..=32).map(|k| 1.0 / k as f64).sum();
    for k in 0..5u32 {
        let seen = s.classes.iter().filter(|&&c| c == k).count() as f64 / total;
        let p = 1.0 / (f64::from(k) + 1.0) / h;
        let se = (p * (1.0 - p) / total).sqrt();
        assert!((seen - p).abs() < 4.0 * se, "class {k}: {seen} vs {p}");
    }
}

/// The two evaluation sets as defined: in-context sequences use only novel classes (none of
/// the training means) with the query's class in the context; in-weights sequences use only
/// training classes and never hold the query's class in the context.
#[test]
fn the_two_evaluations_are_disjoint_as_defined() {
    let w = world(BurstyConfig::default());
    let k = w.config.classes;
    let ic = w.sample(Split::InContext, &mut rng(), 300);
    let iw = w.sample(Split::InWeights, &mut rng(), 300);
    let n = ic.pairs + 1;
    for b in 0..300 {
        let row = &ic.classes[b * n..(b + 1) * n];
        assert!(row.iter().all(|&c| c >= k), "novel classes only: {row:?}");
        assert!(row[..n - 1].contains(&row[n - 1]));
        let row = &iw.classes[b * n..(b + 1) * n];
        assert!(row.iter().all(|&c| c < k), "training classes only");
        assert!(
            !row[..n - 1].contains(&row[n - 1]),
            "query's class absent: {row:?}"
        );
    }
    // items sit near their class mean: ε = 0.1 keeps them far closer to it than to others
    let d = w.config.dims as usize;
    for b in 0..50 {
        let at = (b * n + n - 1) * d;
        let x = &iw.items[at..at + d];
        let kq = iw.classes[b * n + n - 1] as usize;
        let dist = |m: usize| -> f32 {
            x.iter()
                .zip(&w.means[m * d..(m + 1) * d])
                .map(|(a, c)| (a - c).powi(2))
                .sum()
        };
        let own = dist(kq);
        assert!((0..k as usize).filter(|&m| m != kq).all(|m| dist(m) > own));
    }
}

#[test]
fn bad_settings_name_their_field() {
    let bad = |c: BurstyConfig| {
        c.validate()
            .expect_err("invalid")
            .field()
            .map(str::to_owned)
    };
    let base = BurstyConfig::default();
    assert_eq!(
        bad(BurstyConfig {
            burstiness: 3,
            ..base.clone()
        })
        .as_deref(),
        Some("burstiness")
    );
    assert_eq!(
        bad(BurstyConfig {
            classes: 100,
            ..base.clone()
        })
        .as_deref(),
        Some("classes")
    );
    assert_eq!(
        bad(BurstyConfig {
            labels: 4,
            classes: 128,
            ..base.clone()
        })
        .as_deref(),
        Some("labels")
    );
    assert_eq!(
        bad(BurstyConfig {
            noise: -1.0,
            ..base
        })
        .as_deref(),
        Some("noise")
    );
}

/// The same seed gives the same world and sequences.
#[test]
fn sequences_are_fixed_by_the_seed() {
    let c = BurstyConfig::default();
    let (a, b) = (World::new(&c, 3), World::new(&c, 3));
    assert_eq!(a.means, b.means);
    let s = a.sample(Split::Train, &mut StdRng::seed_from_u64(5), 4);
    let t = b.sample(Split::Train, &mut StdRng::seed_from_u64(5), 4);
    assert_eq!(s, t);
    assert_ne!(World::new(&c, 4).means, a.means);
}
