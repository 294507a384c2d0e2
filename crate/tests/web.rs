//! In-browser unit tests of the bindings (headless Chromium with `--enable-unsafe-webgpu`, see
//! webdriver.json): device selection, async read-back on WebGPU, error mapping.
#![cfg(target_family = "wasm")]

use iclab::device::{self, DeviceChoice, DeviceKind};
use iclab::wasm;
use js_sys::{Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

// In a dedicated worker, as the npm package runs the wasm (web/src/worker.ts): the page's main
// thread stays free for ChromeDriver, whose every poll of the test output is a script with a 30 s
// limit. On the main thread, Chromium 156 with SwiftShader left a poll unanswered for 30 s and the
// runner failed before any test reported.
wasm_bindgen_test_configure!(run_in_dedicated_worker);

fn object(pairs: &[(&str, JsValue)]) -> JsValue {
    let obj = Object::new();
    for (k, v) in pairs {
        Reflect::set(&obj, &(*k).into(), v).expect("set property");
    }
    obj.into()
}

fn prop(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &key.into()).expect("get property")
}

/// One call of a `train()` stream of `steps` steps in one report, without evaluations: what
/// it resolves to (`{ report }`).
async fn train_call(id: u32, steps: f64) -> Result<JsValue, JsValue> {
    wasm::session_train(id, steps, steps, 0.0, JsValue::UNDEFINED, 0).await
}

/// [`train_call`]'s report.
async fn train(id: u32, steps: f64) -> Result<JsValue, JsValue> {
    train_call(id, steps).await.map(|t| prop(&t, "report"))
}

fn tiny(device: &str) -> JsValue {
    object(&[
        ("device", device.into()),
        ("dims", 3.into()),
        ("points", 5.into()),
        ("batchSize", 8.into()),
        ("layers", 1.into()),
        ("dModel", 16.into()),
        ("heads", 2.into()),
        ("learningRate", 0.01.into()),
        ("warmupSteps", 0.into()),
    ])
}

#[wasm_bindgen_test]
async fn auto_agrees_with_capabilities() {
    let caps = device::capabilities().await;
    let compute = device::open(DeviceChoice::Auto)
        .await
        .expect("auto never fails");
    // `auto` trains on WebGPU exactly when a hardware adapter is there: a software one
    // (SwiftShader, what the runner's Chromium has without a GPU) or none means the CPU, with
    // the reason said.
    let hardware = caps.adapter.as_ref().is_some_and(|a| !a.is_fallback);
    assert_eq!(caps.webgpu_preferred, hardware, "{caps:?}");
    if hardware {
        assert_eq!(compute.info.kind, DeviceKind::Webgpu);
        assert!(compute.info.fallback_reason.is_none());
    } else {
        assert_eq!(compute.info.kind, DeviceKind::Cpu);
        assert!(compute.info.fallback_reason.is_some());
    }
    assert_eq!(caps.webgpu_available, caps.adapter.is_some(), "{caps:?}");
}

#[wasm_bindgen_test]
async fn forced_webgpu_trains_with_async_read_back() {
    let created = wasm::session_create(tiny("webgpu"))
        .await
        .expect("webgpu session");
    let info = prop(&created, "deviceInfo");
    assert_eq!(prop(&info, "kind").as_string().as_deref(), Some("webgpu"));
    let id = prop(&created, "id").as_f64().expect("id") as u32;
    let report = train(id, 2.0).await.expect("train on webgpu");
    let loss = prop(&report, "loss").as_f64().expect("loss");
    assert!(loss.is_finite() && loss > 0.0, "loss {loss}");
    assert_eq!(prop(&report, "step").as_f64(), Some(2.0));
    let eval = wasm::session_evaluate(id, object(&[("prompts", 16.into())]), 0)
        .await
        .expect("evaluate on webgpu");
    let curves = prop(&eval, "curves");
    let mean = js_sys::Array::from(&prop(&prop(&curves, "model"), "mean"));
    assert!(prop(&curves, "least_squares").is_object());
    let saved = wasm::session_save(id).await.expect("save on webgpu");
    let loaded = wasm::session_load(&saved, "cpu".into())
        .await
        .expect("load what webgpu saved");
    assert_eq!(prop(&loaded, "step").as_f64(), Some(2.0));
    wasm::session_dispose(prop(&loaded, "id").as_f64().expect("id") as u32);
    assert_eq!(mean.length(), 5);
    assert!(wasm::session_dispose(id));
}

/// The xLSTM on WebGPU: trains (parallel mLSTM, looped sLSTM), evaluates with async read-back,
/// saves, and loads on the CPU with the same predictions.
/// One seed, one model: a fresh session is drawn on the CPU and moved, so WebGPU and CPU sessions
/// with the same config start from the same weights (each backend has its own generator).
#[wasm_bindgen_test]
async fn same_seed_same_model_on_webgpu_and_cpu() {
    let options = || {
        object(&[
            ("prompts", 16.into()),
            ("baselines", js_sys::Array::new().into()),
        ])
    };
    let mut means = Vec::new();
    for device in ["webgpu", "cpu"] {
        let created = wasm::session_create(tiny(device)).await.expect("session");
        let id = prop(&created, "id").as_f64().expect("id") as u32;
        let eval = wasm::session_evaluate(id, options(), 0)
            .await
            .expect("evaluate");
        means.push(
            js_sys::Array::from(&prop(&prop(&prop(&eval, "curves"), "model"), "mean"))
                .iter()
                .map(|v| v.as_f64().expect("number"))
                .collect::<Vec<f64>>(),
        );
        assert!(wasm::session_dispose(id));
    }
    for (x, y) in means[0].iter().zip(&means[1]) {
        assert!((x - y).abs() < 1e-3 * (1.0 + y.abs()), "{means:?}");
    }
}

#[wasm_bindgen_test]
async fn xlstm_trains_on_webgpu_and_round_trips() {
    let config = tiny("webgpu");
    Reflect::set(&config, &"model".into(), &"xlstm".into()).expect("set");
    Reflect::set(&config, &"layers".into(), &2.into()).expect("set");
    let created = wasm::session_create(config).await.expect("xlstm session");
    let id = prop(&created, "id").as_f64().expect("id") as u32;
    let report = train(id, 1.0).await.expect("train on webgpu");
    assert!(prop(&report, "loss").as_f64().is_some_and(f64::is_finite));
    let options = || {
        object(&[
            ("prompts", 16.into()),
            ("baselines", js_sys::Array::new().into()),
        ])
    };
    let gpu = wasm::session_evaluate(id, options(), 0)
        .await
        .expect("evaluate");
    let saved = wasm::session_save(id).await.expect("save");
    let loaded = wasm::session_load(&saved, "cpu".into())
        .await
        .expect("load");
    let cpu_id = prop(&loaded, "id").as_f64().expect("id") as u32;
    assert_eq!(
        prop(&prop(&loaded, "config"), "model")
            .as_string()
            .as_deref(),
        Some("xlstm")
    );
    let cpu = wasm::session_evaluate(cpu_id, options(), 0)
        .await
        .expect("evaluate");
    let mean = |r: &JsValue| -> Vec<f64> {
        js_sys::Array::from(&prop(&prop(&prop(r, "curves"), "model"), "mean"))
            .iter()
            .map(|v| v.as_f64().expect("number"))
            .collect()
    };
    let (a, b) = (mean(&gpu), mean(&cpu));
    assert_eq!(a.len(), 5);
    for (x, y) in a.iter().zip(&b) {
        assert!(
            (x - y).abs() < 1e-3 * (1.0 + y.abs()),
            "webgpu {a:?} vs cpu {b:?}"
        );
    }
    let cost = wasm::inference_cost(prop(&loaded, "config"), 40.0).expect("cost");
    let floats = js_sys::Array::from(&prop(&cost, "stateFloats"));
    assert_eq!(floats.length(), 40);
    assert_eq!(floats.get(0), floats.get(39), "constant state");
    assert!(wasm::session_dispose(id) && wasm::session_dispose(cpu_id));
}

#[wasm_bindgen_test]
async fn cpu_session_trains() {
    let created = wasm::session_create(tiny("cpu"))
        .await
        .expect("cpu session");
    let id = prop(&created, "id").as_f64().expect("id") as u32;
    // one call of a stream: 3 steps, the last of the stream, so it evaluates
    let trained = wasm::session_train(id, 3.0, 3.0, 0.0, object(&[("prompts", 16.into())]), 0)
        .await
        .expect("train");
    let report = prop(&trained, "report");
    assert_eq!(prop(&report, "device").as_string().as_deref(), Some("cpu"));
    assert_eq!(prop(&report, "step").as_f64(), Some(3.0));
    assert!(
        prop(&report, "deviceInfo").is_object(),
        "first report carries device details"
    );
    let evaluation = prop(&trained, "evaluation");
    assert_eq!(prop(&evaluation, "prompts").as_f64(), Some(16.0));
    assert_eq!(prop(&evaluation, "step").as_f64(), Some(3.0));
    // without evaluation options: a report alone
    let trained = train_call(id, 1.0).await.expect("train");
    assert!(prop(&trained, "evaluation").is_undefined());
    assert!(wasm::session_dispose(id));
    assert!(!wasm::session_dispose(id));
}

#[wasm_bindgen_test]
async fn errors_are_js_errors_with_code_and_field() {
    let check = |err: JsValue, code: &str, field: Option<&str>| {
        assert!(err.is_instance_of::<js_sys::Error>());
        assert_eq!(
            prop(&err, "name").as_string().as_deref(),
            Some("IclabError")
        );
        assert_eq!(prop(&err, "code").as_string().as_deref(), Some(code));
        assert_eq!(prop(&err, "field").as_string().as_deref(), field);
        assert!(
            prop(&err, "message")
                .as_string()
                .is_some_and(|m| !m.is_empty())
        );
    };
    check(
        wasm::session_load(b"garbage", JsValue::UNDEFINED)
            .await
            .expect_err("garbage checkpoint"),
        "invalid_checkpoint",
        Some("checkpoint"),
    );
    let bad_configs: [(&str, JsValue); 9] = [
        ("colour", 1.into()),
        ("dims", (-1).into()),
        ("model", "lstm".into()),
        ("learningRate", f64::NAN.into()),
        ("dims", "5".into()),
        // nullable fields: a number that is not finite is not "unset"
        ("taskPool", f64::NAN.into()),
        ("layers", f64::INFINITY.into()),
        ("seed", f64::NEG_INFINITY.into()),
        // an object that is not plain (JSON would write a Date as a string, a Map as {})
        ("curriculum", js_sys::Date::new_0().into()),
    ];
    for (field, value) in bad_configs {
        let err = wasm::session_create(object(&[(field, value)]))
            .await
            .expect_err(field);
        check(err, "invalid_config", Some(field));
    }
    check(
        wasm::session_create(js_sys::Map::new().into())
            .await
            .expect_err("a Map"),
        "invalid_config",
        Some("config"),
    );
    check(
        wasm::session_create(JsValue::from(3))
            .await
            .expect_err("not an object"),
        "invalid_config",
        Some("config"),
    );
    check(
        train(999_999, 1.0).await.expect_err("no session"),
        "unknown_session",
        None,
    );
    let created = wasm::session_create(tiny("cpu"))
        .await
        .expect("valid config still works");
    let id = prop(&created, "id").as_f64().expect("id") as u32;
    for steps in [0.0, -1.0, 1.5, f64::NAN, f64::INFINITY] {
        check(
            wasm::session_train(id, 1.0, steps, 0.0, JsValue::UNDEFINED, 0)
                .await
                .expect_err("steps"),
            "invalid_config",
            Some("steps"),
        );
    }
    assert!(train(id, 1.0).await.is_ok(), "session usable after errors");
    wasm::session_dispose(id);
}

/// The same continual run on WebGPU and on the CPU: one implementation, so the curves agree
/// (up to float differences between the backends), and every evaluation is one async read-back.
#[wasm_bindgen_test]
async fn continual_run_agrees_on_webgpu_and_cpu() {
    use iclab::continual::run::{ClConfig, ClRun, StrategyKind};
    use iclab::continual::two_d::TwoDConfig;
    let config = |device| ClConfig {
        dataset: iclab::continual::run::DataConfig::TwoD(TwoDConfig {
            classes: 4,
            per_class: 40,
            ..TwoDConfig::default()
        }),
        strategy: StrategyKind::Replay,
        iterations_per_task: 3,
        eval_every: 1,
        device,
        ..ClConfig::default()
    };
    let mut curves = Vec::new();
    for device in [DeviceChoice::Webgpu, DeviceChoice::Cpu] {
        let mut run = ClRun::new(&config(device), None).await.expect("run");
        run.advance(run.total_steps()).await.expect("advance");
        let result = run.result().expect("result");
        assert!(result.done);
        let boundary = run.boundary(8).await.expect("boundary").expect("2-D");
        assert_eq!(boundary.classes.len(), 64);
        curves.push(result.curves);
    }
    let (gpu, cpu) = (&curves[0], &curves[1]);
    assert_eq!(gpu.len(), 2);
    assert_eq!(gpu[0].len(), 7);
    for (g, c) in gpu.iter().flatten().zip(cpu.iter().flatten()) {
        // accuracies on 80 points: a float difference may flip at most a point or two
        assert!((g - c).abs() <= 2.0 / 80.0 + 1e-9, "{gpu:?} vs {cpu:?}");
    }
}

/// The task pool of seed 0 in the browser is the one the CLI trains on: the same numbers as
/// the native test `icl::pool::tests::the_pool_of_seed_0_is_pinned`.
#[wasm_bindgen_test]
fn the_task_pool_is_the_same_as_natively() {
    let golden: [[f32; 3]; 2] = [
        [-0.241_853_04, 0.453_460_28, -0.138_116_7],
        [1.555_906_3, 0.173_627_4, 1.051_203_1],
    ];
    let pool = iclab::icl::TaskPool::new(4, 0);
    for (m, w) in golden.iter().enumerate() {
        let f = pool.function(&iclab::icl::tasks::LinearRegression {}, m, 3);
        let got: Vec<f32> = (0..3)
            .map(|j| {
                let mut e = [0.0f32; 3];
                e[j] = 1.0;
                f(&e)
            })
            .collect();
        assert_eq!(&got, w, "task {m}");
    }
}

/// Resolves after `ms` milliseconds (the worker's event loop runs meanwhile).
async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let global = js_sys::global();
        let set_timeout: js_sys::Function = Reflect::get(&global, &"setTimeout".into())
            .expect("setTimeout")
            .dyn_into()
            .expect("a function");
        set_timeout
            .call2(&global, &resolve, &JsValue::from(ms))
            .expect("scheduled");
    });
    wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .expect("slept");
}

/// A long evaluation gives way to the event loop while it runs and stops with `aborted` when
/// its request is cancelled; the session is free again afterwards. Under the browser's 2 GiB,
/// a layer analysis that would not fit is refused up front, naming the number to lower.
#[wasm_bindgen_test]
async fn long_calls_give_way_and_stop_when_cancelled() {
    use std::cell::RefCell;
    use std::rc::Rc;
    let big = object(&[
        ("device", "cpu".into()),
        ("dims", 64.into()),
        ("points", 256.into()),
        ("batchSize", 1.into()),
        ("layers", 6.into()),
        ("dModel", 128.into()),
        ("heads", 4.into()),
    ]);
    // every layer's stream for 12,288 prompts of 256 points at width 128: 11 GiB
    let created = wasm::session_create(big).await.expect("session");
    let id = prop(&created, "id").as_f64().expect("id") as u32;
    let layers = wasm::session_layers(
        id,
        object(&[("prompts", 4096.into()), ("fitPrompts", 8192.into())]),
        1,
    )
    .await
    .expect_err("too large");
    assert_eq!(
        prop(&layers, "code").as_string().as_deref(),
        Some("too_large")
    );
    assert_eq!(
        prop(&layers, "field").as_string().as_deref(),
        Some("fitPrompts")
    );

    wasm::session_dispose(id);

    // a small model: 20,000 prompts of 41 points take seconds, in chunks of 256
    let small = object(&[
        ("device", "cpu".into()),
        ("dims", 8.into()),
        ("points", 41.into()),
        ("layers", 1.into()),
        ("dModel", 16.into()),
        ("heads", 2.into()),
    ]);
    let created = wasm::session_create(small).await.expect("session");
    let id = prop(&created, "id").as_f64().expect("id") as u32;
    let outcome: Rc<RefCell<Option<Result<JsValue, JsValue>>>> = Rc::new(RefCell::new(None));
    let sink = outcome.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let result = wasm::session_evaluate(id, object(&[("prompts", 20000.into())]), 77).await;
        *sink.borrow_mut() = Some(result);
    });
    sleep(100).await;
    assert!(
        outcome.borrow().is_none(),
        "20,000 prompts take longer than 100 ms"
    );
    assert!(wasm::cancel(77), "the call is running and can be cancelled");
    let mut waited = 0;
    while outcome.borrow().is_none() && waited < 10_000 {
        sleep(20).await;
        waited += 20;
    }
    let err = outcome
        .borrow_mut()
        .take()
        .expect("stopped")
        .expect_err("aborted");
    assert_eq!(prop(&err, "code").as_string().as_deref(), Some("aborted"));
    assert!(!wasm::cancel(77), "a finished call cannot be cancelled");
    assert!(waited < 2000, "stopped {waited} ms after the cancel");
    let fine = wasm::session_evaluate(id, object(&[("prompts", 4.into())]), 78).await;
    assert!(fine.is_ok(), "the session is free again");
    wasm::session_dispose(id);
}
