//! Greedy regression trees (CART: each split minimizes the summed squared error of its two
//! sides, thresholds at midpoints, as scikit-learn's `DecisionTreeRegressor`) and gradient
//! boosting of such trees on the squared loss (the reference compares with XGBoost).

use nalgebra::{DMatrix, DVector};

use super::BaselineOptions;

pub enum Tree {
    Leaf(f64),
    Split {
        feature: usize,
        threshold: f64,
        left: Box<Tree>,
        right: Box<Tree>,
    },
}

impl Tree {
    /// Grows a tree of at most `depth` splits per path on rows `xs`, targets `ys`.
    pub fn fit(xs: &DMatrix<f64>, ys: &[f64], depth: u32) -> Self {
        let rows: Vec<usize> = (0..xs.nrows()).collect();
        grow(xs, ys, &rows, depth)
    }

    pub fn predict(&self, x: &DVector<f64>) -> f64 {
        let mut node = self;
        loop {
            match node {
                Tree::Leaf(v) => return *v,
                Tree::Split {
                    feature,
                    threshold,
                    left,
                    right,
                } => {
                    node = if x[*feature] <= *threshold {
                        left
                    } else {
                        right
                    };
                }
            }
        }
    }

    fn predict_row(&self, xs: &DMatrix<f64>, row: usize) -> f64 {
        let x = xs.row(row).transpose();
        self.predict(&x)
    }
}

fn mean(ys: &[f64], rows: &[usize]) -> f64 {
    rows.iter().map(|&r| ys[r]).sum::<f64>() / rows.len().max(1) as f64
}

fn grow(xs: &DMatrix<f64>, ys: &[f64], rows: &[usize], depth: u32) -> Tree {
    let leaf = Tree::Leaf(mean(ys, rows));
    if depth == 0 || rows.len() < 2 {
        return leaf;
    }
    let total: f64 = rows.iter().map(|&r| ys[r]).sum();
    let total_sq: f64 = rows.iter().map(|&r| ys[r] * ys[r]).sum();
    let n = rows.len() as f64;
    let parent_sse = total_sq - total * total / n;
    // (sse, feature, threshold)
    let mut best: Option<(f64, usize, f64)> = None;
    let mut order = rows.to_vec();
    for feature in 0..xs.ncols() {
        order.sort_by(|&a, &b| xs[(a, feature)].total_cmp(&xs[(b, feature)]));
        let (mut left_sum, mut left_sq) = (0.0, 0.0);
        for i in 0..order.len() - 1 {
            let y = ys[order[i]];
            left_sum += y;
            left_sq += y * y;
            let (lo, hi) = (xs[(order[i], feature)], xs[(order[i + 1], feature)]);
            if lo == hi {
                continue;
            }
            let nl = (i + 1) as f64;
            let nr = n - nl;
            let right_sum = total - left_sum;
            let sse = (left_sq - left_sum * left_sum / nl)
                + ((total_sq - left_sq) - right_sum * right_sum / nr);
            if best.is_none_or(|(b, _, _)| sse < b - 1e-12) {
                best = Some((sse, feature, 0.5 * (lo + hi)));
            }
        }
    }
    match best {
        Some((sse, feature, threshold)) if sse < parent_sse - 1e-12 => {
            let (l, r): (Vec<usize>, Vec<usize>) = rows
                .iter()
                .partition(|&&row| xs[(row, feature)] <= threshold);
            Tree::Split {
                feature,
                threshold,
                left: Box::new(grow(xs, ys, &l, depth - 1)),
                right: Box::new(grow(xs, ys, &r, depth - 1)),
            }
        }
        _ => leaf,
    }
}

/// Gradient boosting on the squared loss: start from the mean, then `rounds` trees fitted to
/// the residuals, each shrunk by the learning rate.
pub struct Boosted {
    base: f64,
    learning_rate: f64,
    trees: Vec<Tree>,
}

impl Boosted {
    pub fn fit(xs: &DMatrix<f64>, ys: &DVector<f64>, options: &BaselineOptions) -> Self {
        let k = xs.nrows();
        let base = ys.mean();
        let mut current = vec![base; k];
        let learning_rate = options.boost_learning_rate;
        let mut trees = Vec::with_capacity(options.boost_rounds as usize);
        for _ in 0..options.boost_rounds {
            let residual: Vec<f64> = (0..k).map(|i| ys[i] - current[i]).collect();
            let tree = Tree::fit(xs, &residual, options.tree_depth);
            for (i, c) in current.iter_mut().enumerate() {
                *c += learning_rate * tree.predict_row(xs, i);
            }
            trees.push(tree);
        }
        Self {
            base,
            learning_rate,
            trees,
        }
    }

    pub fn predict(&self, x: &DVector<f64>) -> f64 {
        self.trees.iter().fold(self.base, |acc, tree| {
            acc + self.learning_rate * tree.predict(x)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_a_step_function_by_hand() {
        let xs = DMatrix::from_row_slice(4, 2, &[0.0, 5.0, 1.0, 5.0, 2.0, 5.0, 3.0, 5.0]);
        let ys = [1.0, 1.0, 4.0, 4.0];
        let tree = Tree::fit(&xs, &ys, 1);
        match &tree {
            Tree::Split {
                feature, threshold, ..
            } => assert_eq!((*feature, *threshold), (0, 1.5)),
            Tree::Leaf(_) => panic!("expected a split"),
        }
        assert_eq!(tree.predict(&DVector::from_vec(vec![0.4, 0.0])), 1.0);
        assert_eq!(tree.predict(&DVector::from_vec(vec![2.6, 0.0])), 4.0);
    }

    #[test]
    fn boosting_fits_the_training_points() {
        let xs = DMatrix::from_row_slice(4, 1, &[0.0, 1.0, 2.0, 3.0]);
        let ys = DVector::from_vec(vec![0.0, 1.0, 4.0, 9.0]);
        let q = DVector::from_vec(vec![2.0]);
        let pred = Boosted::fit(&xs, &ys, &BaselineOptions::default()).predict(&q);
        assert!((pred - 4.0).abs() < 1e-3, "{pred}");
    }
}
