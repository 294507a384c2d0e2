/// <reference lib="webworker" />
/**
 * The worker that owns the wasm instance. It answers every request, errors included. A wasm
 * trap (`WebAssembly.RuntimeError`) leaves the instance unusable, so it is reported as `fatal`
 * and the main thread replaces this worker.
 */
import init, * as wasm from "../pkg/iclab.js";
import { toPayload } from "./errors.js";
import type { Handlers, Request, Response } from "./protocol.js";
import { CATALOG } from "./generated/catalog.js";

declare const self: DedicatedWorkerGlobalScope;

let ready: Promise<wasm.InitOutput> | null = null;

/** Why the WebGPU device was lost, once the browser said so (`GPUDevice.lost`). */
let lostReason: string | null = null;
let lostSignal: () => void = () => {};
const lostPromise = new Promise<void>((resolve) => (lostSignal = resolve));

/**
 * GPU buffers alive: created by the wasm and neither destroyed nor garbage-collected (wgpu
 * releases a buffer by dropping its handle). Their bytes are the GPU memory iclab holds.
 */
const gpu = { buffers: 0, bytes: 0 };
const collected = new FinalizationRegistry<number>((size) => forget(size));
const sizes = new WeakMap<object, number>();

function forget(size: number): void {
  gpu.buffers -= 1;
  gpu.bytes -= size;
}

function countBuffers(device: GPUDeviceLike): void {
  const create = device.createBuffer.bind(device);
  device.createBuffer = (descriptor: { size: number }) => {
    const buffer = create(descriptor);
    const size = Number(descriptor.size) || 0;
    gpu.buffers += 1;
    gpu.bytes += size;
    sizes.set(buffer, size);
    collected.register(buffer, size, buffer);
    const destroy = buffer.destroy.bind(buffer);
    buffer.destroy = () => {
      if (sizes.has(buffer)) {
        forget(size);
        sizes.delete(buffer);
        collected.unregister(buffer);
      }
      destroy();
    };
    return buffer;
  };
}

/**
 * Watches every WebGPU device the wasm opens: burn/wgpu request it through this prototype, so
 * wrapping `requestDevice` sees each one, its `lost` promise and its buffers. A loss is passed
 * to the core, which then answers `device_lost` for sessions on the GPU and opens new ones on
 * the CPU.
 */
function watchDevices(): void {
  const proto = (
    self as unknown as {
      GPUAdapter?: { prototype: { requestDevice: (...a: unknown[]) => Promise<GPUDeviceLike> } };
    }
  ).GPUAdapter?.prototype;
  if (!proto) return;
  const request = proto.requestDevice;
  proto.requestDevice = async function (this: unknown, ...args: unknown[]) {
    const device = await request.apply(this, args);
    countBuffers(device);
    void device.lost.then((info) => {
      lostReason = `${info.reason === "destroyed" ? "destroyed" : "lost"}${info.message ? `: ${info.message}` : ""}`;
      wasm.deviceLost(lostReason);
      lostSignal();
    });
    return device;
  };
}

type GPUBufferLike = { destroy: () => void };
type GPUDeviceLike = {
  lost: Promise<{ reason: string; message: string }>;
  createBuffer: (descriptor: { size: number }) => GPUBufferLike;
};
watchDevices();

function load(): Promise<wasm.InitOutput> {
  ready ??= init({ module_or_path: new URL("../pkg/iclab_bg.wasm", import.meta.url) });
  return ready;
}

/** Each asset file, fetched once. */
const assets = new Map<string, Promise<Uint8Array>>();

/**
 * The file a config's dataset reads (`CATALOG.continual.assets`: digits → `digits.bin`), fetched
 * once from the package's own `data/` when a config asks for it; `undefined` for a generated one.
 */
async function assetFor(config: unknown): Promise<Uint8Array | undefined> {
  const kind = (config as { dataset?: { kind?: unknown } } | null)?.dataset?.kind;
  const files: Record<string, string> = CATALOG.continual.assets;
  const file = typeof kind === "string" && Object.hasOwn(files, kind) ? files[kind] : undefined;
  if (file === undefined) return undefined;
  let bytes = assets.get(file);
  if (bytes === undefined) {
    bytes = fetch(new URL(`../data/${file}`, import.meta.url)).then(async (r) => {
      if (!r.ok) throw new Error(`${file}: HTTP ${r.status}`);
      return new Uint8Array(await r.arrayBuffer());
    });
    assets.set(file, bytes);
  }
  try {
    return await bytes;
  } catch (error) {
    assets.delete(file);
    throw Object.assign(new Error(`the ${kind} asset could not be loaded: ${String(error)}`), {
      code: "backend",
      field: "dataset.kind",
    });
  }
}

/** The asset of a federated config, which holds a continual run's config (its dataset) under `run`. */
function runAsset(config: unknown): Promise<Uint8Array | undefined> {
  return assetFor((config as { run?: unknown } | null)?.run);
}

/** Requests being answered, and those of them cancelled before their wasm call began. */
const inFlight = new Set<number>();
const cancelledEarly = new Set<number>();

/** Throws `aborted` when request `id` was cancelled before its work began. */
function live(id: number): number {
  if (cancelledEarly.has(id)) {
    throw Object.assign(new Error("the call was aborted by its caller"), {
      code: "aborted",
      field: null,
    });
  }
  return id;
}

/** One handler per operation of the protocol; a missing or mistyped one does not compile. */
const handlers: Handlers = {
  capabilities: () => wasm.capabilities(),
  sessionCreate: (r) => wasm.sessionCreate(r.config),
  sessionTrain: (r) =>
    wasm.sessionTrain(r.session, r.every, r.left, r.evalEvery, r.evaluate, live(r.id)),
  sessionEvaluate: (r) => wasm.sessionEvaluate(r.session, r.options, live(r.id)),
  sessionLayers: (r) => wasm.sessionLayers(r.session, r.options, live(r.id)),
  sessionAnswer: (r) => wasm.sessionAnswer(r.session, r.prompt),
  sessionLoad: (r) => wasm.sessionLoad(r.bytes, r.device),
  sessionSave: (r) => wasm.sessionSave(r.session),
  evaluateBaselines: (r) => wasm.evaluateBaselines(r.config, r.options, live(r.id)),
  catalog: () => wasm.catalog(),
  continualRun: async (r) => {
    const asset = await assetFor(r.config);
    return wasm.continualRun(r.config, asset, live(r.id));
  },
  federatedRun: async (r) => wasm.federatedRun(r.config, await runAsset(r.config), live(r.id)),
  federatedLearn: async (r) =>
    wasm.federatedLearn(r.config, r.client, await runAsset(r.config), live(r.id)),
  federatedMerge: (r) => wasm.federatedMerge(r.learner, r.share),
  federatedDispose: (r) => wasm.federatedDispose(r.learner),
  continualCreate: async (r) => wasm.continualCreate(r.config, await assetFor(r.config)),
  continualAdvance: (r) => wasm.continualAdvance(r.run, r.steps, live(r.id)),
  continualBoundary: (r) => wasm.continualBoundary(r.run, r.resolution),
  continualUnlearn: (r) => wasm.continualUnlearn(r.run, r.class),
  continualDispose: (r) => wasm.continualDispose(r.run),
  continualAnswer: (r) => wasm.continualAnswer(r.run, r.input),
  continualSave: (r) => wasm.continualSave(r.run),
  continualLoad: async (r) =>
    wasm.continualLoad(r.bytes, await assetFor(wasm.continualFileConfig(r.bytes))),
  readTable: (r) => wasm.readTable(r.table),
  classifyCreate: (r) => wasm.classifyCreate(r.config),
  classifyTrain: (r) =>
    wasm.classifyTrain(r.run, r.every, r.left, r.evalEvery, r.prompts, live(r.id)),
  classifyEvaluate: (r) => wasm.classifyEvaluate(r.run, r.prompts, live(r.id)),
  classifyDispose: (r) => wasm.classifyDispose(r.run),
  classifySave: (r) => wasm.classifySave(r.run),
  markovCreate: (r) => wasm.markovCreate(r.config),
  markovTrain: (r) => wasm.markovTrain(r.run, r.steps, live(r.id)),
  markovEvaluate: (r) => wasm.markovEvaluate(r.run),
  markovDispose: (r) => wasm.markovDispose(r.run),
  classifyLoad: (r) => wasm.classifyLoad(r.bytes, r.device),
  inferenceCost: (r) => wasm.inferenceCost(r.config, r.tokens),
  readCurves: (r) => wasm.readCurves(r.curves, r.dims),
  sessionDispose: (r) => wasm.sessionDispose(r.session),
  memory: async () => ({
    wasmBytes: (await load()).memory.buffer.byteLength,
    liveSessions: wasm.liveSessions(),
    readbacks: wasm.readbacks(),
    gpuBuffers: gpu.buffers,
    gpuBytes: gpu.bytes,
  }),
  gpuLost: () => wasm.gpuLost(),
  // A call running in the wasm stops at its next chunk; one not yet begun, when it begins.
  cancel: (r) => {
    if (!inFlight.has(r.call)) return false;
    if (!wasm.cancel(r.call)) cancelledEarly.add(r.call);
    return true;
  },
};

/**
 * The session or run a request works on, if any. Long calls give way to the event loop, so
 * requests could now interleave; those on one session or run still run one after another, in
 * the order sent (as they did when every call ran to its end), and everything else, from
 * `diagnostics()` to another session's calls, is answered meanwhile.
 */
function target(req: Request): string | null {
  if ("session" in req) return `session ${req.session}`;
  if ("run" in req) return `${req.op.startsWith("classify") ? "classify" : "continual"} ${req.run}`;
  if ("learner" in req) return `federated ${req.learner}`;
  return null;
}

/** The last request queued on each session or run. */
const queues = new Map<string, Promise<unknown>>();

async function dispatch(req: Request): Promise<unknown> {
  await load();
  const handler = handlers[req.op] as (request: Request) => unknown;
  const key = target(req);
  if (key === null) return handler(req);
  const before = queues.get(key) ?? Promise.resolve();
  const mine = before.catch(() => undefined).then(() => handler(req));
  queues.set(key, mine);
  try {
    return await mine;
  } finally {
    if (queues.get(key) === mine) queues.delete(key);
  }
}

self.onmessage = async (event: MessageEvent<Request>) => {
  const req = event.data;
  let res: Response;
  inFlight.add(req.id);
  try {
    res = { id: req.id, ok: true, value: await dispatch(req) };
  } catch (error) {
    const fatal = error instanceof WebAssembly.RuntimeError;
    let payload = fatal
      ? {
          code: "worker_crashed" as const,
          field: null,
          message: `the wasm instance trapped: ${String(error)}`,
        }
      : toPayload(error);
    if (payload.code === "backend" || payload.code === "worker_crashed") {
      // A computation that failed because the GPU went away: the browser may report the loss
      // a moment after the failed read, so wait briefly for it before answering.
      await Promise.race([lostPromise, new Promise((r) => setTimeout(r, 250))]);
      if (lostReason !== null) {
        payload = {
          code: "device_lost",
          field: null,
          message: `the GPU device was lost (${lostReason}); what was on it is gone, continue on the CPU (${payload.message})`,
        };
      }
    }
    res = { id: req.id, ok: false, error: payload, fatal };
  } finally {
    inFlight.delete(req.id);
    cancelledEarly.delete(req.id);
  }
  self.postMessage(res);
};
