//! A multilayer perceptron with ReLU between layers: the continual-learning backbone
//! (SCIENCE.md §3's reference uses one hidden width of 400 on MNIST).

use burn::config::Config;
use burn::module::Module;
use burn::nn::{Linear, LinearConfig};
use burn::tensor::activation::relu;
use burn::tensor::{Device, Tensor};

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
