//! What JavaScript hands the core, checked before it is parsed: plain objects of finite numbers,
//! as JSON text, each problem named by its field.

use wasm_bindgen::prelude::*;

use crate::{Error, Result};

/// A JS value as JSON text, with `JSON.stringify` semantics for what passes: `undefined`
/// properties vanish. A number that is not finite is an error naming its field (`JSON.stringify`
/// would write `null`, which a nullable field reads as "unset"); cycles, BigInts and objects that
/// are not plain (a `Map`, a `Date`) are an error naming the field.
pub(super) fn json_text(field: &str, value: &JsValue) -> Result<String> {
    json_text_of(field, value, Numbers::Finite)
}

/// Which numbers a JS value may hold.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Numbers {
    Finite,
    /// `NaN` marks a missing point (error curves); it becomes `null`, which reads back as NaN.
    MayBeNaN,
}

/// [`json_text`] with the numbers `numbers` allows.
pub(super) fn json_text_of(field: &str, value: &JsValue, numbers: Numbers) -> Result<String> {
    if value.is_undefined() || value.is_null() {
        return Ok("{}".to_owned());
    }
    if !value.is_object() || js_sys::Array::is_array(value) {
        return Err(Error::invalid(field, "must be an object"));
    }
    check_plain(value, "", 0, numbers == Numbers::Finite)?;
    js_sys::JSON::stringify(value)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or_else(|| Error::invalid(field, "must be a plain object that JSON can represent"))
}

/// Deepest nesting a config may have; also stops cycles.
const MAX_DEPTH: usize = 8;

/// Most entries an array in a config may hold (the longest a valid config has is a curve of a
/// few hundred points); a longer one is refused before it is walked.
pub const MAX_ARRAY: u32 = 10_000;

/// Rejects what `JSON.stringify` would silently drop or choke on (functions, symbols, BigInts),
/// naming the field by its path (`dims`, `curriculum.interval`, `baselines[0]`).
fn check_plain(value: &JsValue, path: &str, depth: usize, finite: bool) -> Result<()> {
    let name = if path.is_empty() { "config" } else { path };
    if value.is_function() || value.is_symbol() || value.is_bigint() {
        return Err(Error::invalid(
            name,
            "must be a number, string, boolean, array or plain object (got a function, symbol or BigInt)",
        ));
    }
    if let Some(n) = value.as_f64()
        && finite
        && !n.is_finite()
    {
        return Err(Error::invalid(
            name,
            format!("must be a finite number, got {n}"),
        ));
    }
    if !value.is_object() {
        return Ok(());
    }
    let is_array = js_sys::Array::is_array(value);
    if is_array {
        let length = value.unchecked_ref::<js_sys::Array>().length();
        if length > MAX_ARRAY {
            return Err(Error::invalid(
                name,
                format!("holds {length} entries; at most {MAX_ARRAY}"),
            ));
        }
    }
    let proto = js_sys::Object::get_prototype_of(value);
    if !is_array
        && !proto.is_null()
        && JsValue::from(proto)
            != JsValue::from(js_sys::Object::get_prototype_of(&js_sys::Object::new()))
    {
        return Err(Error::invalid(
            name,
            "must be a plain object (not a Map, Set, Date or class instance)",
        ));
    }
    if depth >= MAX_DEPTH {
        return Err(Error::invalid(
            name,
            "nests too deeply (or refers to itself)",
        ));
    }
    let object: &js_sys::Object = value.unchecked_ref();
    for key in js_sys::Object::keys(object).iter() {
        let key_text = key.as_string().unwrap_or_default();
        let child = js_sys::Reflect::get(object, &key).unwrap_or(JsValue::UNDEFINED);
        let child_path = match (is_array, path.is_empty()) {
            (true, _) => format!("{path}[{key_text}]"),
            (false, true) => key_text,
            (false, false) => format!("{path}.{key_text}"),
        };
        check_plain(&child, &child_path, depth + 1, finite)?;
    }
    Ok(())
}
