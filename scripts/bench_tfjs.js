// The in-context transformer of crate/src/model/transformer.rs (and scripts/bench_torch.py)
// rebuilt in TensorFlow.js for the browser benchmark: read-in, learned positions, pre-LayerNorm
// GPT-2 blocks with one qkv matmul, exact GELU, final LayerNorm, read-out; the same prompts
// (linear functions, x ~ N(0, I), w ~ N(0, I), y in the first coordinate of its token), MSE at
// the x positions, Adam (lr 1e-3) and gradient-norm clipping at 1.
//
// A classic script for a page that has loaded tf-core and its backends (the global `tf`); it
// defines `window.tfjsBench(backend, config, steps)`, which resolves to steps/s. Bench-only:
// scripts/bench.sh installs TF.js into ~/.cache/iclab/tfjs; nothing ships it.
"use strict";

const PRESETS = { tiny: [3, 64, 2], small: [6, 128, 4] };

function buildModel(dims, positions, layers, d, heads) {
  const weight = (rows, cols) => tf.variable(tf.randomNormal([rows, cols], 0, 0.02));
  const zeros = (n) => tf.variable(tf.zeros([n]));
  const ones = (n) => tf.variable(tf.ones([n]));
  const norm = () => ({ gain: ones(d), bias: zeros(d) });
  const linear = (i, o) => ({ w: weight(i, o), b: zeros(o) });
  return {
    readIn: linear(dims, d),
    wpe: tf.variable(tf.randomNormal([positions, d], 0, 0.02)),
    blocks: Array.from({ length: layers }, () => ({
      ln1: norm(),
      qkv: linear(d, 3 * d),
      proj: linear(d, d),
      ln2: norm(),
      fc: linear(d, 4 * d),
      out: linear(4 * d, d),
    })),
    lnF: norm(),
    readOut: linear(d, 1),
    heads,
    d,
    // Additive causal mask: -1e9 above the diagonal.
    mask: tf.mul(tf.sub(tf.linalg.bandPart(tf.ones([positions, positions]), -1, 0), 1), 1e9),
  };
}

const dense = (x, { w, b }) => tf.add(tf.matMul(x, w), b); // x: [n, in]

function layerNorm(x, { gain, bias }) {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))), gain), bias);
}

const gelu = (x) => tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1));

function forward(m, tokens) {
  const [b, s, dims] = tokens.shape;
  const { d, heads } = m;
  const hd = d / heads;
  const mask = tf.slice(m.mask, [0, 0], [s, s]);
  const rows = (t) => tf.reshape(t, [b * s, -1]);
  const seqs = (t) => tf.reshape(t, [b, s, -1]);
  let x = tf.add(seqs(dense(rows(tokens), m.readIn)), tf.slice(m.wpe, [0, 0], [s, d]));
  for (const blk of m.blocks) {
    const qkv = tf.transpose(tf.reshape(dense(rows(layerNorm(x, blk.ln1)), blk.qkv), [b, s, 3, heads, hd]), [2, 0, 3, 1, 4]); // [3, b, h, s, hd]
    const [q, k, v] = tf.unstack(qkv, 0);
    const att = tf.softmax(tf.add(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(hd)), mask), -1);
    const o = rows(tf.transpose(tf.matMul(att, v), [0, 2, 1, 3]));
    x = tf.add(x, seqs(dense(o, blk.proj)));
    x = tf.add(x, seqs(dense(gelu(dense(rows(layerNorm(x, blk.ln2)), blk.fc)), blk.out)));
  }
  return tf.reshape(dense(rows(layerNorm(x, m.lnF)), m.readOut), [b, s]);
}

function prompts(batch, points, dims) {
  const xs = tf.randomNormal([batch, points, dims]);
  const ys = tf.matMul(xs, tf.randomNormal([batch, dims, 1])); // [b, p, 1]
  const yTokens = tf.concat([ys, tf.zeros([batch, points, dims - 1])], 2);
  const tokens = tf.reshape(tf.stack([xs, yTokens], 2), [batch, 2 * points, dims]);
  return { tokens, ys: tf.reshape(ys, [batch, points]) };
}

window.tfjsBench = async function tfjsBench(backend, config, steps) {
  await tf.setBackend(backend);
  await tf.ready();
  const { dims, points, batchSize } = config;
  const [layers, d, heads] = PRESETS[config.preset];
  const model = buildModel(dims, 2 * points, layers, d, heads);
  const optimizer = tf.train.adam(1e-3);
  const step = () =>
    tf.tidy(() => {
      const { tokens, ys } = prompts(batchSize, points, dims);
      // The predictions at the x positions (even tokens): [b, 2p] -> [b, p, 2] -> first column.
      const atX = (y) => tf.reshape(tf.slice(tf.reshape(y, [batchSize, points, 2]), [0, 0, 0], [batchSize, points, 1]), [batchSize, points]);
      const { value, grads } = tf.variableGrads(() => tf.losses.meanSquaredError(ys, atX(forward(model, tokens))));
      const names = Object.keys(grads);
      // Pairwise adds: TF.js's WebGPU addN binds one buffer per input, over the limit of 8.
      const norm = tf.sqrt(names.map((n) => tf.sum(tf.square(grads[n]))).reduce((a, b) => tf.add(a, b)));
      const scale = tf.minimum(tf.scalar(1), tf.div(1, tf.add(norm, 1e-6)));
      optimizer.applyGradients(Object.fromEntries(names.map((n) => [n, tf.mul(grads[n], scale)])));
      return value;
    });
  // Warm-up (shader compilation, kernel selection), then `steps` steps with one read at the end:
  // as iclab reads one loss per report.
  for (let i = 0; i < 2; i++) {
    const warm = step();
    await warm.data();
    warm.dispose();
  }
  const start = performance.now();
  let loss;
  for (let i = 0; i < steps; i++) {
    loss?.dispose();
    loss = step();
  }
  const value = (await loss.data())[0];
  const seconds = (performance.now() - start) / 1000;
  loss.dispose();
  return { stepsPerSecond: steps / seconds, loss: value, backend: tf.getBackend(), tensors: tf.memory().numTensors };
};
