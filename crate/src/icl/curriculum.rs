//! The curriculum of Garg et al. (SCIENCE.md §1): train on few active dimensions and short
//! prompts first, then grow both every `interval` steps. Coordinates beyond the current dimension
//! are zero, so one model (sized for the final `dims` and `points`) serves every stage.

use serde::{Deserialize, Serialize};

use crate::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Curriculum {
    /// Active dimensions at step 0. Reference: 5.
    pub dims_start: u32,
    /// Added every `interval` steps. Reference: 1.
    pub dims_increment: u32,
    /// Prompt pairs at step 0. Reference: 11 (linear), 26 (ReLU nets, trees).
    pub points_start: u32,
    /// Added every `interval` steps. Reference: 2 (linear), 5 (ReLU nets, trees).
    pub points_increment: u32,
    /// Steps between increments. Reference: 2,000; browser-scale runs use a few hundred.
    pub interval: u32,
}

/// Where the curriculum stands at one step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stage {
    pub active_dims: usize,
    pub points: usize,
}

impl Curriculum {
    /// Checks the curriculum against the final `dims` and `points`; errors name the field.
    pub fn validate(&self, dims: u32, points: u32) -> Result<()> {
        if self.interval == 0 {
            return Err(Error::invalid("curriculum.interval", "must be at least 1"));
        }
        if self.dims_start == 0 || self.dims_start > dims {
            return Err(Error::invalid(
                "curriculum.dimsStart",
                format!(
                    "must be between 1 and dims ({dims}), got {}",
                    self.dims_start
                ),
            ));
        }
        if self.points_start == 0 || self.points_start > points {
            return Err(Error::invalid(
                "curriculum.pointsStart",
                format!(
                    "must be between 1 and points ({points}), got {}",
                    self.points_start
                ),
            ));
        }
        Ok(())
    }

    /// The stage at 0-based `step`, capped at the final `dims` and `points`.
    pub fn stage(&self, step: u32, dims: u32, points: u32) -> Stage {
        let grown = step / self.interval.max(1);
        let at = |start: u32, inc: u32, cap: u32| {
            start
                .saturating_add(grown.saturating_mul(inc))
                .min(cap)
                .max(1) as usize
        };
        Stage {
            active_dims: at(self.dims_start, self.dims_increment, dims),
            points: at(self.points_start, self.points_increment, points),
        }
    }
}

/// The stage without a curriculum: everything from the start.
pub fn stage(curriculum: Option<&Curriculum>, step: u32, dims: u32, points: u32) -> Stage {
    match curriculum {
        Some(c) => c.stage(step, dims, points),
        None => Stage {
            active_dims: dims as usize,
            points: points as usize,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_every_interval_and_caps() {
        let c = Curriculum {
            dims_start: 5,
            dims_increment: 1,
            points_start: 11,
            points_increment: 2,
            interval: 2000,
        };
        let at = |s| {
            let st = c.stage(s, 20, 41);
            (st.active_dims, st.points)
        };
        assert_eq!(at(0), (5, 11));
        assert_eq!(at(1999), (5, 11));
        assert_eq!(at(2000), (6, 13));
        assert_eq!(at(30_000), (20, 41));
        assert_eq!(at(u32::MAX), (20, 41));
        assert!(c.validate(20, 41).is_ok());
        assert_eq!(
            c.validate(4, 41).expect_err("dims").field(),
            Some("curriculum.dimsStart")
        );
    }
}
