//! `iclab sweep slurm`: a Slurm job array with one task per shard, and the merge as a job that
//! waits for the whole array (tests/cluster/slurm.sh submits it to a real single-node Slurm).

use std::path::{Path, PathBuf};

use clap::Args;
use iclab::{Error, Result};
use serde_json::json;

use super::experiments::check;
use super::{absolute, dir_for, read_spec};
use crate::emit;

#[derive(Args)]
pub struct SlurmArgs {
    pub spec: PathBuf,
    #[arg(long)]
    pub dir: Option<PathBuf>,
    /// Array tasks: the spec's runs are split round robin into this many shards.
    #[arg(long)]
    pub shards: u32,
    /// CPUs per array task; each runs this many runs at once.
    #[arg(long, default_value_t = 1)]
    pub cpus_per_task: u32,
    /// `--time` of each array task (Slurm's format, e.g. `02:00:00`).
    #[arg(long)]
    pub time: Option<String>,
    #[arg(long)]
    pub partition: Option<String>,
    /// `--mem` of each array task (e.g. `4G`).
    #[arg(long)]
    pub mem: Option<String>,
    /// Any other `#SBATCH` line, e.g. `--sbatch=--gres=gpu:1` (repeatable).
    #[arg(long = "sbatch", value_name = "OPTION")]
    pub sbatch: Vec<String>,
    /// Where the merge writes the sweep (default: `DIR/sweep.json`).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Also submit it (`sbatch`), printing the two job ids.
    #[arg(long)]
    pub submit: bool,
}

fn quote(path: &Path) -> String {
    format!("'{}'", path.display().to_string().replace('\'', r"'\''"))
}

pub(super) fn command(json: bool, args: SlurmArgs) -> Result<()> {
    let SlurmArgs {
        spec: path,
        dir,
        shards,
        cpus_per_task,
        time,
        partition,
        mem,
        sbatch,
        out,
        submit,
    } = args;

    let spec = read_spec(&path)?;
    let runs = spec.runs()?;
    check(&spec, &runs)?;
    if shards == 0 {
        return Err(Error::invalid("--shards", "must be at least 1"));
    }
    if cpus_per_task == 0 {
        return Err(Error::invalid("--cpus-per-task", "must be at least 1"));
    }
    let shards = shards.min(runs.len() as u32);
    let spec_path = absolute("spec", &path)?;
    let dir = absolute("--dir", &dir_for(&path, dir))?;
    let out = match out {
        Some(o) => absolute("--out", &o)?,
        None => dir.join("sweep.json"),
    };
    let exe = std::env::current_exe()
        .map_err(|e| Error::backend(format!("cannot find the iclab binary: {e}")))?;
    let scripts = dir.join("slurm");
    std::fs::create_dir_all(&scripts).map_err(|e| {
        Error::invalid("--dir", format!("cannot create {}: {e}", scripts.display()))
    })?;
    let mut header = vec![
        format!("#SBATCH --job-name=iclab-{}", spec.experiment.name()),
        format!("#SBATCH --cpus-per-task={cpus_per_task}"),
    ];
    if let Some(t) = &time {
        header.push(format!("#SBATCH --time={t}"));
    }
    if let Some(p) = &partition {
        header.push(format!("#SBATCH --partition={p}"));
    }
    if let Some(m) = &mem {
        header.push(format!("#SBATCH --mem={m}"));
    }
    for option in &sbatch {
        if !option.starts_with("--") || option.contains('\n') {
            return Err(Error::invalid(
                "--sbatch",
                format!("`{option}` is not one sbatch option such as `--gres=gpu:1`"),
            ));
        }
        header.push(format!("#SBATCH {option}"));
    }
    let array = format!(
        "#!/bin/bash\n# iclab sweep: {runs} runs of {spec} in {shards} shards, one per array task.\n\
                 #SBATCH --array=0-{last}\n{header}\n#SBATCH --output={logs}/shard-%a.out\n\
                 set -euo pipefail\n\
                 exec {exe} sweep run {spec} --dir {dir} --shard \"$SLURM_ARRAY_TASK_ID/{shards}\" --jobs \"${{SLURM_CPUS_PER_TASK:-{cpus_per_task}}}\"\n",
        runs = runs.len(),
        spec = quote(&spec_path),
        last = shards - 1,
        header = header.join("\n"),
        logs = scripts.display(),
        exe = quote(&exe),
        dir = quote(&dir),
    );
    let merge = format!(
        "#!/bin/bash\n# iclab sweep: merges the array's records once every shard is done.\n\
                 #SBATCH --job-name=iclab-{name}-merge\n#SBATCH --cpus-per-task=1\n{time}{partition}\
                 #SBATCH --output={logs}/merge.out\nset -euo pipefail\n\
                 exec {exe} sweep merge {spec} --dir {dir} --out {out}\n",
        name = spec.experiment.name(),
        time = time
            .as_ref()
            .map_or(String::new(), |_| "#SBATCH --time=00:30:00\n".into()),
        partition = partition
            .as_ref()
            .map_or(String::new(), |p| format!("#SBATCH --partition={p}\n")),
        logs = scripts.display(),
        exe = quote(&exe),
        spec = quote(&spec_path),
        dir = quote(&dir),
        out = quote(&out),
    );
    let submit_sh = format!(
        "#!/bin/bash\n# Submits the array, then the merge to run after every array task succeeded.\n\
                 set -euo pipefail\ncd {scripts}\n\
                 array=$(sbatch --parsable array.sbatch)\narray=${{array%%;*}}\n\
                 merge=$(sbatch --parsable --kill-on-invalid-dep=yes --dependency=afterok:\"$array\" merge.sbatch)\n\
                 merge=${{merge%%;*}}\necho \"$array $merge\"\n",
        scripts = quote(&scripts),
    );
    for (name, text) in [
        ("array.sbatch", &array),
        ("merge.sbatch", &merge),
        ("submit.sh", &submit_sh),
    ] {
        let file = scripts.join(name);
        crate::write_atomic("--dir", &file, text.as_bytes())?;
    }
    let submit_path = scripts.join("submit.sh");
    let mut ids = None;
    if submit {
        let output = std::process::Command::new("bash")
            .arg(&submit_path)
            .output()
            .map_err(|e| Error::backend(format!("cannot run sbatch: {e}")))?;
        if !output.status.success() {
            return Err(Error::backend(format!(
                "sbatch failed: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            )));
        }
        let text = String::from_utf8_lossy(&output.stdout).trim().to_owned();
        ids = text
            .split_once(' ')
            .map(|(a, m)| (a.to_owned(), m.to_owned()));
    }
    emit(
        json,
        json!({
            "scripts": scripts.display().to_string(),
            "shards": shards,
            "runs": runs.len(),
            "out": out.display().to_string(),
            "arrayJob": ids.as_ref().map(|(a, _)| a),
            "mergeJob": ids.as_ref().map(|(_, m)| m),
        }),
        || match &ids {
            Some((a, m)) => format!(
                "submitted array job {a} ({shards} tasks, {} runs) and merge job {m}; the sweep lands in {}",
                runs.len(),
                out.display()
            ),
            None => format!(
                "wrote {}/{{array,merge}}.sbatch: {} runs in {shards} array tasks; submit with `bash {}`",
                scripts.display(),
                runs.len(),
                submit_path.display()
            ),
        },
    );
    Ok(())
}
