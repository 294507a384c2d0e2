//! Domain-incremental stream with rotated inputs ("rotated MNIST"): every task has every class,
//! task t rotates the inputs by `t · maxDegrees / (tasks − 1)` degrees. 2-D points rotate about
//! the origin; images rotate about their centre with bilinear interpolation (zero outside).

use serde::{Deserialize, Serialize};

use super::permuted::TASKS;
use super::{Scenario, Stream, Task};
use crate::schema::Field;

const MAX_DEGREES: Field = Field::real("maxDegrees", 0.0, 360.0);
use crate::continual::data::Dataset;
use crate::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Rotated {
    /// Number of tasks (1–20). Default: 4.
    pub tasks: u32,
    /// Rotation of the last task, in degrees (0–360). Default: 90.
    pub max_degrees: f64,
}

impl Default for Rotated {
    fn default() -> Self {
        Self {
            tasks: 4,
            max_degrees: 90.0,
        }
    }
}

/// Rotates a row-major image by `angle` radians about its centre.
pub fn rotate_image(pixels: &[f32], rows: usize, cols: usize, angle: f64) -> Vec<f32> {
    let (s, c) = angle.sin_cos();
    let (cy, cx) = ((rows as f64 - 1.0) / 2.0, (cols as f64 - 1.0) / 2.0);
    let at = |r: isize, k: isize| -> f64 {
        if r < 0 || k < 0 || r >= rows as isize || k >= cols as isize {
            0.0
        } else {
            f64::from(pixels[r as usize * cols + k as usize])
        }
    };
    let mut out = Vec::with_capacity(rows * cols);
    for r in 0..rows {
        for k in 0..cols {
            // the source point that lands on (r, k): rotate back by −angle
            let (y, x) = (r as f64 - cy, k as f64 - cx);
            let (sy, sx) = (c * y - s * x + cy, s * y + c * x + cx);
            let (y0, x0) = (sy.floor(), sx.floor());
            let (fy, fx) = (sy - y0, sx - x0);
            let (y0, x0) = (y0 as isize, x0 as isize);
            let v = at(y0, x0) * (1.0 - fy) * (1.0 - fx)
                + at(y0, x0 + 1) * (1.0 - fy) * fx
                + at(y0 + 1, x0) * fy * (1.0 - fx)
                + at(y0 + 1, x0 + 1) * fy * fx;
            out.push(v as f32);
        }
    }
    out
}

impl Scenario for Rotated {
    fn stream(&self, train: &Dataset, test: &Dataset, _seed: u64) -> Result<Stream> {
        TASKS
            .check_u32(self.tasks)
            .map_err(|e| e.within("scenario"))?;
        MAX_DEGREES
            .check(self.max_degrees)
            .map_err(|e| e.within("scenario"))?;
        let image = train.image;
        if image.is_none() && train.dim != 2 {
            return Err(Error::invalid(
                "scenario.kind",
                "rotation needs 2-D points or images",
            ));
        }
        let all: Vec<u32> = (0..train.classes as u32).collect();
        let tasks = (0..self.tasks)
            .map(|t| {
                let degrees = if self.tasks > 1 {
                    self.max_degrees * f64::from(t) / f64::from(self.tasks - 1)
                } else {
                    0.0
                };
                let angle = degrees.to_radians();
                let apply = |x: &[f32]| match image {
                    Some([rows, cols]) => rotate_image(x, rows, cols, angle),
                    None => {
                        let (s, c) = angle.sin_cos();
                        let (a, b) = (f64::from(x[0]), f64::from(x[1]));
                        vec![(c * a - s * b) as f32, (s * a + c * b) as f32]
                    }
                };
                Task {
                    name: format!("rotated {degrees:.0}°"),
                    classes: all.clone(),
                    train: train.map_inputs(apply),
                    test: test.map_inputs(apply),
                }
            })
            .collect();
        Ok(Stream::in_order(tasks))
    }

    fn title(&self) -> &'static str {
        "rotated inputs"
    }

    fn description(&self) -> &'static str {
        "Every class in every task; task t rotates the inputs"
    }

    fn fields(&self) -> &'static [Field] {
        &[TASKS, MAX_DEGREES]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarter_turn_of_an_image_moves_pixels_exactly() {
        // 3×3, one lit pixel at the top middle → a quarter turn puts it at the middle of a side
        let mut img = vec![0.0; 9];
        img[1] = 1.0;
        let out = rotate_image(&img, 3, 3, std::f64::consts::FRAC_PI_2);
        let lit: Vec<usize> = (0..9).filter(|&i| out[i] > 0.99).collect();
        assert_eq!(lit.len(), 1);
        assert!([3, 5].contains(&lit[0]), "{out:?}");
        assert!((out.iter().sum::<f32>() - 1.0).abs() < 1e-5);
        // zero turn is the identity
        assert_eq!(rotate_image(&img, 3, 3, 0.0), img);
    }
}
