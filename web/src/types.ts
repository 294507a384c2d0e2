/** Configuration of a session. Every field is optional; defaults are those of the Rust core. */
export interface SessionConfig {
  /** Function class prompts are drawn from. Default `"linear"`. */
  task?: "linear";
  /** Backbone. Default `"transformer"`. */
  model?: "transformer";
  /** Model size: `tiny` (3 layers, width 64, 2 heads) or `small` (6, 128, 4). Default `"tiny"`. */
  preset?: "tiny" | "small";
  /** Overrides the preset's number of blocks (1–24). */
  layers?: number;
  /** Overrides the preset's width (4–1024, a multiple of `heads`). */
  dModel?: number;
  /** Overrides the preset's attention heads (1–32). */
  heads?: number;
  /** Input dimension d (1–64). Default 5. */
  dims?: number;
  /** (x, y) pairs per prompt (1–256). Default 11. */
  points?: number;
  /** Prompts per step (1–4096). Default 64. */
  batchSize?: number;
  /** Adam learning rate in (0, 1]. Default 1e-3. */
  learningRate?: number;
  /** Linear warmup steps. Default 100. */
  warmupSteps?: number;
  /** Per-tensor gradient-norm clip, 0 = off. Default 1. */
  gradClip?: number;
  /** `auto` (WebGPU on a hardware adapter, else CPU), `webgpu` (forced) or `cpu`. Default `auto`. */
  device?: DeviceChoice;
  /** Seeds data and initialization: same seed and config, same losses (on the same backend). */
  seed?: number;
}

export type DeviceChoice = "auto" | "webgpu" | "cpu";
export type DeviceKind = "webgpu" | "cpu";

/** What runs, and why `auto` fell back when it did. */
export interface DeviceInfo {
  requested: DeviceChoice;
  kind: DeviceKind;
  /** The GPU adapter's name, when one was found (even if not used). */
  adapter: string | null;
  /** Why WebGPU is not used, in plain words; `null` when it is, or when CPU was asked for. */
  fallbackReason: string | null;
}

export interface AdapterProbe {
  name: string;
  /** A software renderer such as SwiftShader. */
  isFallback: boolean;
}

/** Whether WebGPU is usable in this browser, and why not. */
export interface Capabilities {
  webgpuAvailable: boolean;
  /** `auto` would train on WebGPU. */
  webgpuPreferred: boolean;
  adapter: AdapterProbe | null;
  reason: string | null;
}

/** One training report: plain numbers read back from the device once per report. */
export interface Report {
  step: number;
  /** Mean all-prefix MSE since the previous report. */
  loss: number;
  /** `loss` over the zero predictor's expected loss: 1 means nothing learned. */
  normalizedLoss: number;
  learningRate: number;
  device: DeviceKind;
  /** Milliseconds spent training in this session. */
  elapsedMs: number;
  stepsPerSecond: number;
  /** Present on the first report of a session only. */
  deviceInfo?: DeviceInfo;
}

/** Error curve: entry i is the error after i in-context examples. */
export interface ErrorCurve {
  mean: number[];
  /** 5% bootstrap quantile. */
  lower: number[];
  /** 95% bootstrap quantile. */
  upper: number[];
}

export interface Evaluation {
  step: number;
  prompts: number;
  /** Normalized squared error of the model (zero estimator = 1). */
  model: ErrorCurve;
}

export interface TrainOptions {
  /** Total steps to run (whole number ≥ 1). */
  steps: number;
  /** Steps per report (whole number ≥ 1). Default 10. */
  every?: number;
}

export interface EvaluateOptions {
  /** Prompts to average over. Default 1280, as in Garg et al. */
  prompts?: number;
}

/** The resolved config, device and size of a created session. */
export interface SessionInfo {
  id: number;
  config: Required<Omit<SessionConfig, "layers" | "dModel" | "heads">> &
    Pick<SessionConfig, "layers" | "dModel" | "heads">;
  deviceInfo: DeviceInfo;
  numParams: number;
}
