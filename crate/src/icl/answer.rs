//! A prompt someone writes — points placed on a plot, a table pasted — and what the model answers
//! at each query from the examples before it, next to what each baseline fitted to the same
//! examples answers (docs/SCIENCE.md §1, "Your own prompt"). The examples never leave the page:
//! the core reads them from the config and keeps nothing.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::baselines::{BaselineKind, BaselineOptions};
use crate::schema::Field;
use crate::{Error, Result};

/// The bounds of a written prompt (the catalog lists them).
pub mod fields {
    use crate::schema::Field;

    /// Queries answered in one call: a curve across an axis is a few hundred.
    pub const QUERIES: Field = Field::int("queries", 1, 2000);
    /// Any coordinate or output: far outside what a model was trained on is allowed (that is the
    /// point of drawing there), numbers that would overflow its activations are not.
    pub const VALUE: Field = Field::real("value", -1e4, 1e4);
    /// Characters of a pasted table.
    pub const TABLE: Field = Field::int("table", 0, 200_000);
    pub const ALL: &[Field] = &[QUERIES, VALUE, TABLE];
}

/// Where nearly all of a model's training inputs fell, per coordinate: training draws
/// `x ~ N(0, I)`, so 95% of coordinates lie within ±1.96. A page shades outside it.
pub const TYPICAL_RANGE: [f64; 2] = [-1.96, 1.96];

/// A prompt's rows: the examples `[x₁, …, x_d, y]` and the queries `[x₁, …, x_d]`.
pub type Rows = (Vec<Vec<f64>>, Vec<Vec<f64>>);

/// A written prompt to answer.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct AnswerConfig {
    /// The prompt's examples in the order the model reads them, each `[x₁, …, x_d, y]`; at most
    /// the model's `points − 1` (the last position holds the query).
    pub examples: Vec<Vec<f64>>,
    /// The inputs to answer, each `[x₁, …, x_d]`: the model reads each one after all the
    /// examples.
    pub queries: Vec<Vec<f64>>,
    /// Instead of `examples` and `queries`: a table as text, one row per line, numbers separated
    /// by commas, tabs, semicolons or spaces; a row of d + 1 numbers is an example, a row of d a
    /// query; a first row that is not numbers is a header; blank lines and `#` lines are skipped.
    pub table: Option<String>,
    /// Baselines fitted to the same examples. Default: the model's function class's reference
    /// baselines.
    pub baselines: Option<Vec<BaselineKind>>,
    /// Baseline settings.
    pub options: BaselineOptions,
}

/// What the model and the baselines answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Answer {
    /// The examples read (from `examples` or the table), each `[x₁, …, x_d, y]`.
    pub examples: Vec<Vec<f64>>,
    /// The queries answered, each `[x₁, …, x_d]`.
    pub queries: Vec<Vec<f64>>,
    /// The model's answer at each query.
    pub model: Vec<f64>,
    /// Each baseline's answer at each query, keyed by its name (`least_squares`, …).
    pub baselines: BTreeMap<String, Vec<f64>>,
    /// Where nearly all training inputs fell, per coordinate ([`TYPICAL_RANGE`]).
    pub typical_range: [f64; 2],
    /// Per query: whether any of its coordinates lies outside the typical range.
    pub outside: Vec<bool>,
}

impl AnswerConfig {
    /// Parses any serde source; the rows are checked against a model by [`Self::resolve`].
    pub fn parse<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self> {
        crate::error::deserialize_config(deserializer)
    }

    pub fn from_json(text: &str) -> Result<Self> {
        Self::parse(&mut serde_json::Deserializer::from_str(text))
    }

    /// The examples and queries for a model in `dims` dimensions with prompts of `points`
    /// points, checked; errors name the row (`examples[3][1]`, `table` row 4, column 2).
    pub fn resolve(&self, dims: usize, points: usize) -> Result<Rows> {
        let (examples, queries) = match &self.table {
            Some(table) => {
                if !self.examples.is_empty() || !self.queries.is_empty() {
                    return Err(Error::invalid(
                        "table",
                        "give a table or examples and queries, not both",
                    ));
                }
                parse_table(table, dims)?
            }
            None => {
                check_rows("examples", &self.examples, dims + 1)?;
                check_rows("queries", &self.queries, dims)?;
                (self.examples.clone(), self.queries.clone())
            }
        };
        let most = points.saturating_sub(1);
        if examples.len() > most {
            return Err(Error::invalid(
                "examples",
                format!(
                    "{} examples, but the model reads prompts of {points} points: at most {most} examples and the query",
                    examples.len()
                ),
            ));
        }
        let field = if self.table.is_some() {
            "table"
        } else {
            "queries"
        };
        if queries.is_empty() {
            return Err(Error::invalid(
                field,
                format!(
                    "no query: add at least one row of {dims} numbers (an input without its output)"
                ),
            ));
        }
        fields::QUERIES.check_as(field, queries.len() as f64)?;
        Ok((examples, queries))
    }

    /// The baselines to fit: the listed ones, or the class's reference ones.
    pub fn baselines_or(&self, reference: &[BaselineKind]) -> Result<Vec<BaselineKind>> {
        let kinds = self.baselines.clone().unwrap_or_else(|| reference.to_vec());
        if let Some(pool) = kinds.iter().find(|k| k.needs_pool()) {
            return Err(Error::invalid(
                "baselines",
                format!(
                    "{} needs the training pool and a whole evaluation set; it cannot answer one written prompt",
                    pool.title()
                ),
            ));
        }
        self.options.validate()?;
        Ok(kinds)
    }
}

/// Checks each row's length and every number.
fn check_rows(field: &str, rows: &[Vec<f64>], width: usize) -> Result<()> {
    for (r, row) in rows.iter().enumerate() {
        if row.len() != width {
            return Err(Error::invalid(
                format!("{field}[{r}]"),
                format!("expected {width} numbers, got {}", row.len()),
            ));
        }
        for (c, &value) in row.iter().enumerate() {
            fields::VALUE.check_as(&format!("{field}[{r}][{c}]"), value)?;
        }
    }
    Ok(())
}

/// Splits a table row into cells.
fn cells(line: &str) -> Vec<&str> {
    line.split([',', ';', '\t', ' '])
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect()
}

/// Reads a pasted table: rows of d + 1 numbers are examples, rows of d numbers queries.
pub fn parse_table(text: &str, dims: usize) -> Result<Rows> {
    fields::TABLE.check_as("table", text.chars().count() as f64)?;
    let (mut examples, mut queries) = (Vec::new(), Vec::new());
    let mut first = true;
    for (i, line) in text.lines().enumerate() {
        let row = i + 1;
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let cells = cells(line);
        let numbers: Vec<Option<f64>> = cells.iter().map(|c| c.parse::<f64>().ok()).collect();
        if first && numbers.iter().all(Option::is_none) {
            first = false; // a header
            continue;
        }
        first = false;
        let mut values = Vec::with_capacity(cells.len());
        for (c, (cell, number)) in cells.iter().zip(&numbers).enumerate() {
            let at = format!("row {row}, column {}", c + 1);
            let value = number.ok_or_else(|| {
                Error::invalid("table", format!("{at}: `{cell}` is not a number"))
            })?;
            if !Field::real("", -1e4, 1e4).accepts(value) {
                return Err(Error::invalid(
                    "table",
                    format!("{at}: {cell} must be a finite number between -10000 and 10000"),
                ));
            }
            values.push(value);
        }
        match values.len() {
            n if n == dims + 1 => examples.push(values),
            n if n == dims => queries.push(values),
            n => {
                return Err(Error::invalid(
                    "table",
                    format!(
                        "row {row}: {n} numbers; a model in {dims} dimensions reads {} (x₁…x{dims}, y: an example) or {dims} (a query)",
                        dims + 1
                    ),
                ));
            }
        }
    }
    Ok((examples, queries))
}

/// Whether any coordinate of `x` lies outside [`TYPICAL_RANGE`].
pub fn outside(x: &[f64]) -> bool {
    x.iter()
        .any(|v| !(TYPICAL_RANGE[0]..=TYPICAL_RANGE[1]).contains(v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_is_read_by_row_width_with_an_optional_header() {
        let text = "x, y\n# a comment\n1, 2\n\n-0.5;1.5\n3\n2.5 \t 4\n0.25";
        let (examples, queries) = parse_table(text, 1).expect("table");
        assert_eq!(
            examples,
            vec![vec![1.0, 2.0], vec![-0.5, 1.5], vec![2.5, 4.0]]
        );
        assert_eq!(queries, vec![vec![3.0], vec![0.25]]);
    }

    #[test]
    fn a_bad_table_names_the_row_and_column() {
        let message = |text: &str| parse_table(text, 2).expect_err(text).to_string();
        assert!(message("1,2,3\n1,x,3").contains("row 2, column 2: `x` is not a number"));
        assert!(message("1,2,3\n1,2,3,4").contains("row 2: 4 numbers"));
        assert!(message("1,2,NaN").contains("row 1, column 3"));
        assert!(message("1,2,1e9").contains("row 1, column 3"));
        // a header only counts as the first row
        assert!(message("1,2,3\nx,y,z").contains("row 2, column 1"));
    }

    #[test]
    fn rows_are_checked_against_the_model() {
        let config = AnswerConfig {
            examples: vec![vec![1.0, 2.0], vec![0.5]],
            queries: vec![vec![0.0]],
            ..Default::default()
        };
        let error = config.resolve(1, 20).expect_err("short row");
        assert_eq!(error.field(), Some("examples[1]"));
        let config = AnswerConfig {
            examples: vec![vec![1.0, f64::INFINITY]],
            queries: vec![vec![0.0]],
            ..Default::default()
        };
        assert_eq!(
            config.resolve(1, 20).expect_err("inf").field(),
            Some("examples[0][1]")
        );
        let config = AnswerConfig {
            examples: vec![vec![1.0, 2.0]; 20],
            queries: vec![vec![0.0]],
            ..Default::default()
        };
        let error = config.resolve(1, 20).expect_err("too many");
        assert_eq!(error.field(), Some("examples"));
        assert!(error.to_string().contains("at most 19 examples"), "{error}");
        let config = AnswerConfig {
            examples: vec![vec![1.0, 2.0]],
            ..Default::default()
        };
        assert_eq!(
            config.resolve(1, 20).expect_err("no query").field(),
            Some("queries")
        );
        let config = AnswerConfig {
            queries: vec![vec![0.0]],
            table: Some("1,2".into()),
            ..Default::default()
        };
        assert_eq!(
            config.resolve(1, 20).expect_err("both").field(),
            Some("table")
        );
        let config = AnswerConfig {
            baselines: Some(vec![BaselineKind::Dmmse]),
            ..Default::default()
        };
        assert_eq!(
            config.baselines_or(&[]).expect_err("dmmse").field(),
            Some("baselines")
        );
    }
}
