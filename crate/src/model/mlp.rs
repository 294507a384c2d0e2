//! A multilayer perceptron with ReLU between layers: the continual-learning backbone
//! (SCIENCE.md §3's reference uses one hidden width of 400 on MNIST).

use burn::config::Config;
use burn::module::Module;
use burn::nn::{Linear, LinearConfig};
use burn::tensor::activation::relu;
use burn::tensor::{Device, Tensor, TensorData};

#[derive(Config, Debug)]
pub struct MlpConfig {
    /// Input features.
    pub inputs: usize,
    /// Output units (logits).
    pub outputs: usize,
    /// Hidden widths, first to last. Default: two layers of 64, enough for the 2-D datasets.
    #[config(default = "vec![64, 64]")]
    pub hidden: Vec<usize>,
}

/// `value` as a parameter's new leaf tensor: detached from how it was computed, tracked for
/// gradients when `like` was.
pub(crate) fn leaf<const D: usize>(like: Tensor<D>, value: Tensor<D>) -> Tensor<D> {
    let value = value.detach();
    if like.is_require_grad() {
        value.require_grad()
    } else {
        value
    }
}

impl MlpConfig {
    pub fn init(&self, device: &Device) -> Mlp {
        let widths: Vec<usize> = std::iter::once(self.inputs)
            .chain(self.hidden.iter().copied())
            .chain(std::iter::once(self.outputs))
            .collect();
        Mlp {
            layers: widths
                .windows(2)
                .map(|w| LinearConfig::new(w[0], w[1]).init(device))
                .collect(),
        }
    }
}

#[derive(Module, Debug)]
pub struct Mlp {
    layers: Vec<Linear>,
}

impl Mlp {
    /// # Shapes
    /// - x: `[batch, inputs]` → logits `[batch, outputs]`
    pub fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        let last = self.layers.len() - 1;
        let mut x = x;
        for (i, layer) in self.layers.iter().enumerate() {
            x = layer.forward(x);
            if i < last {
                x = relu(x);
            }
        }
        x
    }

    /// Every hidden layer's activations (after its ReLU), first to last: what the plasticity
    /// measures read (dead units, effective rank).
    ///
    /// # Shapes
    /// - x: `[batch, inputs]` → one `[batch, width]` per hidden layer
    pub fn hidden(&self, x: Tensor<2>) -> Vec<Tensor<2>> {
        let mut x = x;
        let mut out = Vec::with_capacity(self.layers.len().saturating_sub(1));
        for layer in &self.layers[..self.layers.len() - 1] {
            x = relu(layer.forward(x));
            out.push(x.clone());
        }
        out
    }

    /// The logits and every hidden layer's activations of one forward pass.
    pub fn forward_hidden(&self, x: Tensor<2>) -> (Tensor<2>, Vec<Tensor<2>>) {
        let last = self.layers.len() - 1;
        let mut x = x;
        let mut hidden = Vec::with_capacity(last);
        for (i, layer) in self.layers.iter().enumerate() {
            x = layer.forward(x);
            if i < last {
                x = relu(x);
                hidden.push(x.clone());
            }
        }
        (x, hidden)
    }

    /// Per hidden layer, each unit's summed |weights| to the next layer (`[width]`).
    pub fn outgoing_magnitudes(&self) -> Vec<Tensor<1>> {
        self.layers[1..]
            .iter()
            .map(|l| l.weight.val().abs().sum_dim(1).flatten::<1>(0, 1))
            .collect()
    }

    /// The same network with the units `units[l]` of each hidden layer l reinitialized, as
    /// continual backprop does: incoming weights redrawn from the layers' initial distribution
    /// (uniform on ±1/√fan-in, burn's default for `Linear`) with `draw`, bias and outgoing
    /// weights zero. Parameter ids are kept (the optimizer's state stays attached).
    pub fn reinit_units(mut self, units: &[Vec<usize>], draw: &mut impl FnMut() -> f32) -> Self {
        for (l, chosen) in units.iter().enumerate() {
            if chosen.is_empty() || l + 1 >= self.layers.len() {
                continue;
            }
            let [fan_in, width] = self.layers[l].weight.val().dims();
            let device = self.layers[l].weight.val().device();
            let bound = 1.0 / (fan_in as f32).sqrt();
            // 1 where a unit is kept, 0 where it is replaced
            let mut keep = vec![1.0f32; width];
            for &i in chosen {
                if i < width {
                    keep[i] = 0.0;
                }
            }
            let fresh: Vec<f32> = (0..fan_in * width)
                .map(|k| {
                    if keep[k % width] == 0.0 {
                        (2.0 * draw() - 1.0) * bound
                    } else {
                        0.0
                    }
                })
                .collect();
            let cols = Tensor::<2>::from_data(TensorData::new(keep.clone(), [1, width]), &device);
            let fresh = Tensor::<2>::from_data(TensorData::new(fresh, [fan_in, width]), &device);
            let layer = &mut self.layers[l];
            layer.weight = layer
                .weight
                .clone()
                .map(|w| leaf(w.clone(), w * cols.clone() + fresh));
            let keep_bias = Tensor::<1>::from_data(TensorData::new(keep.clone(), [width]), &device);
            layer.bias = layer
                .bias
                .clone()
                .map(|b| b.map(|b| leaf(b.clone(), b * keep_bias)));
            let rows = Tensor::<2>::from_data(TensorData::new(keep, [width, 1]), &device);
            let next = &mut self.layers[l + 1];
            next.weight = next.weight.clone().map(|w| leaf(w.clone(), w * rows));
        }
        self
    }

    /// Every weight matrix's entries (biases left out), flattened and concatenated.
    pub fn weights(&self) -> Tensor<1> {
        Tensor::cat(
            self.layers
                .iter()
                .map(|l| l.weight.val().flatten::<1>(0, 1))
                .collect(),
            0,
        )
    }

    /// The last hidden layer's activations (everything but the output layer): the embedding
    /// prototype learners use.
    ///
    /// # Shapes
    /// - x: `[batch, inputs]` → `[batch, hidden.last()]`
    pub fn embed(&self, x: Tensor<2>) -> Tensor<2> {
        let mut x = x;
        for layer in &self.layers[..self.layers.len() - 1] {
            x = relu(layer.forward(x));
        }
        x
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Continual backprop's surgery by hand on a 3 → 4 → 2 net: unit 1's incoming weights are
    /// fresh (within ±1/√3), its bias and outgoing weights 0; every other number is unchanged.
    #[test]
    fn reinit_units_by_hand() {
        let device = Device::flex();
        let net = MlpConfig::new(3, 2).with_hidden(vec![4]).init(&device);
        // (first layer's weights, its bias, second layer's weights), as numbers
        let numbers = |net: &Mlp| {
            let read = |t: burn::tensor::TensorData| t.try_to_vec::<f32>().expect("f32");
            let bias = net.layers[0].bias.as_ref().expect("a bias").val();
            (
                read(net.layers[0].weight.val().into_data()),
                read(bias.into_data()),
                read(net.layers[1].weight.val().into_data()),
            )
        };
        let (w0, b0, w1) = numbers(&net);
        let mut k = 0;
        let mut draw = || {
            k += 1;
            [0.0f32, 1.0, 0.75][k % 3]
        };
        let net = net.reinit_units(&[vec![1]], &mut draw);
        let (v0, c0, v1) = numbers(&net);
        let bound = 1.0 / 3f32.sqrt();
        for row in 0..3 {
            for unit in 0..4 {
                let (old, new) = (w0[row * 4 + unit], v0[row * 4 + unit]);
                if unit == 1 {
                    assert!(
                        new.abs() <= bound + 1e-6 && new != old,
                        "fresh: {old} → {new}"
                    );
                } else {
                    assert_eq!(old, new);
                }
            }
        }
        for unit in 0..4 {
            assert_eq!(c0[unit], if unit == 1 { 0.0 } else { b0[unit] });
            for out in 0..2 {
                let (old, new) = (w1[unit * 2 + out], v1[unit * 2 + out]);
                assert_eq!(new, if unit == 1 { 0.0 } else { old });
            }
        }
    }
}
