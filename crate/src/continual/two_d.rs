//! 2-D classification datasets in the spirit of TF Playground, for demos where the decision
//! boundary can be drawn: Gaussian blobs, interleaved moons, concentric circles, spirals and XOR.
//! Seeded and generated on the spot: nothing is downloaded.

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use rand_distr::StandardNormal;
use serde::{Deserialize, Serialize};

use crate::schema::Field;
use crate::{Error, Result};

use super::data::Dataset;

/// Which 2-D generator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Shape {
    /// One Gaussian blob per class, centres evenly spaced on a circle of radius 2.5.
    Blobs,
    /// Interleaved half circles (sklearn's two moons), pairs stacked vertically for more classes;
    /// needs an even number of classes.
    Moons,
    /// Concentric rings, class c at radius 1 + c.
    Circles,
    /// One spiral arm per class, arms evenly rotated.
    Spirals,
    /// Label = sign(x₁·x₂) on uniform points in [−3, 3]²; exactly 2 classes.
    Xor,
}

/// A 2-D dataset's settings (JS and CLI schema, camelCase).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct TwoDConfig {
    pub shape: Shape,
    /// Number of classes (2–10). Default: 4.
    pub classes: u32,
    /// Points per class (1–10,000). Default: 200.
    pub per_class: u32,
    /// Standard deviation of the Gaussian noise added to each point (0–3). Default: 0.2.
    pub noise: f64,
    pub seed: u32,
}

impl Default for TwoDConfig {
    fn default() -> Self {
        Self {
            shape: Shape::Blobs,
            classes: 4,
            per_class: 200,
            noise: 0.2,
            seed: 0,
        }
    }
}

impl Shape {
    /// What a menu or a legend calls it.
    pub fn title(self) -> &'static str {
        match self {
            Self::Blobs => "2-D blobs",
            Self::Moons => "2-D moons",
            Self::Circles => "2-D circles",
            Self::Spirals => "2-D spirals",
            Self::Xor => "2-D XOR",
        }
    }

    pub const ALL: [Self; 5] = [
        Self::Blobs,
        Self::Moons,
        Self::Circles,
        Self::Spirals,
        Self::Xor,
    ];
}

const CLASSES: Field = Field::int("classes", 2, 10);
const PER_CLASS: Field = Field::int("perClass", 1, 10_000);
const NOISE: Field = Field::real("noise", 0.0, 3.0);

impl TwoDConfig {
    /// The bounds of its numbers (the seed is the session config's).
    pub const FIELDS: &[Field] = &[CLASSES, PER_CLASS, NOISE];

    pub fn validate(&self) -> Result<()> {
        CLASSES.check_u32(self.classes)?;
        PER_CLASS.check_u32(self.per_class)?;
        NOISE.check(self.noise)?;
        match self.shape {
            Shape::Xor if self.classes != 2 => Err(Error::invalid(
                "classes",
                format!("XOR has exactly 2 classes, got {}", self.classes),
            )),
            Shape::Moons if !self.classes.is_multiple_of(2) => Err(Error::invalid(
                "classes",
                format!(
                    "moons come in pairs: needs an even number, got {}",
                    self.classes
                ),
            )),
            _ => Ok(()),
        }
    }

    /// The points, class by class (class c occupies rows `c·perClass ..`).
    pub fn generate(&self) -> Result<Dataset> {
        self.validate()?;
        let mut rng = StdRng::seed_from_u64(u64::from(self.seed) ^ 0x2D_DA7A);
        let (classes, n) = (self.classes as usize, self.per_class as usize);
        let mut inputs = Vec::with_capacity(classes * n * 2);
        let mut labels = Vec::with_capacity(classes * n);
        let tau = std::f64::consts::TAU;
        for c in 0..classes {
            for _ in 0..n {
                let (x, y) = match self.shape {
                    Shape::Blobs => {
                        let a = tau * c as f64 / classes as f64;
                        (2.5 * a.cos(), 2.5 * a.sin())
                    }
                    Shape::Moons => {
                        let t = rng.random_range(0.0..std::f64::consts::PI);
                        let lift = -2.5 * (c / 2) as f64;
                        if c % 2 == 0 {
                            (t.cos(), t.sin() + lift)
                        } else {
                            (1.0 - t.cos(), 0.5 - t.sin() + lift)
                        }
                    }
                    Shape::Circles => {
                        let a = rng.random_range(0.0..tau);
                        let r = 1.0 + c as f64;
                        (r * a.cos(), r * a.sin())
                    }
                    Shape::Spirals => {
                        let t: f64 = rng.random_range(0.15..1.0);
                        let a = 1.75 * tau * t + tau * c as f64 / classes as f64;
                        (3.0 * t * a.cos(), 3.0 * t * a.sin())
                    }
                    Shape::Xor => loop {
                        let (x, y): (f64, f64) =
                            (rng.random_range(-3.0..3.0), rng.random_range(-3.0..3.0));
                        // label by sign of x·y; keep a margin off the axes so classes are clean
                        if (x * y > 0.0) == (c == 0) && x.abs() > 0.2 && y.abs() > 0.2 {
                            break (x, y);
                        }
                    },
                };
                // Blobs get their own spread (std 0.5) on top of the noise setting.
                let spread = if self.shape == Shape::Blobs { 0.5 } else { 0.0 };
                let dx = self.noise * normal(&mut rng) + spread * normal(&mut rng);
                let dy = self.noise * normal(&mut rng) + spread * normal(&mut rng);
                inputs.push((x + dx) as f32);
                inputs.push((y + dy) as f32);
                labels.push(c as u32);
            }
        }
        Dataset::new(inputs, labels, 2, classes)
    }
}

fn normal(rng: &mut StdRng) -> f64 {
    rng.sample(StandardNormal)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::continual::learners::NearestClassMean;

    fn config(shape: Shape, classes: u32) -> TwoDConfig {
        TwoDConfig {
            shape,
            classes,
            per_class: 150,
            noise: 0.1,
            seed: 3,
        }
    }

    #[test]
    fn every_shape_gives_balanced_labelled_points() {
        for (shape, classes) in [
            (Shape::Blobs, 5),
            (Shape::Moons, 4),
            (Shape::Circles, 3),
            (Shape::Spirals, 3),
            (Shape::Xor, 2),
        ] {
            let data = config(shape, classes).generate().expect("valid");
            assert_eq!(data.len(), 150 * classes as usize);
            for c in 0..classes {
                assert_eq!(
                    data.labels.iter().filter(|&&l| l == c).count(),
                    150,
                    "{shape:?}"
                );
            }
            assert!(data.inputs.iter().all(|v| v.is_finite() && v.abs() < 20.0));
            // same seed, same points
            assert_eq!(config(shape, classes).generate().expect("valid"), data);
        }
    }

    /// Class means separate blobs almost perfectly and fail on rings (every ring's mean is the
    /// origin): the shapes are as hard as intended.
    #[test]
    fn blobs_are_linear_and_circles_are_not() {
        let accuracy = |shape, classes| {
            let data = config(shape, classes).generate().expect("valid");
            let mut ncm = NearestClassMean::new(2, classes as usize);
            ncm.update(&data).expect("fits");
            ncm.accuracy(&data).expect("fits")
        };
        assert!(accuracy(Shape::Blobs, 4) > 0.95);
        assert!(accuracy(Shape::Circles, 3) < 0.6);
    }

    #[test]
    fn invalid_settings_name_the_field() {
        let bad = |c: TwoDConfig| {
            c.generate()
                .expect_err("rejected")
                .field()
                .map(str::to_owned)
        };
        assert_eq!(bad(config(Shape::Xor, 3)).as_deref(), Some("classes"));
        assert_eq!(bad(config(Shape::Moons, 3)).as_deref(), Some("classes"));
        assert_eq!(
            bad(TwoDConfig {
                noise: f64::NAN,
                ..config(Shape::Blobs, 2)
            })
            .as_deref(),
            Some("noise")
        );
        assert_eq!(
            bad(TwoDConfig {
                per_class: 0,
                ..config(Shape::Blobs, 2)
            })
            .as_deref(),
            Some("perClass")
        );
    }
}
