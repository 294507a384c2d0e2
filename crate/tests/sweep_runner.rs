//! `iclab sweep run|merge|status|slurm`: one runner for every experiment's sweeps — parallel
//! runs give the numbers sequential ones do, an interrupted sweep resumes, shards add up to the
//! whole, the merge refuses a missing run and writes the experiment's own sweep format, and the
//! Slurm array script runs each shard (tests/cluster/slurm.sh submits it to a real Slurm).
#![cfg(not(target_family = "wasm"))]

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

fn iclab(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_iclab"))
        .args(args)
        .output()
        .expect("the iclab binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("iclab-sweep-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch folder");
    dir
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf8 path")
}

fn read(p: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(p).expect("written")).expect("json")
}

fn write_spec(dir: &Path, spec: &Value) -> PathBuf {
    let path = dir.join("spec.json");
    std::fs::write(&path, spec.to_string()).expect("spec written");
    path
}

/// What a run computed, without its wall time.
fn results(sweep: &Value) -> Vec<Value> {
    sweep["runs"]
        .as_array()
        .expect("runs")
        .iter()
        .map(|r| {
            let mut r = r.clone();
            if let Some(m) = r.as_object_mut() {
                m.remove("wallSeconds");
            }
            r
        })
        .collect()
}

#[test]
fn parallel_resumable_sharded_and_merged() {
    let dir = scratch("markov");
    let spec = write_spec(
        &dir,
        &json!({
            "experiment": "markov",
            "base": {"evalSequences": 32},
            "axes": [{"key": "task.states", "values": [2, 3]}],
            "seeds": [0, 1],
            "schedule": {"steps": 20, "every": 10}
        }),
    );
    let (two, one) = (dir.join("two"), dir.join("one"));
    let (code, _, err) = iclab(&["sweep", "run", s(&spec), "--dir", s(&two), "--jobs", "2"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("4 runs to go, 0 already recorded"), "{err}");
    // again: nothing left to run
    let (code, _, err) = iclab(&["sweep", "run", s(&spec), "--dir", s(&two)]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("0 runs to go, 4 already recorded"), "{err}");
    // the same runs one at a time, as two shards
    for shard in ["0/2", "1/2"] {
        let (code, _, err) = iclab(&[
            "sweep",
            "run",
            s(&spec),
            "--dir",
            s(&one),
            "--jobs",
            "1",
            "--shard",
            shard,
        ]);
        assert_eq!(code, 0, "{err}");
        assert!(err.contains("2 runs to go"), "{shard}: {err}");
    }
    let (a, b) = (dir.join("a.json"), dir.join("b.json"));
    for (runs, out) in [(&two, &a), (&one, &b)] {
        let (code, _, err) = iclab(&[
            "sweep",
            "merge",
            s(&spec),
            "--dir",
            s(runs),
            "--out",
            s(out),
        ]);
        assert_eq!(code, 0, "{err}");
    }
    let (a, b) = (read(&a), read(&b));
    assert_eq!(results(&a).len(), 4);
    assert_eq!(
        results(&a),
        results(&b),
        "threads and shards change no number"
    );
    assert_eq!(a["runs"][1]["config"]["task"]["states"], json!(3));
    assert_eq!(a["runs"][2]["config"]["seed"], json!(1));
    assert!(a["runs"][0]["stages"].is_array());
    assert_eq!(a["runner"]["machines"].as_array().map(Vec::len), Some(1));
    assert!(
        a["runner"]["runs"][3]["wallSeconds"]
            .as_f64()
            .is_some_and(|w| w > 0.0)
    );

    // a run lost: status names it, merge refuses, the run comes back
    std::fs::remove_file(two.join("runs").join("00002.json")).expect("a record");
    let (code, out, _) = iclab(&["--json", "sweep", "status", s(&spec), "--dir", s(&two)]);
    assert_eq!(code, 0);
    let status: Value = serde_json::from_str(out.trim()).expect("json");
    assert_eq!(status["missing"], json!([2]));
    let (code, _, err) = iclab(&["sweep", "merge", s(&spec), "--dir", s(&two)]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("--dir") && err.contains("1 of 4 runs"),
        "{err}"
    );
    let (code, _, err) = iclab(&["sweep", "run", s(&spec), "--dir", s(&two)]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("1 runs to go, 3 already recorded"), "{err}");

    // another spec over the same folder is refused, not mixed in
    let other = dir.join("other.json");
    let mut changed = read(&spec);
    changed["schedule"]["steps"] = json!(30);
    std::fs::write(&other, changed.to_string()).expect("written");
    let (code, _, err) = iclab(&["sweep", "run", s(&other), "--dir", s(&two)]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("another sweep"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

/// A run's CPU threads follow its model's width (src/bin/iclab/threads.rs): one for a narrow
/// model, every core for a wide one running alone, the cores shared between runs at once,
/// `--threads` for every run when given — and the threads change no number.
#[test]
fn wide_runs_get_the_cores_and_the_same_numbers() {
    let dir = scratch("threads");
    let spec = write_spec(
        &dir,
        &json!({
            "experiment": "classify",
            "base": {"task": {"classes": 32}, "batchSize": 16, "hidden": 64},
            "axes": [{"key": "dModel", "values": [16, 256]}],
            "seeds": [0],
            "schedule": {"steps": 4, "every": 2, "prompts": 32}
        }),
    );
    let cores = std::thread::available_parallelism().map_or(1, usize::from) as u64;
    // width → threads, from each record
    let threads = |folder: &Path| -> Vec<(u64, u64)> {
        let mut pairs: Vec<(u64, u64)> = (0..2)
            .map(|i| {
                let r = read(&folder.join("runs").join(format!("{i:05}.json")));
                let width = r["config"]["dModel"].as_u64().expect("dModel");
                (width, r["threads"].as_u64().expect("threads recorded"))
            })
            .collect();
        pairs.sort_unstable();
        pairs
    };
    let folders = [dir.join("alone"), dir.join("together"), dir.join("one")];
    for (folder, flags) in folders.iter().zip([
        &["--jobs", "1"][..],
        &["--jobs", "2"][..],
        &["--jobs", "1", "--threads", "1"][..],
    ]) {
        let mut args = vec!["sweep", "run", s(&spec), "--dir", s(folder)];
        args.extend_from_slice(flags);
        let (code, _, err) = iclab(&args);
        assert_eq!(code, 0, "{flags:?}: {err}");
    }
    assert_eq!(threads(&folders[0]), [(16, 1), (256, cores)]);
    assert_eq!(threads(&folders[1]), [(16, 1), (256, (cores / 2).max(1))]);
    assert_eq!(threads(&folders[2]), [(16, 1), (256, 1)]);
    let merged: Vec<Value> = folders
        .iter()
        .map(|folder| {
            let out = folder.join("sweep.json");
            let (code, _, err) = iclab(&[
                "sweep",
                "merge",
                s(&spec),
                "--dir",
                s(folder),
                "--out",
                s(&out),
            ]);
            assert_eq!(code, 0, "{err}");
            read(&out)
        })
        .collect();
    assert!(merged[0]["runner"]["runs"][1]["threads"].as_u64().is_some());
    for other in &merged[1..] {
        assert_eq!(
            results(&merged[0]),
            results(other),
            "threads change no number"
        );
    }
    let (code, _, err) = iclab(&["sweep", "run", s(&spec), "--threads", "0"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--threads"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn classify_and_diversity_merge_into_their_own_formats() {
    let dir = scratch("formats");
    let classify = write_spec(
        &dir,
        &json!({
            "experiment": "classify",
            "base": {"task": {"classes": 32}},
            "axes": [{"key": "task.burstiness", "values": [1, 2]}],
            "seeds": [0],
            "schedule": {"steps": 10, "every": 5, "prompts": 64}
        }),
    );
    let out = dir.join("classify.json");
    let (code, _, err) = iclab(&["sweep", "run", s(&classify), "--dir", s(&dir.join("c"))]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = iclab(&[
        "sweep",
        "merge",
        s(&classify),
        "--dir",
        s(&dir.join("c")),
        "--out",
        s(&out),
    ]);
    assert_eq!(code, 0, "{err}");
    let sweep: iclab::classify::ClassifySweep =
        serde_json::from_value(read(&out)).expect("a classify sweep");
    assert_eq!(sweep.runs.len(), 2);
    assert_eq!(sweep.config.task.classes, 32);

    let diversity = dir.join("diversity.json");
    std::fs::write(
        &diversity,
        json!({
            "experiment": "diversity",
            "base": {"dims": 2, "points": 5, "dModel": 16, "layers": 1, "heads": 1},
            "axes": [{"key": "taskPool", "values": [1, null]}],
            "seeds": [0],
            "schedule": {"steps": 5, "every": 5, "eval": {"prompts": 16}}
        })
        .to_string(),
    )
    .expect("written");
    // longer runs of one pool size, as their own spec merged into the same sweep
    let longer = dir.join("longer.json");
    let mut spec = read(&diversity);
    spec["axes"] = json!([{"key": "taskPool", "values": [1]}]);
    spec["schedule"]["steps"] = json!(10);
    spec["schedule"]["baseSteps"] = json!(5);
    std::fs::write(&longer, spec.to_string()).expect("written");
    for spec in [&diversity, &longer] {
        let (code, _, err) = iclab(&["sweep", "run", s(spec)]);
        assert_eq!(code, 0, "{err}");
    }
    let out = dir.join("diversity-sweep.json");
    let (code, _, err) = iclab(&[
        "sweep",
        "merge",
        s(&diversity),
        s(&longer),
        "--out",
        s(&out),
    ]);
    assert_eq!(code, 0, "{err}");
    let sweep: iclab::icl::diversity::DiversitySweep =
        serde_json::from_value(read(&out)).expect("a diversity sweep");
    let runs: Vec<(Option<u32>, u32)> = sweep.runs.iter().map(|r| (r.task_pool, r.steps)).collect();
    assert_eq!(runs, vec![(Some(1), 5), (None, 5), (Some(1), 10)]);
    assert_eq!(sweep.commands.len(), 2);
    // each model kept, the longer one under its own name
    let kept = dir.join("longer.runs/checkpoints/pool-1-seed-0-steps-10.safetensors");
    assert!(kept.exists(), "{}", kept.display());
    assert!(
        dir.join("diversity.runs/checkpoints/pool-inf-seed-0.safetensors")
            .exists()
    );
    // two experiments do not merge
    let (code, _, err) = iclab(&["sweep", "merge", s(&diversity), s(&classify)]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("one experiment"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn bad_specs_and_flags_are_named() {
    let dir = scratch("bad");
    let bad = |spec: Value, extra: &[&str]| {
        let path = write_spec(&dir, &spec);
        let mut args = vec!["sweep", "run", s(&path), "--dir", s(&dir)];
        args.extend_from_slice(extra);
        let (code, _, err) = iclab(&args);
        assert_eq!(code, 2, "{spec}: {err}");
        err
    };
    let err = bad(json!({"experiment": "nope", "seeds": [0]}), &[]);
    assert!(err.contains("spec"), "{err}");
    let err = bad(json!({"experiment": "markov", "seeds": []}), &[]);
    assert!(err.contains("spec.seeds"), "{err}");
    let err = bad(
        json!({"experiment": "markov", "seeds": [0], "axes": [{"key": "task.states", "values": [1]}]}),
        &[],
    );
    assert!(err.contains("run 0.task.states"), "{err}");
    let err = bad(
        json!({"experiment": "markov", "seeds": [0], "schedule": {"stepz": 3}}),
        &[],
    );
    assert!(err.contains("schedule"), "{err}");
    let err = bad(
        json!({"experiment": "markov", "seeds": [0]}),
        &["--shard", "2/2"],
    );
    assert!(err.contains("--shard"), "{err}");
    let err = bad(
        json!({"experiment": "markov", "seeds": [0]}),
        &["--jobs", "0"],
    );
    assert!(err.contains("--jobs"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn the_slurm_array_runs_one_shard_per_task() {
    let dir = scratch("slurm");
    let spec = write_spec(
        &dir,
        &json!({
            "experiment": "markov",
            "axes": [{"key": "task.states", "values": [2, 3, 4]}],
            "seeds": [0, 1],
            "schedule": {"steps": 10, "every": 10}
        }),
    );
    let runs = dir.join("runs");
    let (code, out, err) = iclab(&[
        "--json",
        "sweep",
        "slurm",
        s(&spec),
        "--dir",
        s(&runs),
        "--shards",
        "3",
        "--cpus-per-task",
        "2",
        "--time",
        "01:00:00",
        "--sbatch=--gres=gpu:1",
    ]);
    assert_eq!(code, 0, "{err}");
    let reply: Value = serde_json::from_str(out.trim()).expect("json");
    assert_eq!(reply["runs"], json!(6));
    let array = std::fs::read_to_string(runs.join("slurm/array.sbatch")).expect("array script");
    for line in [
        "#SBATCH --array=0-2",
        "#SBATCH --cpus-per-task=2",
        "#SBATCH --time=01:00:00",
        "#SBATCH --gres=gpu:1",
        "--shard \"$SLURM_ARRAY_TASK_ID/3\"",
    ] {
        assert!(array.contains(line), "{line} in\n{array}");
    }
    let submit = std::fs::read_to_string(runs.join("slurm/submit.sh")).expect("submit script");
    assert!(submit.contains("--dependency=afterok:"), "{submit}");
    // each array task as Slurm would start it: the shards fill the folder, the merge finds all
    for task in 0..3 {
        let status = Command::new("bash")
            .arg(runs.join("slurm/array.sbatch"))
            .env("SLURM_ARRAY_TASK_ID", task.to_string())
            .env("SLURM_CPUS_PER_TASK", "1")
            .output()
            .expect("bash runs");
        assert!(
            status.status.success(),
            "{}",
            String::from_utf8_lossy(&status.stderr)
        );
    }
    let status = Command::new("bash")
        .arg(runs.join("slurm/merge.sbatch"))
        .output()
        .expect("bash runs");
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    assert_eq!(
        read(&runs.join("sweep.json"))["runs"]
            .as_array()
            .map(Vec::len),
        Some(6)
    );
    let (code, _, err) = iclab(&[
        "sweep",
        "slurm",
        s(&spec),
        "--shards",
        "2",
        "--sbatch",
        "gres",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--sbatch"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}
