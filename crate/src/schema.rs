//! The numbers a config may hold, each declared once as a [`Field`]: its config's `validate`
//! checks values against it and [`crate::catalog`] lists it, so the package's argument checks,
//! every page's ranges and the teachers page's parameter reference read the same bounds.

use serde::Serialize;

use crate::{Error, Result};

/// One numeric setting: its name in the config (camelCase) and the values it accepts.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Field {
    #[serde(skip)]
    pub name: &'static str,
    /// Smallest value (excluded when `minExclusive`).
    pub min: f64,
    /// Largest value; `null`: any finite number.
    pub max: Option<f64>,
    pub min_exclusive: bool,
    /// Whole numbers only.
    pub integer: bool,
    /// Also at most the value of this other field of the same config (`sparsity` ≤ `dims`).
    pub max_of: Option<&'static str>,
    /// What a form calls it, with its symbol ("Non-zero coordinates s"); empty for fields a
    /// page labels itself.
    pub label: &'static str,
}

impl Field {
    /// A whole number in `[min, max]`.
    pub const fn int(name: &'static str, min: u32, max: u32) -> Self {
        Self {
            name,
            min: min as f64,
            max: Some(max as f64),
            min_exclusive: false,
            integer: true,
            max_of: None,
            label: "",
        }
    }

    /// A finite number in `[min, max]`.
    pub const fn real(name: &'static str, min: f64, max: f64) -> Self {
        Self {
            name,
            min,
            max: Some(max),
            min_exclusive: false,
            integer: false,
            max_of: None,
            label: "",
        }
    }

    /// A finite number in `(0, max]`.
    pub const fn positive(name: &'static str, max: f64) -> Self {
        Self {
            name,
            min: 0.0,
            max: Some(max),
            min_exclusive: true,
            integer: false,
            max_of: None,
            label: "",
        }
    }

    /// A finite number `≥ min`.
    pub const fn at_least(name: &'static str, min: f64) -> Self {
        Self {
            name,
            min,
            max: None,
            min_exclusive: false,
            integer: false,
            max_of: None,
            label: "",
        }
    }

    /// This field with a form label.
    pub const fn labelled(self, label: &'static str) -> Self {
        Self { label, ..self }
    }

    /// This field, also at most the value of field `other`.
    pub const fn at_most_field(self, other: &'static str) -> Self {
        Self {
            max_of: Some(other),
            ..self
        }
    }

    /// Whether `value` is accepted.
    pub fn accepts(&self, value: f64) -> bool {
        value.is_finite()
            && (!self.integer || value.fract() == 0.0)
            && if self.min_exclusive {
                value > self.min
            } else {
                value >= self.min
            }
            && self.max.is_none_or(|max| value <= max)
    }

    /// The accepted values in words: "between 1 and 64", "a number in (0, 1]".
    pub fn describe(&self) -> String {
        let open = if self.min_exclusive { '(' } else { '[' };
        match (self.integer, self.max) {
            (true, Some(max)) => format!("between {} and {max}", self.min),
            (true, None) => format!("a whole number >= {}", self.min),
            (false, Some(max)) => format!("a finite number in {open}{}, {max}]", self.min),
            (false, None) if self.min_exclusive => format!("a finite number > {}", self.min),
            (false, None) => format!("a finite number >= {}", self.min),
        }
    }

    /// `value` as an error naming this field when it is out of bounds.
    pub fn check(&self, value: f64) -> Result<()> {
        self.check_as(self.name, value)
    }

    /// As [`Self::check`], naming `field` (an element such as `hidden[2]`).
    pub fn check_as(&self, field: &str, value: f64) -> Result<()> {
        if self.accepts(value) {
            return Ok(());
        }
        Err(Error::invalid(
            field,
            format!("must be {}, got {value}", self.describe()),
        ))
    }

    /// As [`Self::check`] for a whole number.
    pub fn check_u32(&self, value: u32) -> Result<()> {
        self.check(f64::from(value))
    }

    /// This field with a smaller maximum (e.g. sparsity at most `dims`).
    pub fn capped(self, max: f64) -> Self {
        Self {
            max: Some(self.max.map_or(max, |m| m.min(max))),
            ..self
        }
    }
}

/// The name serde gives a unit enum value (`"power_law_replay"`), as configs, URLs and the
/// catalog write it; empty for a value that does not serialize to a string.
pub fn serde_name<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// A field's bounds next to its default, as the catalog lists it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct FieldSpec {
    #[serde(flatten)]
    pub bounds: Field,
    /// The core's default (`null` where the default is "unset", e.g. `layers` from the preset).
    #[cfg_attr(test, ts(type = "number | Array<number> | null"))]
    pub default: serde_json::Value,
}

/// `fields` keyed by name, each with its value in `defaults` (a config serialized to JSON).
pub fn specs(
    fields: &[Field],
    defaults: &serde_json::Value,
) -> std::collections::BTreeMap<String, FieldSpec> {
    fields
        .iter()
        .map(|f| {
            let default = f
                .name
                .split('.')
                .try_fold(defaults, |v, key| v.get(key))
                .cloned()
                .unwrap_or(serde_json::Value::Null);
            (
                f.name.to_owned(),
                FieldSpec {
                    bounds: *f,
                    default,
                },
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_accept_what_they_say() {
        let dims = Field::int("dims", 1, 64);
        assert!(dims.accepts(1.0) && dims.accepts(64.0));
        assert!(!dims.accepts(0.0) && !dims.accepts(65.0) && !dims.accepts(2.5));
        let lr = Field::positive("learningRate", 1.0);
        assert!(!lr.accepts(0.0) && lr.accepts(1e-9) && lr.accepts(1.0) && !lr.accepts(f64::NAN));
        let clip = Field::at_least("gradClip", 0.0);
        assert!(clip.accepts(1e30) && !clip.accepts(-1.0) && !clip.accepts(f64::INFINITY));
        let err = dims.check(0.0).expect_err("0 is out of bounds");
        assert_eq!(err.field(), Some("dims"));
        assert!(err.to_string().contains("between 1 and 64"), "{err}");
    }
}
