//! Error mapping: a Rust [`Error`] becomes a JS `Error` named `IclabError` carrying the stable
//! `code` and the offending `field`, so the worker can rebuild a typed error on the main thread.

use js_sys::Reflect;
use wasm_bindgen::JsValue;

use crate::Error;

pub fn to_js(err: Error) -> JsValue {
    let payload = err.to_payload();
    let js = js_sys::Error::new(&payload.message);
    js.set_name("IclabError");
    let field = payload
        .field
        .map_or(JsValue::NULL, |f| JsValue::from_str(&f));
    // Setting properties on a fresh Error object cannot fail.
    let _ = Reflect::set(&js, &"code".into(), &payload.code.into());
    let _ = Reflect::set(&js, &"field".into(), &field);
    js.into()
}
