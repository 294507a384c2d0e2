//! The native CLI end to end: JSON shapes, files written, errors and exit codes.
#![cfg(not(target_family = "wasm"))]

use std::process::Command;

fn iclab(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_iclab"))
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn baselines_json_keys_each_curve_by_method() {
    let (code, stdout, stderr) = iclab(&[
        "--json",
        "icl",
        "baselines",
        "--task",
        "linear",
        "--dims",
        "4",
        "--points",
        "9",
        "--prompts",
        "400",
        "--seed",
        "1",
        "--baselines",
        "least_squares,ridge,knn,averaging",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let v: serde_json::Value = serde_json::from_str(&stdout).expect("one JSON object");
    let curves = v["curves"].as_object().expect("curves");
    let mut names: Vec<&str> = curves.keys().map(String::as_str).collect();
    names.sort_unstable();
    assert_eq!(names, ["averaging", "knn", "least_squares", "ridge"]);
    let ls = curves["least_squares"]["mean"].as_array().expect("mean");
    assert_eq!(ls.len(), 9);
    assert!(
        ls[4..].iter().all(|e| e.as_f64().is_some_and(|e| e < 1e-6)),
        "{ls:?}"
    );
    for key in ["lower", "upper"] {
        assert_eq!(curves["ridge"][key].as_array().map(Vec::len), Some(9));
    }
}

#[test]
fn train_writes_a_checkpoint_and_log_that_eval_reads() {
    let dir = std::env::temp_dir().join(format!("iclab-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp dir");
    let ckpt = dir.join("m.safetensors");
    let log = dir.join("m.json");
    let (code, _, stderr) = iclab(&[
        "--json",
        "icl",
        "train",
        "--device",
        "cpu",
        "--dims",
        "2",
        "--points",
        "5",
        "--layers",
        "1",
        "--d-model",
        "16",
        "--heads",
        "2",
        "--batch-size",
        "8",
        "--steps",
        "6",
        "--every",
        "3",
        "--prompts",
        "32",
        "--out",
        ckpt.to_str().expect("utf8"),
        "--log",
        log.to_str().expect("utf8"),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let record: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&log).expect("log")).expect("json");
    assert_eq!(record["steps"], 6);
    assert_eq!(record["reports"].as_array().map(Vec::len), Some(2));
    assert!(record["evaluation"]["curves"]["model"].is_object());
    let (code, stdout, stderr) = iclab(&[
        "--json",
        "icl",
        "eval",
        "--checkpoint",
        ckpt.to_str().expect("utf8"),
        "--device",
        "cpu",
        "--prompts",
        "32",
        "--probe",
        "orthant",
        "--baselines",
        "least_squares",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let v: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    assert_eq!(v["step"], 6);
    assert_eq!(v["probe"], "orthant");
    assert_eq!(
        v["curves"]["model"]["mean"].as_array().map(Vec::len),
        Some(5)
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn bad_input_is_a_json_error_naming_the_field() {
    for (args, field) in [
        (vec!["--json", "icl", "baselines", "--dims", "0"], "dims"),
        (
            vec!["--json", "icl", "baselines", "--baselines", "magic"],
            "--baselines",
        ),
        (
            vec!["--json", "icl", "baselines", "--prompts", "0"],
            "prompts",
        ),
        (
            vec![
                "--json",
                "icl",
                "eval",
                "--checkpoint",
                "/nonexistent.safetensors",
            ],
            "--checkpoint",
        ),
    ] {
        let (code, _, stderr) = iclab(&args);
        assert_eq!(code, 2, "{args:?}");
        let v: serde_json::Value = serde_json::from_str(stderr.trim()).expect("JSON error");
        assert_eq!(v["error"]["field"], field, "{args:?}: {stderr}");
    }
    let garbage =
        std::env::temp_dir().join(format!("iclab-garbage-{}.safetensors", std::process::id()));
    std::fs::write(&garbage, b"not a checkpoint at all").expect("write");
    let (code, _, stderr) = iclab(&[
        "--json",
        "icl",
        "eval",
        "--checkpoint",
        garbage.to_str().expect("utf8"),
    ]);
    assert_eq!(code, 2);
    assert!(stderr.contains("invalid_checkpoint"), "{stderr}");
    std::fs::remove_file(garbage).ok();
}
