use super::statement::layer_list;
use super::*;

/// Features that hold `y` linearly (plus a constant) give a probe that recovers it exactly.
#[test]
fn probe_recovers_a_constructed_linear_read_out() {
    // rows z = (a, b, c); y = 2a − 0.5c + 3
    let rows: Vec<[f32; 3]> = (0..40)
        .map(|i| {
            let t = i as f32;
            [(t * 0.37).sin(), (t * 0.11).cos(), t / 40.0 - 0.5]
        })
        .collect();
    let features: Vec<f32> = rows.iter().flatten().copied().collect();
    let ys: Vec<f64> = rows
        .iter()
        .map(|r| 2.0 * f64::from(r[0]) - 0.5 * f64::from(r[2]) + 3.0)
        .collect();
    let w = fit_probe(&features, 3, &ys, 0.0).expect("fit");
    for (got, want) in w.iter().zip([2.0, 0.0, -0.5, 3.0]) {
        assert!((got - want).abs() < 1e-5, "{w:?}");
    }
    let back = apply_probe(&w, &features, 3);
    for (p, y) in back.iter().zip(&ys) {
        assert!((p - y).abs() < 1e-5);
    }
    // a strong ridge shrinks the feature weights, never the bias
    let shrunk = fit_probe(&features, 3, &ys, 1.0).expect("fit");
    assert!(shrunk[0].abs() < 2.0 && shrunk[3] > 2.0, "{shrunk:?}");
    // the wrong number of features is an error naming them
    let err = fit_probe(&features[1..], 3, &ys, 0.0).expect_err("ragged");
    assert_eq!(err.field(), Some("features"));
}

#[test]
fn the_gd_grid_grows_by_root_two_and_ends_at_the_maximum() {
    let config = LayersConfig {
        gd_max: 100,
        ..LayersConfig::default()
    };
    assert_eq!(
        config.gd_steps(),
        vec![1, 2, 3, 4, 6, 8, 11, 16, 23, 32, 45, 64, 91, 100]
    );
    assert_eq!(LayersConfig::default().gd_steps().last(), Some(&65_536));
}

#[test]
fn layer_lists_join_runs() {
    assert_eq!(layer_list(&[0, 1, 2, 4, 6, 7]), "0–2, 4, 6, 7");
    assert_eq!(layer_list(&[3]), "3");
}

#[test]
fn defaults_validate_and_bad_numbers_name_their_field() {
    LayersConfig::default().validate().expect("defaults");
    let err = LayersConfig::from_json(r#"{"gdMax": 0}"#).expect_err("too few");
    assert_eq!(err.field(), Some("gdMax"));
    let err = LayersConfig::from_json(r#"{"probes": 3}"#).expect_err("unknown");
    assert!(err.to_string().contains("probes"), "{err}");
}
