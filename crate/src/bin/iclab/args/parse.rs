//! How flag values become config values: enum names, `a:b` ratios, tasks, baselines lists, and
//! `--set key=value` on any config.

use iclab::icl::TaskConfig;
use iclab::icl::baselines::BaselineKind;
use iclab::{Error, Result};

/// `config` with each `key=value` of `--set` applied, then parsed by `parse` (which checks the
/// whole and names the field at fault). `key` is a config key by its JSON name, dotted into
/// nested objects (`task.sparsity`); `value` is JSON (`0.5`, `true`, `[1, 1]`, `null`), or else
/// taken as a string (`paired`).
pub fn with_sets<T: serde::Serialize>(
    config: &T,
    pairs: &[String],
    parse: impl FnOnce(&str) -> Result<T>,
) -> Result<T> {
    let mut value = serde_json::to_value(config).map_err(|e| Error::backend(e.to_string()))?;
    for pair in pairs {
        let (key, text) = pair.split_once('=').ok_or_else(|| {
            Error::invalid("--set", format!("`{pair}` is not of the form key=value"))
        })?;
        let parsed = serde_json::from_str(text.trim())
            .unwrap_or_else(|_| serde_json::Value::String(text.to_owned()));
        iclab::sweep::set_path(&mut value, key, parsed)?;
    }
    parse(&value.to_string())
}

pub(super) fn parse_ratio(text: &str) -> std::result::Result<[u32; 2], String> {
    let parts: Vec<&str> = text.split(':').collect();
    match parts.as_slice() {
        [a, b] => match (a.trim().parse(), b.trim().parse()) {
            (Ok(a), Ok(b)) => Ok([a, b]),
            _ => Err(format!("`{text}` is not two whole numbers `a:b`")),
        },
        _ => Err(format!("`{text}` is not of the form `a:b`, e.g. `1:1`")),
    }
}

pub(super) fn parse_task(text: &str) -> std::result::Result<TaskConfig, String> {
    let value = if text.trim_start().starts_with('{') {
        serde_json::from_str(text).map_err(|e| e.to_string())?
    } else {
        serde_json::json!({ "kind": text })
    };
    serde_json::from_value(value).map_err(|e| e.to_string())
}

/// `config`'s task with `name=value` pairs set on it; errors name `task.<name>`.
pub(super) fn with_task_params(task: &TaskConfig, pairs: &[String]) -> Result<TaskConfig> {
    let mut value = serde_json::to_value(task).map_err(|e| Error::backend(e.to_string()))?;
    for pair in pairs {
        let (name, text) = pair.split_once('=').ok_or_else(|| {
            Error::invalid(
                "--task-param",
                format!("`{pair}` is not of the form name=value"),
            )
        })?;
        let parsed: serde_json::Value = serde_json::from_str(text).map_err(|_| {
            Error::invalid(format!("task.{name}"), format!("`{text}` is not a number"))
        })?;
        value[name] = parsed;
    }
    iclab::error::deserialize_config::<TaskConfig, _>(value).map_err(|e| e.within("task"))
}

pub fn parse_enum<T: serde::de::DeserializeOwned>(text: &str) -> std::result::Result<T, String> {
    serde_json::from_value(serde_json::Value::String(text.to_owned())).map_err(|e| e.to_string())
}

pub(super) fn parse_baselines(list: &str) -> Result<Vec<BaselineKind>> {
    if list.trim() == "all" {
        // every baseline that applies to any model: dMMSE needs a task pool, so it is named alone
        return Ok(BaselineKind::ALL
            .into_iter()
            .filter(|&k| k != BaselineKind::Dmmse)
            .collect());
    }
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|name| {
            parse_enum::<BaselineKind>(name).map_err(|_| {
                let known: Vec<&str> = BaselineKind::ALL.iter().map(|k| k.name()).collect();
                Error::invalid(
                    "--baselines",
                    format!(
                        "unknown baseline `{name}`, expected `all` or some of {}",
                        known.join(", ")
                    ),
                )
            })
        })
        .collect()
}
