//! Property-based fuzzing of everything that parses outside input: checkpoints (truncated,
//! corrupted, mismatched or rewritten safetensors files), session, evaluation and continual
//! configs (random JSON), and the digits asset. Each input must give a value or a typed error;
//! a panic fails the test (caught with `catch_unwind`, so the failing input is shrunk and shown).
#![cfg(not(target_family = "wasm"))]

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::OnceLock;

use iclab::continual::digits::Digits;
use iclab::continual::run::ClConfig;
use iclab::device::DeviceChoice;
use iclab::icl::evaluate::EvalConfig;
use iclab::{Error, Session, SessionConfig};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

/// Small checkpoints of both backbones, saved once.
fn checkpoints() -> &'static [Vec<u8>; 2] {
    static SAVED: OnceLock<[Vec<u8>; 2]> = OnceLock::new();
    SAVED.get_or_init(|| {
        let save = |json: Value| {
            let config = SessionConfig::from_json(&json.to_string()).expect("valid config");
            let session = pollster::block_on(Session::new(config)).expect("session");
            pollster::block_on(session.save()).expect("save")
        };
        [
            save(json!({"device": "cpu", "dims": 3, "points": 4, "layers": 1, "dModel": 8, "heads": 2})),
            save(json!({"device": "cpu", "model": "xlstm", "dims": 3, "points": 4, "layers": 2, "dModel": 8, "heads": 2})),
        ]
    })
}

/// Loads `bytes` as the browser and the CLI do; panics become test failures.
fn load(bytes: &[u8]) -> Result<Session, Error> {
    match catch_unwind(AssertUnwindSafe(|| {
        pollster::block_on(Session::from_checkpoint(bytes, DeviceChoice::Cpu))
    })) {
        Ok(result) => result,
        Err(panic) => {
            let what = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_default();
            panic!("loading {} bytes panicked: {what}", bytes.len())
        }
    }
}

/// Splits a safetensors file into its JSON header and its data.
fn split(bytes: &[u8]) -> (Map<String, Value>, Vec<u8>) {
    let n = u64::from_le_bytes(bytes[..8].try_into().expect("8 bytes")) as usize;
    let header: Value = serde_json::from_slice(&bytes[8..8 + n]).expect("json header");
    (
        header.as_object().expect("object").clone(),
        bytes[8 + n..].to_vec(),
    )
}

fn join(header: &Map<String, Value>, data: &[u8]) -> Vec<u8> {
    let text = serde_json::to_vec(header).expect("json");
    let mut out = (text.len() as u64).to_le_bytes().to_vec();
    out.extend_from_slice(&text);
    out.extend_from_slice(data);
    out
}

/// Any JSON value, nested a little: what a careless or hostile caller could send.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u32>().prop_map(Value::from),
        (0u32..300).prop_map(Value::from),
        any::<f64>()
            .prop_filter("JSON has no NaN", |f| f.is_finite())
            .prop_map(Value::from),
        prop_oneof![
            Just(-1.0),
            Just(0.0),
            Just(0.5),
            Just(1e-9),
            Just(1e300),
            Just(4_294_967_296.0)
        ]
        .prop_map(Value::from),
        "[a-z_:0-9]{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(2, 12, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-zA-Z]{1,8}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

const SESSION_KEYS: &[&str] = &[
    "task",
    "model",
    "preset",
    "tokens",
    "dims",
    "points",
    "batchSize",
    "learningRate",
    "warmupSteps",
    "decaySteps",
    "seed",
    "device",
    "layers",
    "dModel",
    "heads",
    "xlstmRatio",
    "gradClip",
    "curriculum",
];
const CONTINUAL_KEYS: &[&str] = &[
    "dataset",
    "scenario",
    "strategy",
    "bufferSize",
    "bufferPolicy",
    "hidden",
    "learningRate",
    "batchSize",
    "iterationsPerTask",
    "evalEvery",
    "seed",
    "device",
    "ewcLambda",
    "l2Lambda",
    "features",
    "ridge",
    "embedding",
];
const EVAL_KEYS: &[&str] = &[
    "prompts",
    "probe",
    "probeScale",
    "probeNoise",
    "baselines",
    "seed",
    "examples",
    "options",
];

/// Objects over `keys` (plus the odd unknown key) with arbitrary values.
fn config_object(keys: &'static [&'static str]) -> impl Strategy<Value = String> {
    let key =
        prop_oneof![9 => prop::sample::select(keys).prop_map(str::to_owned), 1 => "[a-z]{1,6}"];
    prop::collection::vec((key, any_json()), 0..6)
        .prop_map(|pairs| Value::Object(pairs.into_iter().collect()).to_string())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn truncated_checkpoints_are_refused(which in 0usize..2, cut in 0.0f64..1.0) {
        let bytes = &checkpoints()[which];
        let n = (cut * bytes.len() as f64) as usize;
        let err = load(&bytes[..n]).err().expect("a truncated file must be refused");
        prop_assert_eq!(err.code(), "invalid_checkpoint");
    }

    #[test]
    fn corrupted_checkpoints_load_or_are_refused(which in 0usize..2, flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8)) {
        let mut bytes = checkpoints()[which].clone();
        for (at, value) in flips {
            let i = at.index(bytes.len());
            bytes[i] ^= value.max(1);
        }
        if let Err(err) = load(&bytes) {
            prop_assert!(matches!(err.code(), "invalid_checkpoint" | "too_large"), "{}", err);
        }
    }

    #[test]
    fn rewritten_headers_load_or_are_refused(which in 0usize..2, victim in any::<prop::sample::Index>(), field in 0usize..5, value in any_json()) {
        let (mut header, data) = split(&checkpoints()[which]);
        let names: Vec<String> = header.keys().cloned().collect();
        let name = victim.get(&names).clone();
        match (name.as_str(), field) {
            ("__metadata__", 0) => { header.get_mut(&name).and_then(Value::as_object_mut).map(|m| m.insert("config".into(), Value::String(value.to_string()))); }
            ("__metadata__", 1) => { header.get_mut(&name).and_then(Value::as_object_mut).map(|m| m.insert("step".into(), value)); }
            ("__metadata__", _) => { header.insert(name, value); }
            (_, 0) => { header.get_mut(&name).and_then(Value::as_object_mut).map(|m| m.insert("shape".into(), value)); }
            (_, 1) => { header.get_mut(&name).and_then(Value::as_object_mut).map(|m| m.insert("dtype".into(), value)); }
            (_, 2) => { header.get_mut(&name).and_then(Value::as_object_mut).map(|m| m.insert("data_offsets".into(), value)); }
            (_, 3) => { header.remove(&name); }
            _ => { header.insert(format!("{name}.extra"), value); }
        }
        if let Err(err) = load(&join(&header, &data)) {
            prop_assert!(matches!(err.code(), "invalid_checkpoint" | "too_large"), "{}", err);
        }
    }

    #[test]
    fn arbitrary_bytes_are_refused(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        prop_assert!(load(&bytes).is_err());
        prop_assert!(catch_unwind(|| Digits::parse(&bytes)).expect("no panic").is_err() || bytes.len() > 16);
    }

    #[test]
    fn session_configs_parse_or_name_a_field(text in config_object(SESSION_KEYS)) {
        match catch_unwind(|| SessionConfig::from_json(&text)).expect("no panic") {
            Ok(config) => prop_assert!(config.memory_estimate().total_bytes <= iclab::memory::MEMORY_LIMIT_BYTES),
            Err(err) => {
                prop_assert!(matches!(err.code(), "invalid_config" | "too_large"), "{}", err);
                prop_assert!(err.field().is_some_and(|f| !f.is_empty()), "{}", err);
            }
        }
    }

    #[test]
    fn eval_and_continual_configs_parse_or_name_a_field(eval in config_object(EVAL_KEYS), cl in config_object(CONTINUAL_KEYS)) {
        for result in [
            catch_unwind(|| EvalConfig::from_json(&eval).map(drop)).expect("no panic"),
            catch_unwind(|| ClConfig::from_json(&cl).map(drop)).expect("no panic"),
        ] {
            if let Err(err) = result {
                prop_assert_eq!(err.code(), "invalid_config", "{}", err);
                prop_assert!(err.field().is_some_and(|f| !f.is_empty()), "{}", err);
            }
        }
    }
}

#[test]
fn a_checkpoint_under_another_config_is_refused_by_shape() {
    let (mut header, data) = split(&checkpoints()[0]);
    let meta = header["__metadata__"].as_object_mut().expect("metadata");
    let mut config: Value =
        serde_json::from_str(meta["config"].as_str().expect("text")).expect("json");
    config["dims"] = json!(4);
    meta.insert("config".into(), Value::String(config.to_string()));
    let err = load(&join(&header, &data)).err().expect("mismatch");
    assert_eq!(err.code(), "invalid_checkpoint");
    assert!(err.to_string().contains("shape"), "{err}");
    // And the untouched file loads.
    assert!(load(&checkpoints()[0]).is_ok());
    assert!(load(&checkpoints()[1]).is_ok());
}
