//! How many threads the CPU backend's kernels get. Flex runs its large matmuls, batched matmuls
//! and long reductions on rayon's threads; measured on 2 cores (docs/BENCHMARKS.md, "Flex's
//! rayon"), a second thread *slows* the step of the tiny and small models (−17% tiny, −14% small
//! at d = 5: their step is many small ops, and handing work out costs more than it saves) and
//! speeds the standard 12-layer, width-256 model at the paper's size (+14% and +16% at d = 20, 41
//! points). So a run on the CPU gets every core's thread only when its model is at least
//! [`WIDE`] wide, and one thread otherwise; `--threads N` overrides that for the whole command.
//!
//! Every run installs its own pool, so rayon's work never crosses into another run's threads:
//! a sweep of several runs at once (`iclab sweep run --jobs J`) shares the cores between them,
//! each wide run getting `cores / J` threads.

use std::sync::OnceLock;

use iclab::device::DeviceChoice;
use iclab::{Error, Result};

/// The narrowest model (residual width) whose CPU step gains from a second thread.
pub const WIDE: usize = 256;

/// Hardware threads of this machine.
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
}

static OVERRIDE: OnceLock<Option<usize>> = OnceLock::new();

/// `--threads`, kept for the runs a command starts on threads of its own (a sweep's pool).
pub fn set_override(threads: Option<usize>) {
    let _ = OVERRIDE.set(threads);
}

/// Threads for one run of a sweep: `--threads` if given, else [`auto`].
pub fn for_run(width: usize, device: DeviceChoice, share: usize) -> usize {
    OVERRIDE
        .get()
        .copied()
        .flatten()
        .unwrap_or_else(|| auto(width, device, share))
}

/// Threads for one run of a model `width` wide on `device` while `share` runs go at once.
pub fn auto(width: usize, device: DeviceChoice, share: usize) -> usize {
    if device == DeviceChoice::Webgpu || width < WIDE {
        1
    } else {
        (cores() / share.max(1)).max(1)
    }
}

/// Runs `work` on a pool of `threads` threads of its own (the caller waits): every rayon call
/// inside it, however deep, uses that pool.
pub fn within<R: Send>(threads: usize, work: impl FnOnce() -> Result<R> + Send) -> Result<R> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .thread_name(|i| format!("iclab-cpu-{i}"))
        .build()
        .map_err(|e| Error::backend(format!("cannot start {threads} CPU threads: {e}")))?;
    pool.install(work)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_wide_cpu_models_get_more_than_one_thread() {
        assert_eq!(auto(64, DeviceChoice::Cpu, 1), 1);
        assert_eq!(auto(128, DeviceChoice::Auto, 1), 1);
        assert_eq!(auto(256, DeviceChoice::Webgpu, 1), 1);
        assert_eq!(auto(256, DeviceChoice::Cpu, 1), cores());
        assert_eq!(auto(256, DeviceChoice::Cpu, cores()), 1);
        assert_eq!(auto(512, DeviceChoice::Cpu, 4 * cores()), 1);
    }

    #[test]
    fn within_runs_rayon_on_its_own_pool() {
        let threads = || Ok(rayon::current_num_threads());
        assert_eq!(within(1, threads).expect("pool"), 1);
        assert_eq!(within(3, threads).expect("pool"), 3);
    }
}
