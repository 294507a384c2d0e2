//! A labelled dataset held on the host: row-major inputs and integer class labels.

use crate::{Error, Result};

#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    /// `[len, dim]`, row-major.
    pub inputs: Vec<f32>,
    /// `[len]`, each below `classes`.
    pub labels: Vec<u32>,
    pub dim: usize,
    pub classes: usize,
    /// `[rows, cols]` when each input is an image (row-major pixels), for scenarios that rotate.
    pub image: Option<[usize; 2]>,
}

impl Dataset {
    /// Checks that shapes agree and labels are in range.
    pub fn new(inputs: Vec<f32>, labels: Vec<u32>, dim: usize, classes: usize) -> Result<Self> {
        if dim == 0 || inputs.len() != labels.len() * dim {
            return Err(Error::invalid(
                "inputs",
                format!(
                    "{} numbers for {} labels of dimension {dim}",
                    inputs.len(),
                    labels.len()
                ),
            ));
        }
        if let Some(i) = labels.iter().position(|&l| l as usize >= classes) {
            return Err(Error::invalid(
                format!("labels[{i}]"),
                format!("class {} is outside 0..{classes}", labels[i]),
            ));
        }
        Ok(Self {
            inputs,
            labels,
            dim,
            classes,
            image: None,
        })
    }

    pub fn len(&self) -> usize {
        self.labels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Row `i`'s input.
    pub fn input(&self, i: usize) -> &[f32] {
        &self.inputs[i * self.dim..(i + 1) * self.dim]
    }

    /// The rows whose label is in `classes`, in order (a class-incremental task's data).
    pub fn with_classes(&self, classes: &[u32]) -> Self {
        let rows: Vec<usize> = (0..self.len())
            .filter(|&i| classes.contains(&self.labels[i]))
            .collect();
        self.rows(&rows)
    }

    /// The given rows, in the given order.
    pub fn rows(&self, rows: &[usize]) -> Self {
        let mut inputs = Vec::with_capacity(rows.len() * self.dim);
        for &i in rows {
            inputs.extend_from_slice(self.input(i));
        }
        Self {
            inputs,
            labels: rows.iter().map(|&i| self.labels[i]).collect(),
            dim: self.dim,
            classes: self.classes,
            image: self.image,
        }
    }

    /// The same examples with every input replaced by `f(input)` (same dimension).
    pub fn map_inputs(&self, mut f: impl FnMut(&[f32]) -> Vec<f32>) -> Self {
        let mut inputs = Vec::with_capacity(self.inputs.len());
        for i in 0..self.len() {
            inputs.extend(f(self.input(i)));
        }
        debug_assert_eq!(inputs.len(), self.inputs.len());
        Self {
            inputs,
            labels: self.labels.clone(),
            dim: self.dim,
            classes: self.classes,
            image: self.image,
        }
    }

    /// Appends `other`'s examples (same dimension and classes).
    pub fn extend(&mut self, other: &Dataset) {
        debug_assert_eq!(self.dim, other.dim);
        self.inputs.extend_from_slice(&other.inputs);
        self.labels.extend_from_slice(&other.labels);
    }

    /// An empty dataset shaped like this one.
    pub fn empty_like(&self) -> Self {
        Self {
            inputs: Vec::new(),
            labels: Vec::new(),
            dim: self.dim,
            classes: self.classes,
            image: self.image,
        }
    }
}
