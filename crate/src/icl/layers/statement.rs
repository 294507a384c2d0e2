//! The layers' finding in words: which layers, and what each measure says of them.

use super::compare::{Comparison, Resembles};

/// "1, 2, 4–6": layer numbers, runs joined.
pub(super) fn layer_list(layers: &[u32]) -> String {
    let mut out: Vec<String> = vec![];
    let mut i = 0;
    while i < layers.len() {
        let mut j = i;
        while j + 1 < layers.len() && layers[j + 1] == layers[j] + 1 {
            j += 1;
        }
        out.push(match j - i {
            0 => layers[i].to_string(),
            1 => format!("{}, {}", layers[i], layers[j]),
            _ => format!("{}–{}", layers[i], layers[j]),
        });
        i = j + 1;
    }
    out.join(", ")
}

/// The finding for one measure over all layers, in words.
pub(super) fn measure_statement(name: &str, comparisons: &[(u32, &Comparison)]) -> String {
    let which = |r: Resembles| -> Vec<u32> {
        comparisons
            .iter()
            .filter(|(_, c)| c.resembles == r)
            .map(|(l, _)| *l)
            .collect()
    };
    let (newton, gd, start, open) = (
        which(Resembles::Newton),
        which(Resembles::GradientDescent),
        which(Resembles::Start),
        which(Resembles::CannotTell),
    );
    let mut parts = vec![];
    if !start.is_empty() {
        parts.push(format!(
            "layer {} still predicts about 0, where both methods start",
            layer_list(&start)
        ));
    }
    if !newton.is_empty() {
        parts.push(format!("nearer Newton at layer {}", layer_list(&newton)));
    }
    if !gd.is_empty() {
        parts.push(format!(
            "nearer gradient descent at layer {}",
            layer_list(&gd)
        ));
    }
    if newton.is_empty() && gd.is_empty() {
        parts.push(format!(
            "Newton and gradient descent cannot be told apart at {}",
            if start.is_empty() {
                "any layer".to_owned()
            } else {
                format!("layer {}", layer_list(&open))
            }
        ));
    } else if !open.is_empty() {
        parts.push(format!("cannot tell at layer {}", layer_list(&open)));
    }
    format!("{name}: {}.", parts.join("; "))
}
