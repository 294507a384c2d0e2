//! The run's side of loss of plasticity (docs/SCIENCE.md §3): measuring a network at each
//! segment's end ([`crate::continual::plasticity`] has the measures), the per-step unit
//! statistics continual backprop reads, and shrink and perturb's noise. Each reads the device
//! once per call.

use burn::module::{Module, ModuleMapper, Param};
use burn::tensor::{Tensor, TensorData};
use rand::rngs::StdRng;
use rand_distr::{Distribution, Normal};

use super::learner::Learner;
use super::{ClRun, tensors};
use crate::Result;
use crate::continual::plasticity::{
    PROBE, PlasticityPoint, dead_fraction, effective_rank, mean_magnitude,
};
use crate::continual::strategies::UnitStats;
use crate::device;
use crate::model::mlp::{Mlp, leaf};

/// `parts` flattened into one vector, read back once, and cut into the parts again.
async fn read_parts<const D: usize>(parts: Vec<Tensor<D>>, what: &str) -> Result<Vec<Vec<f32>>> {
    let sizes: Vec<usize> = parts.iter().map(|t| t.dims().iter().product()).collect();
    let flat: Vec<Tensor<1>> = parts
        .into_iter()
        .map(|t| t.flatten::<1>(0, D - 1))
        .collect();
    // sync point: one read for every part
    let values = device::read_f32(Tensor::cat(flat, 0), what).await?;
    let mut out = Vec::with_capacity(sizes.len());
    let mut at = 0;
    for n in sizes {
        out.push(values[at..at + n].to_vec());
        at += n;
    }
    Ok(out)
}

impl ClRun {
    /// A network's dead units, effective rank and weight magnitude on the first [`PROBE`]
    /// examples of task `t`'s training data, and its accuracy on `t` now (after its segment).
    pub(super) async fn measure_plasticity(&mut self, t: usize) -> Result<()> {
        let Learner::Net(net) = &self.learner else {
            return Ok(());
        };
        let data = &self.stream.tasks[t].train;
        let rows: Vec<usize> = (0..data.len().min(PROBE)).collect();
        if rows.is_empty() {
            return Ok(());
        }
        let model = net.model.valid();
        let (x, _) = tensors(&data.rows(&rows), &self.compute.infer);
        let hidden = model.hidden(x);
        let widths: Vec<usize> = hidden.iter().map(|h| h.dims()[1]).collect();
        let mut parts: Vec<Tensor<1>> = hidden.into_iter().map(|h| h.flatten(0, 1)).collect();
        parts.push(model.weights());
        let mut values = read_parts(parts, "hidden activations and weights").await?;
        let weights = values.pop().unwrap_or_default();
        let (mut dead, mut rank) = (0.0, f64::NAN);
        for (a, &w) in values.iter().zip(&widths) {
            dead += dead_fraction(a, rows.len(), w)? * w as f64;
            rank = effective_rank(a, rows.len(), w)?;
        }
        let units: usize = widths.iter().sum();
        self.plasticity.push(PlasticityPoint {
            segment: self.segment as u32,
            task: t as u32,
            new_task_accuracy: self.curves[t].last().copied().unwrap_or(f64::NAN),
            dead_units: if units == 0 { 0.0 } else { dead / units as f64 },
            effective_rank: rank,
            width: widths.last().copied().unwrap_or(0) as u32,
            weight_magnitude: mean_magnitude(&weights),
        });
        Ok(())
    }
}

/// Each hidden layer's [`UnitStats`] after a step: its units' mean |activation| over the step's
/// batch (`hidden`, from the step's forward pass) and their summed |outgoing weights| now.
pub(super) async fn unit_stats(model: &Mlp, hidden: Vec<Tensor<2>>) -> Result<Vec<UnitStats>> {
    let mut parts = Vec::with_capacity(2 * hidden.len());
    for (h, out) in hidden.into_iter().zip(model.outgoing_magnitudes()) {
        parts.push(h.detach().abs().mean_dim(0).flatten::<1>(0, 1));
        parts.push(out.detach());
    }
    let values = read_parts(parts, "unit activity and outgoing weights").await?;
    Ok(values
        .chunks(2)
        .map(|pair| UnitStats {
            activity: pair[0].clone(),
            outgoing: pair[1].clone(),
        })
        .collect())
}

/// `model` with Gaussian noise of standard deviation `std` added to every parameter (drawn from
/// `rng`, so a seed gives one run on every device).
pub(super) fn perturb(model: Mlp, std: f64, rng: &mut StdRng) -> Mlp {
    struct Noise<'a> {
        normal: Normal<f32>,
        rng: &'a mut StdRng,
    }
    impl ModuleMapper for Noise<'_> {
        fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
            param.map(|t| {
                let dims = t.dims();
                let n: usize = dims.iter().product();
                let noise: Vec<f32> = (0..n).map(|_| self.normal.sample(self.rng)).collect();
                let add = Tensor::<D>::from_data(TensorData::new(noise, dims), &t.device());
                leaf(t.clone(), t + add)
            })
        }
    }
    let Ok(normal) = Normal::new(0.0, std as f32) else {
        return model;
    };
    model.map(&mut Noise { normal, rng })
}
