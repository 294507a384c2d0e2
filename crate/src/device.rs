//! The only file that names backends. A session asks for `auto`, `webgpu` or `cpu` and gets a
//! [`Compute`]: the burn device to train on plus a [`DeviceInfo`] that says what runs and why.
//!
//! `auto` uses WebGPU only on a hardware adapter. A software adapter (SwiftShader in Chromium,
//! lavapipe/llvmpipe natively) was measured ~100x slower than burn's Flex CPU backend for the
//! small models here, so `auto` falls back to Flex there; `webgpu` forces it anyway.

use burn::tensor::Device;
use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// What the user asked for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum DeviceChoice {
    /// WebGPU on a hardware adapter, else CPU. Default: the fastest thing that works.
    #[default]
    Auto,
    /// WebGPU whatever the adapter (fails if there is none).
    Webgpu,
    /// burn's Flex CPU backend.
    Cpu,
}

impl DeviceChoice {
    /// What a menu or a legend calls it.
    pub fn title(self) -> &'static str {
        match self {
            Self::Auto => "auto",
            Self::Webgpu => "WebGPU",
            Self::Cpu => "CPU",
        }
    }

    pub const ALL: [Self; 3] = [Self::Auto, Self::Webgpu, Self::Cpu];
}

/// What actually runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum DeviceKind {
    Webgpu,
    Cpu,
}

/// Reported with the first training report and by `capabilities()`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct DeviceInfo {
    /// What was asked for.
    pub requested: DeviceChoice,
    /// What runs.
    pub kind: DeviceKind,
    /// The GPU adapter's name, when one was found (even if it was not used).
    pub adapter: Option<String>,
    /// Why `auto` did not use WebGPU, in plain words; `None` when WebGPU runs or CPU was asked for.
    pub fallback_reason: Option<String>,
}

/// A GPU adapter as the platform describes it, before burn opens it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct AdapterProbe {
    pub name: String,
    /// A software rasterizer (SwiftShader, lavapipe): usable but far slower than the CPU backend.
    pub is_fallback: bool,
}

/// Whether WebGPU is usable here, and if not why; `capabilities()` in JS.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Capabilities {
    /// An adapter exists (it may be a software one).
    pub webgpu_available: bool,
    /// `auto` would train on WebGPU.
    pub webgpu_preferred: bool,
    pub adapter: Option<AdapterProbe>,
    /// Why `auto` would (or would not) use WebGPU, in one sentence for people.
    pub reason: String,
}

/// The device a session trains on.
#[derive(Debug, Clone)]
pub struct Compute {
    /// Autodiff-enabled device for training.
    pub train: Device,
    /// The same hardware without autodiff, for evaluation.
    pub infer: Device,
    pub info: DeviceInfo,
}

impl Compute {
    fn new(base: Device, info: DeviceInfo) -> Self {
        Self {
            train: base.clone().autodiff(),
            infer: base,
            info,
        }
    }

    /// Fails with [`Error::DeviceLost`] when this runs on a WebGPU device that has been lost;
    /// every session and run calls it before touching the device.
    pub fn ensure_alive(&self) -> Result<()> {
        match (self.info.kind, lost()) {
            (DeviceKind::Webgpu, Some(reason)) => Err(Error::DeviceLost { reason }),
            _ => Ok(()),
        }
    }

    /// The CPU (Flex) device; always available.
    pub fn cpu(requested: DeviceChoice, adapter: Option<String>, reason: Option<String>) -> Self {
        Self::new(
            Device::flex(),
            DeviceInfo {
                requested,
                kind: DeviceKind::Cpu,
                adapter,
                fallback_reason: reason,
            },
        )
    }
}

// Why the WebGPU device was lost, once it has been. The browser reports the loss to JS
// (`GPUDevice.lost`); the worker passes it on through `mark_lost`. burn cannot reopen its wgpu
// runtime, so a lost device stays lost for this instance: later sessions use the CPU.
static LOST: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);

/// Records that the WebGPU device was lost, and why. Idempotent: the first reason is kept.
pub fn mark_lost(reason: &str) {
    if let Ok(mut slot) = LOST.lock() {
        slot.get_or_insert_with(|| reason.to_owned());
    }
}

/// Why the WebGPU device was lost, if it was.
pub fn lost() -> Option<String> {
    LOST.lock().ok().and_then(|slot| slot.clone())
}

fn lost_reason(reason: &str) -> String {
    format!("the WebGPU device was lost earlier ({reason}) and cannot be reopened in this worker")
}

/// Asks the platform whether WebGPU is usable, without opening a burn device.
pub async fn capabilities() -> Capabilities {
    if let Some(reason) = lost() {
        return Capabilities {
            webgpu_available: false,
            webgpu_preferred: false,
            adapter: None,
            reason: format!("WebGPU is not used: {}", lost_reason(&reason)),
        };
    }
    match probe::adapter().await {
        Ok(adapter) => {
            let reason = if adapter.is_fallback {
                format!("WebGPU is not used: {}", software_reason(&adapter.name))
            } else {
                format!(
                    "WebGPU is used: the adapter ({}) is a hardware GPU",
                    adapter.name
                )
            };
            Capabilities {
                webgpu_available: true,
                webgpu_preferred: !adapter.is_fallback,
                adapter: Some(adapter),
                reason,
            }
        }
        Err(reason) => Capabilities {
            webgpu_available: false,
            webgpu_preferred: false,
            adapter: None,
            reason: format!("WebGPU is not used: {reason}"),
        },
    }
}

fn software_reason(name: &str) -> String {
    format!(
        "the only WebGPU adapter ({name}) is a software renderer, ~100x slower than the CPU \
         backend for these models; pass device \"webgpu\" to use it anyway"
    )
}

/// Opens the device for `choice`. `auto` never fails: it falls back to CPU and says why.
pub async fn open(choice: DeviceChoice) -> Result<Compute> {
    match choice {
        DeviceChoice::Cpu => Ok(Compute::cpu(choice, None, None)),
        DeviceChoice::Webgpu | DeviceChoice::Auto if lost().is_some() => {
            let reason = lost_reason(&lost().unwrap_or_default());
            if choice == DeviceChoice::Auto {
                Ok(Compute::cpu(choice, None, Some(reason)))
            } else {
                Err(Error::DeviceUnavailable { reason })
            }
        }
        DeviceChoice::Webgpu => {
            let adapter = probe::adapter()
                .await
                .map_err(|reason| Error::DeviceUnavailable { reason })?;
            let base = wgpu_device().await?;
            Ok(Compute::new(
                base,
                DeviceInfo {
                    requested: choice,
                    kind: DeviceKind::Webgpu,
                    adapter: Some(adapter.name),
                    fallback_reason: None,
                },
            ))
        }
        DeviceChoice::Auto => {
            let adapter = match probe::adapter().await {
                Ok(adapter) => adapter,
                Err(reason) => return Ok(Compute::cpu(choice, None, Some(reason))),
            };
            if adapter.is_fallback {
                let reason = software_reason(&adapter.name);
                return Ok(Compute::cpu(choice, Some(adapter.name), Some(reason)));
            }
            match wgpu_device().await {
                Ok(base) => Ok(Compute::new(
                    base,
                    DeviceInfo {
                        requested: choice,
                        kind: DeviceKind::Webgpu,
                        adapter: Some(adapter.name),
                        fallback_reason: None,
                    },
                )),
                Err(err) => Ok(Compute::cpu(
                    choice,
                    Some(adapter.name),
                    Some(format!("opening the WebGPU device failed: {err}")),
                )),
            }
        }
    }
}

#[cfg(target_family = "wasm")]
#[allow(unsafe_code)]
unsafe extern "C" {
    /// The module's static constructors (wasm-ld synthesizes it; `inventory`, pulled in by
    /// cubecl, registers through them).
    fn __wasm_call_ctors();
}

/// Runs the module's static constructors, once per instance. Calling them from here is what
/// makes the linker treat the module as a library: without a call, wasm-ld wraps *every* export
/// in a call to them, so each JS→wasm crossing (each `await` resuming, each JS value handed in)
/// re-ran cubecl's registrations (with two other fixes, the in-context page's blank run went from
/// 38.8 to 24.3 s: docs/SCIENCE.md §1a). With the wrappers gone nothing else runs them, so they
/// run from the wasm module's start function and, for hosts that never call it
/// (wasm-bindgen-test's runner), before the WebGPU device opens (the only user of what they
/// register: cubecl's IR types). Here, not in `wasm/`, so this module needs nothing above it.
#[cfg(target_family = "wasm")]
pub fn constructors() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    // SAFETY: `Once` runs this once per instance; the constructors only register static items.
    #[allow(unsafe_code)]
    ONCE.call_once(|| unsafe { __wasm_call_ctors() });
}

// burn registers one wgpu runtime per process and refuses a second `init`, so the device is
// opened once and cloned for every later session.
static WGPU_DEVICE: std::sync::Mutex<Option<Device>> = std::sync::Mutex::new(None);

fn cached_wgpu() -> Option<Device> {
    WGPU_DEVICE.lock().ok().and_then(|slot| slot.clone())
}

async fn wgpu_device() -> Result<Device> {
    if let Some(device) = cached_wgpu() {
        return Ok(device);
    }
    // cubecl's IR types are registered by the module's constructors
    #[cfg(target_family = "wasm")]
    constructors();
    // The lock is not held across the await: two sessions may race here, and the loser's
    // "already initialized" error is answered from the cache.
    match Device::wgpu_options().init_async().await {
        Ok(device) => {
            if let Ok(mut slot) = WGPU_DEVICE.lock() {
                *slot = Some(device.clone());
            }
            Ok(device)
        }
        Err(err) => cached_wgpu().ok_or_else(|| Error::DeviceUnavailable {
            reason: format!("burn could not open the WebGPU device: {err}"),
        }),
    }
}

#[cfg(target_family = "wasm")]
mod probe {
    //! The browser's own view of WebGPU: `navigator.gpu.requestAdapter()`. Read through
    //! `js_sys::Reflect` so it works in windows and workers and needs no unstable web-sys APIs.
    use super::AdapterProbe;
    use js_sys::{Function, Promise, Reflect};
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;

    fn get(target: &JsValue, key: &str) -> JsValue {
        Reflect::get(target, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
    }

    fn text(target: &JsValue, key: &str) -> Option<String> {
        get(target, key).as_string().filter(|s| !s.is_empty())
    }

    pub async fn adapter() -> Result<AdapterProbe, String> {
        let navigator = get(&js_sys::global(), "navigator");
        let gpu = get(&navigator, "gpu");
        if gpu.is_undefined() || gpu.is_null() {
            return Err("this browser exposes no WebGPU (navigator.gpu is missing)".into());
        }
        let request: Function = get(&gpu, "requestAdapter")
            .dyn_into()
            .map_err(|_| "navigator.gpu.requestAdapter is not a function".to_owned())?;
        let promise: Promise = request
            .call0(&gpu)
            .and_then(JsCast::dyn_into)
            .map_err(|e| format!("requestAdapter threw: {e:?}"))?;
        let adapter = JsFuture::from(promise)
            .await
            .map_err(|e| format!("requestAdapter failed: {e:?}"))?;
        if adapter.is_null() || adapter.is_undefined() {
            return Err(
                "WebGPU is present but offers no adapter (blocklisted or disabled GPU)".into(),
            );
        }
        let info = get(&adapter, "info");
        let name = text(&info, "description")
            .or_else(|| {
                let parts: Vec<String> = ["vendor", "architecture", "device"]
                    .iter()
                    .filter_map(|k| text(&info, k))
                    .collect();
                (!parts.is_empty()).then(|| parts.join(" "))
            })
            .unwrap_or_else(|| "unnamed WebGPU adapter".to_owned());
        // Newer browsers put the flag on `info`, older ones on the adapter itself.
        let flag = |v: JsValue| v.as_bool().unwrap_or(false);
        let software_name = ["swiftshader", "llvmpipe", "lavapipe"]
            .iter()
            .any(|s| name.to_lowercase().contains(s));
        let is_fallback = flag(get(&info, "isFallbackAdapter"))
            || flag(get(&adapter, "isFallbackAdapter"))
            || software_name;
        Ok(AdapterProbe { name, is_fallback })
    }
}

#[cfg(not(target_family = "wasm"))]
mod probe {
    //! Native: ask wgpu for its preferred adapter among the backends burn opens (Vulkan, Metal,
    //! DX12; `WGPU_BACKEND` overrides); a CPU-type adapter (lavapipe, llvmpipe, WARP) counts as a
    //! software fallback. OpenGL is left out: burn does not train on it.
    use super::AdapterProbe;
    use burn::tensor::wgpu::wgpu;

    pub async fn adapter() -> Result<AdapterProbe, String> {
        // Without a desktop session (no XDG_RUNTIME_DIR: a server, a container, CI) Mesa's
        // Vulkan driver still tries Wayland and libwayland prints an "error" line that is none;
        // the probe reports its own failures, so stderr is held shut while it runs.
        let _quiet = std::env::var_os("XDG_RUNTIME_DIR")
            .is_none()
            .then(|| gag::Gag::stderr().ok())
            .flatten();
        let instance = wgpu::Instance::new(
            wgpu::InstanceDescriptor {
                backends: wgpu::Backends::PRIMARY,
                ..wgpu::InstanceDescriptor::new_without_display_handle()
            }
            .with_env(),
        );
        let adapter = instance
            .request_adapter(&wgpu::RequestAdapterOptions {
                power_preference: wgpu::PowerPreference::HighPerformance,
                ..Default::default()
            })
            .await
            .map_err(|e| format!("no wgpu adapter on this machine: {e}"))?;
        let info = adapter.get_info();
        Ok(AdapterProbe {
            is_fallback: info.device_type == wgpu::DeviceType::Cpu,
            name: format!("{} ({:?})", info.name, info.backend),
        })
    }
}

/// Device-to-host reads since the process (or wasm instance) started: every read goes through
/// [`read_f32`], so this counts the sync points (one per training report is the target).
static READBACKS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// How many tensors have been read back to the host so far.
pub fn readbacks() -> u64 {
    READBACKS.load(std::sync::atomic::Ordering::Relaxed)
}

/// Reads a tensor back to the host as f32 values, asynchronously (synchronous reads panic on
/// WebGPU). `what` names the tensor in the error. Every caller is a sync point: call it once per
/// report, chunk or checkpoint tensor, never per step.
pub async fn read_f32<const D: usize>(
    tensor: burn::tensor::Tensor<D>,
    what: &str,
) -> Result<Vec<f32>> {
    READBACKS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let data = tensor
        .into_data_async()
        .await
        .map_err(|e| Error::backend(format!("reading {what} back failed: {e:?}")))?;
    data.convert::<f32>()
        .try_into_vec::<f32>()
        .map_err(|e| Error::backend(format!("{what} is not f32 data: {e:?}")))
}
