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
    assert_eq!(
        names,
        ["averaging", "knn", "least_squares", "ridge", "zero"]
    );
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
        "random_quadrants",
        "--baselines",
        "least_squares",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let v: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    assert_eq!(v["step"], 6);
    assert_eq!(v["probe"], "random_quadrants");
    assert_eq!(
        v["curves"]["model"]["mean"].as_array().map(Vec::len),
        Some(5)
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// `args` exit with code 2 and a JSON error on stderr naming `field`.
fn assert_json_error(args: &[&str], field: &str) {
    let (code, _, stderr) = iclab(args);
    assert_eq!(code, 2, "{args:?}");
    let v: serde_json::Value = serde_json::from_str(stderr.trim()).expect("JSON error");
    assert_eq!(v["error"]["field"], field, "{args:?}: {stderr}");
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
            vec!["--json", "icl", "baselines", "--task-pool", "0"],
            "taskPool",
        ),
        (
            vec!["--json", "icl", "baselines", "--baselines", "dmmse"],
            "baselines",
        ),
        (
            vec!["--json", "icl", "baselines", "--eval-tasks", "pool"],
            "tasks",
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
        assert_json_error(&args, field);
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

/// Trains a tiny model of `backbone` for a few steps; returns the checkpoint path.
fn tiny_checkpoint(dir: &std::path::Path, backbone: &str) -> std::path::PathBuf {
    let ckpt = dir.join(format!("{backbone}.safetensors"));
    let (code, _, stderr) = iclab(&[
        "--json",
        "icl",
        "train",
        "--model",
        backbone,
        "--xlstm-ratio",
        "1:1",
        "--device",
        "cpu",
        "--dims",
        "3",
        "--points",
        "6",
        "--layers",
        "2",
        "--d-model",
        "16",
        "--heads",
        "2",
        "--batch-size",
        "8",
        "--steps",
        "4",
        "--every",
        "2",
        "--prompts",
        "16",
        "--out",
        ckpt.to_str().expect("utf8"),
    ]);
    assert_eq!(code, 0, "{backbone}: {stderr}");
    ckpt
}

fn predict(
    ckpt: &std::path::Path,
    input: &serde_json::Value,
    dir: &std::path::Path,
) -> serde_json::Value {
    let (code, stdout, stderr) = run_predict(ckpt, input, dir);
    assert_eq!(code, 0, "{stderr}");
    serde_json::from_str(&stdout).expect("one JSON object")
}

/// Writes `input` to a file and runs `iclab --json predict` on it.
fn run_predict(
    ckpt: &std::path::Path,
    input: &serde_json::Value,
    dir: &std::path::Path,
) -> (i32, String, String) {
    let path = dir.join("prompts.json");
    std::fs::write(&path, input.to_string()).expect("write prompts");
    iclab(&[
        "--json",
        "predict",
        "--checkpoint",
        ckpt.to_str().expect("utf8"),
        "--input",
        path.to_str().expect("utf8"),
    ])
}

/// `iclab predict` runs either backbone's checkpoint on given prompts: one prediction per x
/// position, each reading only the pairs before it (changing the last y changes nothing,
/// changing the first y changes every later prediction).
#[test]
fn predict_runs_any_checkpoint_on_given_prompts() {
    let dir = std::env::temp_dir().join(format!("iclab-predict-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp dir");
    let xs = serde_json::json!([
        [
            [1.0, 0.5, -1.0],
            [0.2, -0.3, 0.9],
            [-1.2, 0.4, 0.1],
            [0.3, 0.3, 0.3]
        ],
        [
            [0.0, 1.0, 0.0],
            [2.0, -1.0, 0.5],
            [0.7, 0.7, -0.7],
            [-0.5, 0.0, 1.5]
        ]
    ]);
    for backbone in ["transformer", "xlstm"] {
        let ckpt = tiny_checkpoint(&dir, backbone);
        let base = predict(
            &ckpt,
            &serde_json::json!({"xs": xs, "ys": [[1, 2, 3, 4], [0, -1, 1, 0]]}),
            &dir,
        );
        assert_eq!(base["model"], backbone);
        let rows = base["predictions"].as_array().expect("rows");
        assert_eq!(rows.len(), 2);
        assert!(rows.iter().all(|r| r.as_array().map(Vec::len) == Some(4)));
        let last = predict(
            &ckpt,
            &serde_json::json!({"xs": xs, "ys": [[1, 2, 3, 99], [0, -1, 1, 0]]}),
            &dir,
        );
        assert_eq!(
            last["predictions"], base["predictions"],
            "{backbone}: y_4 must not leak"
        );
        let first = predict(
            &ckpt,
            &serde_json::json!({"xs": xs, "ys": [[9, 2, 3, 4], [0, -1, 1, 0]]}),
            &dir,
        );
        let (a, b) = (&first["predictions"][0], &base["predictions"][0]);
        assert_eq!(a[0], b[0], "{backbone}: position 1 reads no y");
        assert!(
            (1..4).all(|i| a[i] != b[i]),
            "{backbone}: later positions read y_1"
        );
        // bad prompts name the entry
        for (bad, field) in [
            (
                serde_json::json!({"xs": [[[1, 2]]], "ys": [[1]]}),
                "xs[0][0]",
            ),
            (serde_json::json!({"xs": xs, "ys": [[1, 2, 3]]}), "ys"),
            (
                serde_json::json!({"xs": xs, "ys": [[1, 2, 3, 4], [0, 1, 2]]}),
                "ys[1]",
            ),
            (
                serde_json::json!({"xs": [[[1, 2, 3]]], "ys": [["a"]]}),
                "ys[0][0]",
            ),
            (
                serde_json::json!({"xs": [[[1, 2, 3]]], "ys": [[1]], "zs": 1}),
                "zs",
            ),
        ] {
            let (code, _, stderr) = run_predict(&ckpt, &bad, &dir);
            assert_eq!(code, 2, "{bad}");
            let v: serde_json::Value = serde_json::from_str(stderr.trim()).expect("JSON error");
            assert_eq!(v["error"]["field"], field, "{bad}: {stderr}");
        }
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// `iclab cl run --json`: the whole continual run as one object, reproducible, typed errors.
#[test]
fn cl_run_prints_the_accuracy_matrix_curves_and_metrics() {
    let dir = std::env::temp_dir().join(format!("iclab-cl-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp dir");
    let config = dir.join("cl.json");
    std::fs::write(
        &config,
        r#"{"dataset": {"kind": "two_d", "shape": "blobs", "classes": 4, "perClass": 100}, "iterationsPerTask": 60, "evalEvery": 10, "seed": 2}"#,
    )
    .expect("write");
    // `iclab --json cl run --config <config> <extra…>`
    let cl_run = |extra: &[&str]| {
        let mut args = vec![
            "--json",
            "cl",
            "run",
            "--config",
            config.to_str().expect("utf8"),
        ];
        args.extend_from_slice(extra);
        iclab(&args)
    };
    let run = |strategy: &str, extra: &[&str]| {
        let mut flags = vec!["--strategy", strategy];
        flags.extend_from_slice(extra);
        let (code, stdout, stderr) = cl_run(&flags);
        assert_eq!(code, 0, "{stderr}");
        serde_json::from_str::<serde_json::Value>(&stdout).expect("one JSON object")
    };
    let naive = run("naive", &[]);
    assert_eq!(naive, run("naive", &[]), "seeded: same config, same run");
    assert_eq!(naive["strategy"], "naive");
    assert_eq!(naive["accuracyMatrix"].as_array().map(Vec::len), Some(2));
    assert_eq!(naive["iterations"].as_array().map(Vec::len), Some(13)); // 0, 10, …, 120
    assert_eq!(naive["curves"][0].as_array().map(Vec::len), Some(13));
    assert_eq!(naive["metrics"]["forgettingDefinition"], "max");
    let replay = run("replay", &[]);
    let forgetting = |v: &serde_json::Value| v["metrics"]["forgetting"].as_f64().expect("number");
    assert!(
        forgetting(&replay) < forgetting(&naive),
        "{} vs {}",
        forgetting(&replay),
        forgetting(&naive)
    );
    // the analytic head forgets class 1 on request: task 0 (classes 0, 1) falls to about half
    let v = run("analytic", &["--unlearn", "1"]);
    let task0: Vec<f64> = v["curves"][0]
        .as_array()
        .expect("curve")
        .iter()
        .filter_map(serde_json::Value::as_f64)
        .collect();
    let (before, after) = (task0[task0.len() - 2], task0[task0.len() - 1]);
    assert!(
        before > 0.9 && (after - before / 2.0).abs() < 0.05,
        "{before} → {after}"
    );
    // its matrix's last row is the learner after unlearning, and the result says so
    assert_eq!(v["unlearned"], serde_json::json!([1]));
    let last = &v["accuracyMatrix"][1];
    assert_eq!(last[0].as_f64(), Some(after));
    let error = |json: &str, extra: &[&str]| {
        std::fs::write(&config, json).expect("write");
        let (code, _, stderr) = cl_run(extra);
        assert_eq!(code, 2, "{stderr}");
        let v: serde_json::Value = serde_json::from_str(stderr.trim()).expect("JSON error");
        v["error"]["field"].as_str().map(str::to_owned)
    };
    let xor = r#"{"dataset": {"kind": "two_d", "shape": "xor", "classes": 3}}"#;
    assert_eq!(error(xor, &[]).as_deref(), Some("dataset.classes"));
    let fine = r#"{"iterationsPerTask": 5}"#;
    assert_eq!(
        error(fine, &["--unlearn", "0"]).as_deref(),
        Some("strategy")
    );
    let digits = r#"{"dataset": {"kind": "digits"}}"#;
    assert_eq!(
        error(digits, &["--digits", "/nonexistent/digits.bin"]).as_deref(),
        Some("--digits")
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn task_parameters_come_from_the_flags_and_the_catalog_lists_them() {
    // `--task-param` sets a class parameter; the evaluation's normalizer shows it (÷ s).
    let args = [
        "--json",
        "icl",
        "baselines",
        "--dims",
        "6",
        "--points",
        "4",
        "--prompts",
        "16",
    ];
    let (code, stdout, stderr) = iclab(
        &[
            &args[..],
            &["--task", "sparse_linear", "--task-param", "sparsity=2"],
        ]
        .concat(),
    );
    assert_eq!(code, 0, "{stderr}");
    let v: serde_json::Value = serde_json::from_str(&stdout).expect("one JSON object");
    assert_eq!(v["normalizer"], 2.0);
    // The same as a JSON object.
    let (code, stdout, stderr) = iclab(
        &[
            &args[..],
            &["--task", r#"{"kind": "sparse_linear", "sparsity": 4}"#],
        ]
        .concat(),
    );
    assert_eq!(code, 0, "{stderr}");
    let v: serde_json::Value = serde_json::from_str(&stdout).expect("one JSON object");
    assert_eq!(v["normalizer"], 4.0);
    // A parameter out of bounds, or one the class does not have, is an error naming it.
    let (code, _, stderr) = iclab(
        &[
            &args[..],
            &["--task", "sparse_linear", "--task-param", "sparsity=9"],
        ]
        .concat(),
    );
    assert_ne!(code, 0);
    assert!(stderr.contains("task.sparsity"), "{stderr}");
    let (code, _, stderr) = iclab(
        &[
            &args[..],
            &["--task", "linear", "--task-param", "sparsity=2"],
        ]
        .concat(),
    );
    assert_ne!(code, 0);
    assert!(stderr.contains("sparsity"), "{stderr}");
    // Every class the config accepts is in the catalog, with its parameters' bounds.
    let (code, stdout, stderr) = iclab(&["--json", "catalog"]);
    assert_eq!(code, 0, "{stderr}");
    let v: serde_json::Value = serde_json::from_str(&stdout).expect("one JSON object");
    let tasks = v["icl"]["tasks"].as_array().expect("tasks");
    let sparse = tasks
        .iter()
        .find(|t| t["kind"] == "sparse_linear")
        .expect("sparse_linear");
    assert_eq!(sparse["fields"]["sparsity"]["default"], 3);
    assert_eq!(sparse["fields"]["sparsity"]["maxOf"], "dims");
    assert_eq!(tasks.len(), iclab::icl::TaskKind::ALL.len());
}

/// Task diversity from the command line: a pool of M tasks for the baselines (and training), the
/// pool's tasks or fresh ones, dMMSE next to ridge with λ = σ².
#[test]
fn task_pool_baselines_on_pool_and_fresh_tasks() {
    let run = |tasks: &str| {
        let (code, stdout, stderr) = iclab(&[
            "--json",
            "icl",
            "baselines",
            "--task",
            "noisy_linear",
            "--task-param",
            "noiseStd=0.5",
            "--dims",
            "3",
            "--points",
            "8",
            "--prompts",
            "200",
            "--task-pool",
            "8",
            "--eval-tasks",
            tasks,
            "--baselines",
            "dmmse,bayes_ridge",
        ]);
        assert_eq!(code, 0, "{stderr}");
        let v: serde_json::Value = serde_json::from_str(&stdout).expect("one JSON object");
        assert_eq!(v["tasks"], tasks);
        let at = |m: &str| v["curves"][m]["mean"][7].as_f64().expect("number");
        (at("dmmse"), at("bayes_ridge"))
    };
    let (pool_dmmse, pool_ridge) = run("pool");
    let (fresh_dmmse, fresh_ridge) = run("fresh");
    assert!(
        pool_dmmse < pool_ridge,
        "on its own tasks dMMSE wins: {pool_dmmse} vs {pool_ridge}"
    );
    assert!(
        fresh_dmmse > fresh_ridge,
        "on fresh tasks ridge wins: {fresh_dmmse} vs {fresh_ridge}"
    );
}

/// `iclab icl layers` on a checkpoint: one layer report per stream (read-in + blocks), the
/// solver grids as asked, and a bad flag named as the flag.
#[test]
fn layers_reads_a_checkpoint_and_names_bad_flags() {
    let dir = std::env::temp_dir().join(format!("iclab-layers-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let ckpt = tiny_checkpoint(&dir, "transformer");
    let path = ckpt.to_str().expect("utf-8 path");
    let (code, stdout, stderr) = iclab(&[
        "--json",
        "icl",
        "layers",
        "--checkpoint",
        path,
        "--prompts",
        "32",
        "--fit-prompts",
        "64",
        "--newton-max",
        "4",
        "--gd-max",
        "8",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let v: serde_json::Value = serde_json::from_str(&stdout).expect("one JSON object");
    let layers = v["layers"].as_array().expect("layers");
    assert!(layers.len() >= 2, "{v}");
    assert_eq!(v["newtonSteps"].as_array().map(Vec::len), Some(5));
    assert_eq!(v["gdSteps"], serde_json::json!([1, 2, 3, 4, 6, 8]));
    assert_eq!(v["prompts"], 32);
    let (code, _, stderr) = iclab(&[
        "--json",
        "icl",
        "layers",
        "--checkpoint",
        path,
        "--gd-max",
        "0",
    ]);
    assert_eq!(code, 2);
    let err: serde_json::Value = serde_json::from_str(stderr.trim()).expect("JSON error");
    assert_eq!(err["error"]["field"], "--gd-max", "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

/// Output piped into a reader that stops early (`iclab … | head -1`) ends the program quietly,
/// without a panic.
#[test]
fn a_closed_stdout_is_not_a_panic() {
    use std::io::Read;
    let mut child = Command::new(env!("CARGO_BIN_EXE_iclab"))
        .args(["catalog"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("runs");
    drop(child.stdout.take()); // the reader is gone before the first line
    let status = child.wait().expect("exits");
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut stderr)
        .expect("stderr");
    assert!(status.success(), "{status:?}: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// `iclab classify train` prints an evaluation per `--every` steps and the run with its
/// emergence step; `classify sweep --out` writes every grid point's run; bad flags are JSON
/// errors naming the flag.
#[test]
fn classify_trains_sweeps_and_names_bad_flags() {
    let small = [
        "--steps",
        "20",
        "--every",
        "10",
        "--prompts",
        "16",
        "--batch-size",
        "16",
    ];
    let mut args = vec!["--json", "classify", "train", "--classes", "64"];
    args.extend(small);
    let (code, stdout, stderr) = iclab(&args);
    assert_eq!(code, 0, "{stderr}");
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    assert_eq!(lines.len(), 3, "two evaluations and the run: {stdout}");
    assert_eq!(lines[1]["step"], 20);
    assert!(
        lines[0]["inContext"]
            .as_f64()
            .is_some_and(|a| (0.0..=1.0).contains(&a))
    );
    let run = &lines[2]["run"];
    assert_eq!(run["classes"], 64);
    assert_eq!(run["curve"].as_array().map(Vec::len), Some(2));
    assert!(run["winner"].is_string() && run.get("emergenceStep").is_some());

    let out = std::env::temp_dir().join(format!("iclab-phase-{}.json", std::process::id()));
    let mut args = vec!["--json", "classify", "sweep", "--sweep-burstiness", "1,2"];
    args.extend([
        "--sweep-classes",
        "16,32",
        "--out",
        out.to_str().expect("utf8"),
    ]);
    args.extend(small);
    let (code, stdout, stderr) = iclab(&args);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stdout.lines().count(),
        5,
        "a line per run, then the findings"
    );
    let last: serde_json::Value =
        serde_json::from_str(stdout.lines().last().expect("findings")).expect("JSON");
    assert_eq!(last["phase"]["cells"].as_array().map(Vec::len), Some(4));
    assert!(
        last["phase"]["statements"][0]
            .as_str()
            .is_some_and(|s| s.starts_with("ε = 0.1, after 20 steps (1 seed)"))
    );
    let written = std::fs::read_to_string(&out).expect("written");
    let sweep: serde_json::Value = serde_json::from_str(&written).expect("JSON");
    assert_eq!(
        sweep["phase"], last["phase"],
        "the file carries the findings it printed"
    );
    assert_eq!(sweep["transience"].as_array().map(Vec::len), Some(4));
    // the same command again resumes a finished sweep: nothing trains, the findings stay
    let (code, stdout, stderr) = iclab(&args);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout.lines().count(), 1, "only the findings: {stdout}");
    assert!(stderr.contains("skipped"), "{stderr}");
    let again: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).expect("kept")).expect("JSON");
    assert_eq!(again["runs"], sweep["runs"]);
    // a sweep of other settings in that file is an error naming --out
    let mut other = args.clone();
    other.extend(["--hidden", "16"]);
    assert_json_error(&other, "--out");
    assert!(
        sweep["command"]
            .as_str()
            .is_some_and(|c| c.contains("classify sweep"))
    );
    let runs = sweep["runs"].as_array().expect("runs");
    let grid: Vec<(u64, u64)> = runs
        .iter()
        .map(|r| {
            (
                r["burstiness"].as_u64().unwrap_or(0),
                r["classes"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(grid, vec![(1, 16), (1, 32), (2, 16), (2, 32)]);
    std::fs::remove_file(out).ok();

    for (args, field) in [
        (
            vec!["--json", "classify", "train", "--burstiness", "0"],
            "--burstiness",
        ),
        (vec!["--json", "classify", "train", "--heads", "3"], "heads"),
        (
            vec!["--json", "classify", "train", "--every", "0"],
            "--every",
        ),
        (
            vec!["--json", "classify", "sweep", "--sweep-burstiness", "3"],
            "--sweep-burstiness",
        ),
        (
            vec!["--json", "classify", "sweep", "--sweep-classes", "20"],
            "--sweep-classes",
        ),
        (
            vec!["--json", "classify", "sweep", "--sweep-noise", "x"],
            "--sweep-noise",
        ),
    ] {
        assert_json_error(&args, field);
    }
}

/// `iclab icl sweep --out DIR` keeps every run's position between dMMSE and ridge and the core's
/// findings in `DIR/sweep.json`; a later command of the same settings with more steps joins the
/// file (its checkpoints named by their steps) and adds the longer-training finding; the same
/// command again trains nothing; another sweep's settings there are an error naming `--out`.
#[test]
fn icl_sweep_records_positions_findings_and_longer_runs() {
    let dir = std::env::temp_dir().join(format!("iclab-diversity-{}", std::process::id()));
    std::fs::remove_dir_all(&dir).ok();
    let out = dir.to_str().expect("utf8").to_owned();
    let sweep = |steps: &'static str, pools: &'static str| -> Vec<String> {
        [
            "--json",
            "icl",
            "sweep",
            "--task",
            "noisy_linear",
            "--dims",
            "3",
            "--points",
            "5",
            "--tokens",
            "paired",
            "--layers",
            "1",
            "--d-model",
            "16",
            "--heads",
            "2",
            "--batch-size",
            "16",
            "--prompts",
            "32",
            "--device",
            "cpu",
            "--seeds",
            "0,1",
            "--every",
            "10",
            "--pools",
            pools,
            "--steps",
            steps,
            "--decay-steps",
            steps,
        ]
        .iter()
        .map(|s| s.to_string())
        .chain(["--out".to_owned(), out.clone()])
        .collect()
    };
    let run = |args: &[String]| {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        iclab(&args)
    };
    let (code, stdout, stderr) = run(&sweep("10", "2,8,inf"));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stdout.lines().count(),
        7,
        "six runs, then the findings: {stdout}"
    );
    let read = || -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(dir.join("sweep.json")).expect("sweep.json"))
            .expect("JSON")
    };
    let first = read();
    let runs = first["runs"].as_array().expect("runs");
    assert_eq!(runs.len(), 6);
    for r in runs.iter().filter(|r| !r["taskPool"].is_null()) {
        let p = &r["fresh"]["position"];
        assert!(
            p["fraction"].is_f64() && p["span"].as_f64().is_some_and(|s| s > 0.0),
            "{r}"
        );
    }
    assert!(
        runs.iter()
            .filter(|r| r["taskPool"].is_null())
            .all(|r| r["fresh"]["position"].is_null())
    );
    assert_eq!(first["findings"]["cells"].as_array().map(Vec::len), Some(2));
    assert_eq!(
        first["findings"]["crossovers"].as_array().map(Vec::len),
        Some(1)
    );
    assert!(dir.join("pool-8-seed-1.safetensors").exists());
    // longer runs of M = 8 join the sweep
    let (code, _, stderr) = run(&sweep("20", "8"));
    assert_eq!(code, 0, "{stderr}");
    let joined = read();
    assert_eq!(joined["runs"].as_array().map(Vec::len), Some(8));
    assert_eq!(joined["commands"].as_array().map(Vec::len), Some(2));
    let longer = &joined["findings"]["longer"];
    assert_eq!(longer.as_array().map(Vec::len), Some(1), "{longer}");
    assert_eq!(
        (
            longer[0]["taskPool"].as_u64(),
            longer[0]["longerSteps"].as_u64()
        ),
        (Some(8), Some(20))
    );
    assert!(dir.join("pool-8-seed-0-steps-20.safetensors").exists());
    assert!(
        dir.join("pool-8-seed-0.safetensors").exists(),
        "the sweep's own model stays"
    );
    // again: nothing to train
    let (code, stdout, stderr) = run(&sweep("20", "8"));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert_eq!(read()["runs"], joined["runs"]);
    // other settings in the same directory
    let mut other = sweep("10", "2");
    other.extend(["--lr".to_owned(), "0.01".to_owned()]);
    let args: Vec<&str> = other.iter().map(String::as_str).collect();
    assert_json_error(&args, "--out");
    std::fs::remove_dir_all(&dir).ok();
}

/// A run that probes for a GPU (device `auto`) on a machine without a desktop session prints
/// nothing to stderr: no spurious "error" lines from the graphics stack.
#[test]
fn probing_for_a_gpu_prints_no_error_lines() {
    // `icl train` writes its checkpoint and log where it runs
    let dir = std::env::temp_dir().join(format!("iclab-quiet-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let out = Command::new(env!("CARGO_BIN_EXE_iclab"))
        .current_dir(&dir)
        .args([
            "--json", "icl", "train", "--steps", "1", "--dims", "2", "--points", "3",
        ])
        .env_remove("XDG_RUNTIME_DIR")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .expect("runs");
    std::fs::remove_dir_all(&dir).ok();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(!stderr.contains("error"), "stderr: {stderr}");
}

/// `--set key=value` reaches any config key by its JSON name, nested ones too, after the flags;
/// the core names a bad key or value; `--learning-rate` is the flag (`--lr` its alias).
#[test]
fn set_reaches_any_config_key_and_the_core_checks_it() {
    let dir = std::env::temp_dir().join(format!("iclab-set-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let out = dir.join("m.safetensors");
    let out = out.to_str().expect("utf-8 path");
    let (code, stdout, stderr) = iclab(&[
        "--json",
        "icl",
        "train",
        "--steps",
        "1",
        "--dims",
        "5",
        "--learning-rate",
        "0.01",
        "--grad-clip",
        "0.5",
        "--set",
        "dims=3",
        "--set",
        "points=4",
        "--set",
        "task.kind=sparse_linear",
        "--set",
        "task.sparsity=2",
        "--out",
        out,
    ]);
    assert_eq!(code, 0, "{stderr}");
    let first = stdout.lines().next().expect("a report");
    let v: serde_json::Value = serde_json::from_str(first).expect("JSON");
    assert_eq!(v["report"]["activeDims"], 3, "{first}");
    assert_eq!(v["report"]["points"], 4, "{first}");
    std::fs::remove_dir_all(&dir).ok();
    for (sets, field) in [
        (&["gradClip=-1"][..], "gradClip"),
        (&["colour=1"], "colour"),
        (
            &["task.kind=sparse_linear", "task.sparsity=9"],
            "task.sparsity",
        ),
        (&["oops"], "--set"),
    ] {
        let mut args = vec!["icl", "train", "--steps", "1"];
        for set in sets {
            args.extend(["--set", set]);
        }
        let (code, _, stderr) = iclab(&args);
        assert_ne!(code, 0, "{sets:?}");
        assert!(stderr.contains(&format!("`{field}`")), "{sets:?}: {stderr}");
    }
    let (code, _, stderr) = iclab(&["cl", "run", "--set", "bufferSize=-3"]);
    assert_ne!(code, 0);
    assert!(stderr.contains("`bufferSize`"), "{stderr}");
}

/// `iclab cl federated`: one JSON object whose merged learner equals the joint one; a learner
/// that does not merge is named.
#[test]
fn cl_federated_merges_clients_and_names_what_cannot_merge() {
    let (code, stdout, stderr) = iclab(&[
        "--json",
        "cl",
        "federated",
        "--set",
        "learner=slda",
        "--set",
        "clients=2",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let r: serde_json::Value = serde_json::from_str(&stdout).expect("one JSON object");
    assert_eq!(r["clients"].as_array().map(Vec::len), Some(2));
    assert_eq!(r["merged"], r["joint"]);
    assert!(r["mergeError"].as_f64().expect("number") < 1e-6);
    assert_eq!(r["numbersShared"], 4, "SLDA's 2×2 covariance");
    assert_eq!(r["fedavg"]["rounds"], 5);
    let (code, _, stderr) = iclab(&["cl", "federated", "--set", "learner=ewc"]);
    assert_ne!(code, 0);
    assert!(stderr.contains("`learner`"), "{stderr}");
    let finding = &r["versusFedavg"];
    assert!(
        ["merged", "fedavg", "undecided"].contains(&finding["winner"].as_str().unwrap_or("")),
        "{finding}"
    );
    assert!(finding["evidence"]["noise"].as_f64().expect("noise") > 0.0);

    // one client at a time, as pages are: shares written, merged, refused by name
    let dir = std::env::temp_dir().join(format!("iclab-classroom-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    let share = |i: u32| {
        dir.join(format!("client{i}.json"))
            .to_str()
            .expect("a UTF-8 scratch path")
            .to_owned()
    };
    for i in [1, 2] {
        let (code, _, stderr) = iclab(&[
            "cl",
            "federated",
            "--client",
            &i.to_string(),
            "--share-out",
            &share(i),
        ]);
        assert_eq!(code, 0, "{stderr}");
    }
    let (code, stdout, stderr) = iclab(&[
        "--json",
        "cl",
        "federated",
        "--client",
        "0",
        "--merge",
        &share(1),
        &share(2),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let state: serde_json::Value = serde_json::from_str(&stdout).expect("one JSON object");
    let whole: serde_json::Value = {
        let (code, stdout, stderr) = iclab(&["--json", "cl", "federated", "--set", "rounds=0"]);
        assert_eq!(code, 0, "{stderr}");
        serde_json::from_str(&stdout).expect("one JSON object")
    };
    assert_eq!(state["known"].as_array().map(Vec::len), Some(6));
    assert_eq!(
        state["now"], whole["merged"],
        "three pages merged = the whole run's merge"
    );
    assert_eq!(state["alone"], whole["clients"][0]["scores"]);
    // a share of another learner is refused by name, and says which file
    let (code, _, stderr) = iclab(&[
        "cl",
        "federated",
        "--client",
        "0",
        "--set",
        "learner=slda",
        "--merge",
        &share(1),
    ]);
    assert_ne!(code, 0);
    assert!(
        stderr.contains("`share.learner`") && stderr.contains("client1.json"),
        "{stderr}"
    );
    let (code, _, stderr) = iclab(&["cl", "federated", "--client", "3"]);
    assert_ne!(code, 0);
    assert!(stderr.contains("`client`"), "{stderr}");
    std::fs::remove_dir_all(&dir).ok();
}

/// Your own data (issue 37): a CSV file as the dataset of a run and of a classroom client; a
/// share states the table by its fingerprint, never its rows; a bad cell is an error naming
/// `--data`, the row and the column.
#[test]
fn cl_runs_on_a_csv_file_and_names_a_bad_cell() {
    let dir = std::env::temp_dir().join(format!("iclab-table-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    let path = |name: &str| dir.join(name).to_str().expect("a UTF-8 path").to_owned();
    let mut csv = String::from("a,b,kind\n");
    for i in 0..160 {
        let k = i % 4;
        let jitter = f64::from(i % 7) * 0.05;
        csv.push_str(&format!(
            "{},{},{}\n",
            f64::from(k) * 3.0 + jitter,
            -f64::from(k) * 2.0 + jitter,
            ["cat", "dog", "emu", "fox"][k as usize]
        ));
    }
    std::fs::write(path("mine.csv"), &csv).expect("write");
    let (code, stdout, stderr) = iclab(&[
        "--json",
        "cl",
        "run",
        "--data",
        &path("mine.csv"),
        "--strategy",
        "ncm",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let r: serde_json::Value = serde_json::from_str(&stdout).expect("one JSON object");
    // 4 classes, 2 per task: {cat, dog} then {emu, fox}; NCM on well-separated clusters
    assert_eq!(r["tasks"].as_array().map(Vec::len), Some(2));
    assert!(
        r["metrics"]["averageAccuracy"].as_f64().expect("ACC") > 0.95,
        "{}",
        r["metrics"]
    );
    // a classroom client's share carries the table's fingerprint, not its rows
    let (code, _, stderr) = iclab(&[
        "cl",
        "federated",
        "--data",
        &path("mine.csv"),
        "--set",
        "clients=2",
        "--client",
        "1",
        "--share-out",
        &path("share.json"),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let share = std::fs::read_to_string(path("share.json")).expect("a share");
    assert!(
        share.contains("fnv1a:") && !share.contains("emu") && !share.contains("a,b,kind"),
        "{share}"
    );
    // a bad cell: named by file, row and column; nothing runs
    std::fs::write(path("bad.csv"), "a,b,y\n1,2,p\n1,zz,q\n3,4,p\n5,6,q\n").expect("write");
    let (code, _, stderr) = iclab(&["cl", "run", "--data", &path("bad.csv")]);
    assert_ne!(code, 0);
    assert!(
        stderr.contains("`--data`") && stderr.contains("row 3, column 2 (b)"),
        "{stderr}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// `cl run --save-learner` writes the learner as trained; `cl run --learner` loads it and prints
/// what its run reported (and unlearns from it); another kind of file is named as the flag's.
#[test]
fn cl_saves_a_learner_and_loads_it_back() {
    let dir = std::env::temp_dir().join(format!("iclab-learner-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    let file = dir.join("analytic.safetensors");
    let file = file.to_str().expect("utf8");
    let (code, trained, stderr) = iclab(&[
        "--json",
        "cl",
        "run",
        "--strategy",
        "analytic",
        "--save-learner",
        file,
    ]);
    assert_eq!(code, 0, "{stderr}");
    let (code, loaded, stderr) = iclab(&["--json", "cl", "run", "--learner", file]);
    assert_eq!(code, 0, "{stderr}");
    let (a, b): (serde_json::Value, serde_json::Value) = (
        serde_json::from_str(&trained).expect("json"),
        serde_json::from_str(&loaded).expect("json"),
    );
    assert_eq!(a["accuracyMatrix"], b["accuracyMatrix"]);
    assert_eq!(a["metrics"], b["metrics"]);
    assert_eq!(b["loaded"], serde_json::json!(true));
    let (code, _, stderr) = iclab(&["cl", "run", "--learner", file, "--unlearn", "1"]);
    assert_eq!(code, 0, "{stderr}");
    let checkpoint = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../www/public/checkpoints/linear_1d.safetensors"
    );
    let (code, _, stderr) = iclab(&["cl", "run", "--learner", checkpoint]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("`--learner`") && stderr.contains("iclab/continual-learner/1"),
        "{stderr}"
    );
    let (code, _, stderr) = iclab(&["cl", "run", "--learner", file, "--strategy", "naive"]);
    assert_ne!(code, 0, "a loaded learner's config is its own: {stderr}");
    std::fs::remove_dir_all(&dir).ok();
}

/// `classify train --out` writes the classifier; `classify eval --checkpoint` reads it back and
/// scores it as the run's last evaluation did (the evaluation sequences are seeded).
#[test]
fn classify_saves_a_classifier_and_evaluates_it_again() {
    let dir = std::env::temp_dir().join(format!("iclab-classifier-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    let file = dir.join("classifier.safetensors");
    let file = file.to_str().expect("utf8");
    let (code, out, stderr) = iclab(&[
        "--json",
        "classify",
        "train",
        "--steps",
        "20",
        "--every",
        "20",
        "--prompts",
        "64",
        "--out",
        file,
    ]);
    assert_eq!(code, 0, "{stderr}");
    let last: serde_json::Value = out
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|v| v.get("inContext").is_some())
        .expect("an evaluation line");
    let (code, out, stderr) = iclab(&[
        "--json",
        "classify",
        "eval",
        "--checkpoint",
        file,
        "--prompts",
        "64",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let e: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(e["step"], serde_json::json!(20));
    assert_eq!(e["inContext"], last["inContext"]);
    assert_eq!(e["inWeights"], last["inWeights"]);
    std::fs::remove_dir_all(&dir).ok();
}

/// `markov train` prints an evaluation per report and the stages as first decided; `markov
/// sweep --out` writes one record per run; a bad list names its flag.
#[test]
fn markov_trains_and_sweeps() {
    let (code, out, stderr) = iclab(&[
        "--json", "markov", "train", "--steps", "20", "--every", "10", "--device", "cpu",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    assert_eq!(
        lines.len(),
        4,
        "the evaluations before training, at 10 and 20, then the stages"
    );
    assert_eq!(lines[0]["stage"]["stage"], serde_json::json!("uniform"));
    assert!(lines[3]["stages"].is_array());
    let dir = std::env::temp_dir().join(format!("iclab-markov-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    let file = dir.join("sweep.json");
    let file = file.to_str().expect("utf8");
    let (code, _, stderr) = iclab(&[
        "markov", "sweep", "--steps", "10", "--every", "10", "--seeds", "0,1", "--out", file,
    ]);
    assert_eq!(code, 0, "{stderr}");
    let sweep: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(file).expect("written")).expect("json");
    assert_eq!(sweep["runs"].as_array().map(Vec::len), Some(2));
    let (code, _, stderr) = iclab(&["markov", "sweep", "--seeds", "0,x"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--seeds"), "{stderr}");
    std::fs::remove_dir_all(&dir).ok();
}

/// `bench` reports the CPU threads its run had: one for a narrow model, every core for one at
/// least 256 wide (src/bin/iclab/threads.rs), `--threads` when given.
#[test]
fn bench_gives_wide_models_every_core() {
    let cores = std::thread::available_parallelism().map_or(1, usize::from) as u64;
    let small = [
        "--dims",
        "2",
        "--points",
        "3",
        "--batch-size",
        "4",
        "--steps",
        "1",
    ];
    let wide = ["--layers", "1", "--d-model", "256", "--heads", "8"];
    for (extra, threads) in [
        (&[][..], 1),
        (&wide[..], cores),
        (&["--threads", "3"][..], 3),
        (
            &[
                "--threads",
                "1",
                "--layers",
                "1",
                "--d-model",
                "256",
                "--heads",
                "8",
            ][..],
            1,
        ),
    ] {
        let mut args = vec!["--json", "bench", "--device", "cpu"];
        args.extend_from_slice(&small);
        args.extend_from_slice(extra);
        let (code, stdout, stderr) = iclab(&args);
        assert_eq!(code, 0, "{extra:?}: {stderr}");
        let v: serde_json::Value = serde_json::from_str(stdout.trim()).expect("json");
        assert_eq!(v["bench"]["threads"], threads, "{extra:?}");
    }
    let (code, _, stderr) = iclab(&["bench", "--threads", "0"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("--threads"), "{stderr}");
}
