//! A visitor's own data as a table (issue 37): CSV text with numeric features and a label column
//! (the last), a header row optional, read into a [`Dataset`] and split into training and
//! held-out examples per class. Everything is checked before anything is built, and a bad file
//! is one sentence naming its row and column: a cell that is not a number (NaN and ∞ included),
//! a ragged row, a label with a single example (it cannot be both learned and tested), more
//! classes, features or rows than [`LIMITS`] allows.
//!
//! Rows and columns are counted from 1 as a spreadsheet shows them (the header, when there is
//! one, is row 1). Cells are separated by commas, semicolons or tabs (whichever the first line
//! uses); a cell may be wrapped in double quotes; blank lines are skipped.

use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use serde::Serialize;

use super::data::Dataset;
use crate::{Error, Result};

/// What a table may hold (the catalog lists them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct TableLimits {
    pub rows: u32,
    pub features: u32,
    pub classes: u32,
}

/// 20,000 rows of up to 784 features (an MNIST image) in up to 20 classes.
pub const LIMITS: TableLimits = TableLimits {
    rows: 20_000,
    features: 784,
    classes: 20,
};

/// A visitor's table as a run's dataset (`dataset.kind = "table"`): the CSV text itself, the
/// share of each class held out for testing, and the split's seed.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct TableConfig {
    /// The file's text: numeric features, the label in the last column, a header row optional.
    pub csv: String,
    /// Share of each class held out as the test set (above 0, at most 0.9; at least one example
    /// each side). Default: 0.2.
    pub test_share: f64,
    pub seed: u32,
    /// The labels in the order the stream meets them (a task is the next `classesPerTask` of
    /// them), each as the file spells it; every label exactly once. Default (empty): sorted,
    /// numbers by value.
    pub order: Vec<String>,
}

impl Default for TableConfig {
    fn default() -> Self {
        Self {
            csv: String::new(),
            test_share: 0.2,
            seed: 0,
            order: Vec::new(),
        }
    }
}

impl TableConfig {
    pub const FIELDS: &[crate::schema::Field] = &[TEST_SHARE];

    pub fn validate(&self) -> Result<()> {
        self.read().map(|_| ())
    }

    /// The table, its classes in the stream's order.
    pub fn read(&self) -> Result<Table> {
        TEST_SHARE.check(self.test_share)?;
        Table::parse_csv(&self.csv)?.ordered(&self.order)
    }

    /// Training and test sets.
    pub fn generate(&self) -> Result<(Dataset, Dataset)> {
        self.read()?.split(self.test_share, u64::from(self.seed))
    }

    /// A short fingerprint of the text (FNV-1a): what a federated share states instead of the
    /// data, so two pages can check they read the same table without sending it.
    pub fn fingerprint(&self) -> String {
        let mut h = crate::fingerprint::Fnv1a::default();
        h.eat(self.csv.as_bytes());
        format!("fnv1a:{}:{}", h.hex(), self.csv.len())
    }
}

/// A table as the core read it (`readTable` in the package).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct TableSummary {
    pub rows: u32,
    /// The header's feature names, or `x1`, `x2`, … without one.
    pub features: Vec<String>,
    /// The labels, class 0 first: the order the stream meets them.
    pub classes: Vec<String>,
    /// Rows per class.
    pub counts: Vec<u32>,
}

/// The held-out share of each class.
pub const TEST_SHARE: crate::schema::Field = crate::schema::Field::positive("testShare", 0.9);

/// A table read from CSV: its examples and the names of its columns and classes.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub data: Dataset,
    /// The header's feature names, or `x1`, `x2`, … without one.
    pub features: Vec<String>,
    /// Each class's label as the file spells it; class i is `classes[i]` (labels sorted, numbers
    /// by value).
    pub classes: Vec<String>,
}

fn bad(row: usize, column: Option<(usize, &str)>, why: impl std::fmt::Display) -> Error {
    let at = match column {
        Some((c, name)) if !name.is_empty() => format!("row {row}, column {c} ({name})"),
        Some((c, _)) => format!("row {row}, column {c}"),
        None => format!("row {row}"),
    };
    Error::invalid("data", format!("{at}: {why}"))
}

/// The cells of one line, split at `sep`, each trimmed and unquoted.
fn cells(line: &str, sep: char) -> Vec<String> {
    line.split(sep)
        .map(|c| {
            let c = c.trim();
            c.strip_prefix('"')
                .and_then(|c| c.strip_suffix('"'))
                .unwrap_or(c)
                .trim()
                .to_owned()
        })
        .collect()
}

/// A finite number, or why not.
fn number(cell: &str) -> std::result::Result<f32, String> {
    match cell.parse::<f64>() {
        Ok(v) if v.is_finite() && v.abs() <= f64::from(f32::MAX) => Ok(v as f32),
        Ok(v) => Err(format!("{v} is not a finite number")),
        Err(_) if cell.is_empty() => Err("the cell is empty".to_owned()),
        Err(_) => Err(format!("{cell:?} is not a number")),
    }
}

impl Table {
    /// Reads CSV text whose last column is the label.
    pub fn parse_csv(text: &str) -> Result<Self> {
        let lines: Vec<(usize, &str)> = text
            .lines()
            .enumerate()
            .map(|(i, l)| (i + 1, l.trim_end_matches('\r')))
            .filter(|(_, l)| !l.trim().is_empty())
            .collect();
        let Some(&(_, first)) = lines.first() else {
            return Err(Error::invalid("data", "the file has no rows"));
        };
        let sep = [',', ';', '\t']
            .into_iter()
            .max_by_key(|&s| first.matches(s).count())
            .filter(|&s| first.contains(s))
            .ok_or_else(|| {
                Error::invalid(
                    "data",
                    "row 1 has a single column: a table needs features and a label, separated by commas, semicolons or tabs",
                )
            })?;
        let head = cells(first, sep);
        let width = head.len();
        let dim = width - 1;
        if dim as u32 > LIMITS.features {
            return Err(Error::invalid(
                "data",
                format!(
                    "row 1: {dim} features; at most {} are allowed",
                    LIMITS.features
                ),
            ));
        }
        // a header is a first row whose features are not all numbers
        let header = head[..dim].iter().any(|c| number(c).is_err());
        let features: Vec<String> = if header {
            head[..dim].to_vec()
        } else {
            (1..=dim).map(|i| format!("x{i}")).collect()
        };
        let rows = &lines[usize::from(header)..];
        if rows.is_empty() {
            return Err(Error::invalid("data", "the file has a header but no rows"));
        }
        if rows.len() as u32 > LIMITS.rows {
            return Err(Error::invalid(
                "data",
                format!("{} rows; at most {} are allowed", rows.len(), LIMITS.rows),
            ));
        }
        let mut inputs = Vec::with_capacity(rows.len() * dim);
        let mut labels_text = Vec::with_capacity(rows.len());
        for &(row, line) in rows {
            let cs = cells(line, sep);
            if cs.len() != width {
                return Err(bad(
                    row,
                    None,
                    format!(
                        "{} cells where row {} has {width} (every row needs the same columns)",
                        cs.len(),
                        lines[0].0
                    ),
                ));
            }
            for (c, cell) in cs[..dim].iter().enumerate() {
                inputs
                    .push(number(cell).map_err(|why| bad(row, Some((c + 1, &features[c])), why))?);
            }
            let label = &cs[dim];
            if label.is_empty() {
                return Err(bad(row, Some((width, "label")), "the label is empty"));
            }
            labels_text.push((row, label.clone()));
        }
        // classes: the labels sorted, numbers by value, the rest after them alphabetically
        let mut names: Vec<String> = labels_text.iter().map(|(_, l)| l.clone()).collect();
        names.sort_by(|a, b| match (a.parse::<f64>(), b.parse::<f64>()) {
            (Ok(x), Ok(y)) => x.total_cmp(&y),
            (Ok(_), Err(_)) => std::cmp::Ordering::Less,
            (Err(_), Ok(_)) => std::cmp::Ordering::Greater,
            _ => a.cmp(b),
        });
        names.dedup();
        if names.len() as u32 > LIMITS.classes {
            return Err(Error::invalid(
                "data",
                format!(
                    "{} different labels in the last column; at most {} classes are allowed",
                    names.len(),
                    LIMITS.classes
                ),
            ));
        }
        if names.len() < 2 {
            return Err(Error::invalid(
                "data",
                "every row has the same label: a classifier needs at least 2 classes",
            ));
        }
        let labels: Vec<u32> = labels_text
            .iter()
            .map(|(_, l)| names.iter().position(|n| n == l).unwrap_or(0) as u32)
            .collect();
        for (class, name) in names.iter().enumerate() {
            let rows_of: Vec<usize> = labels_text
                .iter()
                .zip(&labels)
                .filter(|&(_, &l)| l as usize == class)
                .map(|((row, _), _)| *row)
                .collect();
            if rows_of.len() < 2 {
                return Err(bad(
                    rows_of[0],
                    Some((width, "label")),
                    format!(
                        "label {name:?} has a single example: each class needs two, one to learn and one to test"
                    ),
                ));
            }
        }
        Ok(Self {
            data: Dataset::new(inputs, labels, dim, names.len())?,
            features,
            classes: names,
        })
    }

    /// The same table with class i the `order[i]`th label (an empty order keeps it); an order
    /// that misses a label, names one twice or names one the file lacks is an error naming it.
    pub fn ordered(self, order: &[String]) -> Result<Self> {
        if order.is_empty() {
            return Ok(self);
        }
        let bad_order = |why: String| Error::invalid("order", why);
        let mut to_new = vec![u32::MAX; self.classes.len()];
        for (new, name) in order.iter().enumerate() {
            let old = self
                .classes
                .iter()
                .position(|c| c == name.trim())
                .ok_or_else(|| {
                    bad_order(format!(
                        "{name:?} is not a label of the file (its labels: {})",
                        self.classes.join(", ")
                    ))
                })?;
            if to_new[old] != u32::MAX {
                return Err(bad_order(format!("{name:?} is named twice")));
            }
            to_new[old] = new as u32;
        }
        if let Some(missing) = to_new.iter().position(|&n| n == u32::MAX) {
            return Err(bad_order(format!(
                "{:?} is missing: the order names every label once",
                self.classes[missing]
            )));
        }
        let labels = self
            .data
            .labels
            .iter()
            .map(|&l| to_new[l as usize])
            .collect();
        let classes = order.iter().map(|n| n.trim().to_owned()).collect();
        Ok(Self {
            data: Dataset::new(self.data.inputs, labels, self.data.dim, self.data.classes)?,
            features: self.features,
            classes,
        })
    }

    /// What a page shows of a table before a run: its size and its labels in stream order.
    pub fn summary(&self) -> TableSummary {
        TableSummary {
            rows: self.data.len() as u32,
            features: self.features.clone(),
            classes: self.classes.clone(),
            counts: (0..self.classes.len() as u32)
                .map(|c| self.data.labels.iter().filter(|&&l| l == c).count() as u32)
                .collect(),
        }
    }

    /// Training and held-out examples: in each class, a shuffled `test_share` of its rows (at
    /// least one, and at least one left to learn from) is held out. Seeded.
    pub fn split(&self, test_share: f64, seed: u64) -> Result<(Dataset, Dataset)> {
        TEST_SHARE.check(test_share)?;
        let mut rng = StdRng::seed_from_u64(seed ^ 0x7AB1_E000);
        let (mut train, mut test) = (Vec::new(), Vec::new());
        for class in 0..self.data.classes as u32 {
            let mut rows: Vec<usize> = (0..self.data.len())
                .filter(|&i| self.data.labels[i] == class)
                .collect();
            rows.shuffle(&mut rng);
            let held = ((rows.len() as f64 * test_share).round() as usize).clamp(1, rows.len() - 1);
            test.extend_from_slice(&rows[..held]);
            train.extend_from_slice(&rows[held..]);
        }
        train.sort_unstable();
        test.sort_unstable();
        Ok((self.data.rows(&train), self.data.rows(&test)))
    }
}

#[cfg(test)]
mod tests;
