"""Checks a checkpoint outside the project: parses the safetensors file by hand (the format is an
8-byte header length, a JSON header, raw little-endian data), rebuilds the model in numpy from
the documented tensor names (transformer, or xLSTM in its recurrent form), draws random prompts,
asks `iclab predict` for its predictions on them and compares.

    python3 tests/python/check_checkpoint.py CHECKPOINT ICLAB_BINARY

Only numpy is needed; the same names load with `safetensors.torch.load_file` in PyTorch.
"""
import json
import math
import struct
import subprocess
import sys
import tempfile

import numpy as np


def load(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + n])
    meta = header.pop("__metadata__")
    data = raw[8 + n :]
    tensors = {}
    for name, info in header.items():
        assert info["dtype"] == "F32", (name, info["dtype"])
        start, end = info["data_offsets"]
        tensors[name] = np.frombuffer(data[start:end], dtype="<f4").reshape(info["shape"]).astype(np.float64)
    return meta, tensors


def layer_norm(x, gamma, beta=0.0, eps=1e-5):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * gamma + beta


def gelu(x):  # exact (erf) GELU, as burn's `gelu`
    return 0.5 * x * (1.0 + np.vectorize(math.erf)(x / math.sqrt(2.0)))


def gelu_tanh(x):  # GELU's tanh approximation: GPT-2's `gelu_new`
    return 0.5 * x * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x**3)))


def relu(x):
    return np.maximum(x, 0.0)


def linear(t, name, x):  # burn stores Linear weights [in, out]
    return x @ t[f"{name}.weight"] + t[f"{name}.bias"]


def forward(t, heads, tokens, act):
    """tokens [seq, d] -> one prediction per token [seq]; `act` is the MLP's GELU."""
    seq = tokens.shape[0]
    x = linear(t, "read_in", tokens) + t["wpe.weight"][:seq]
    layers = len({k.split(".")[1] for k in t if k.startswith("blocks.")})
    d_model = x.shape[1]
    hd = d_model // heads
    mask = np.triu(np.full((seq, seq), -np.inf), 1)
    for i in range(layers):
        p = f"blocks.{i}"
        h = layer_norm(x, t[f"{p}.ln_1.gamma"], t[f"{p}.ln_1.beta"])
        qkv = linear(t, f"{p}.attn.qkv", h)
        q, k, v = (qkv[:, j * d_model : (j + 1) * d_model].reshape(seq, heads, hd).transpose(1, 0, 2) for j in range(3))
        att = q @ k.transpose(0, 2, 1) / math.sqrt(hd) + mask
        att = np.exp(att - att.max(-1, keepdims=True))
        att /= att.sum(-1, keepdims=True)
        y = (att @ v).transpose(1, 0, 2).reshape(seq, d_model)
        x = x + linear(t, f"{p}.attn.proj", y)
        h = layer_norm(x, t[f"{p}.ln_2.gamma"], t[f"{p}.ln_2.beta"])
        x = x + linear(t, f"{p}.mlp.proj", act(linear(t, f"{p}.mlp.fc", h)))
    x = layer_norm(x, t["ln_f.gamma"], t["ln_f.beta"])
    return linear(t, "read_out", x)[:, 0]


# ---------------------------------------------------------------- xLSTM (recurrent form)


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def log_sigmoid(x):
    return -np.logaddexp(0.0, -x)


def silu(x):
    return x * sigmoid(x)


def head_norm(x, weight, heads, eps=1e-5):
    """Per-head LayerNorm without bias over [seq, heads * hd], scaled by `weight`."""
    seq, f = x.shape
    h = x.reshape(seq, heads, f // heads)
    h = (h - h.mean(-1, keepdims=True)) / np.sqrt(h.var(-1, keepdims=True) + eps)
    return h.reshape(seq, f) * weight


def causal_conv(x, weight, bias):
    """Depthwise causal conv: x [seq, C], weight [C, K]."""
    seq, _ = x.shape
    k = weight.shape[1]
    padded = np.vstack([np.zeros((k - 1, x.shape[1])), x])
    return bias + sum(padded[j : j + seq] * weight[:, j] for j in range(k))


def headwise(x, weight):
    """Block-diagonal map: x [seq, H * in], weight [H, out, in]."""
    heads, out, per = weight.shape
    return np.einsum("shi,hoi->sho", x.reshape(-1, heads, per), weight).reshape(-1, heads * out)


def mlstm(t, p, x):
    inner = t[f"{p}.skip"].shape[0]
    up = x @ t[f"{p}.proj_up.weight"]
    branch, z = up[:, :inner], up[:, inner:]
    conv = silu(causal_conv(branch, t[f"{p}.conv.weight"], t[f"{p}.conv.bias"]))
    q, k, v = headwise(conv, t[f"{p}.q_proj.weight"]), headwise(conv, t[f"{p}.k_proj.weight"]), headwise(branch, t[f"{p}.v_proj.weight"])
    gates = np.hstack([q, k, v])
    ig = gates @ t[f"{p}.cell.igate.weight"] + t[f"{p}.cell.igate.bias"]
    fg = gates @ t[f"{p}.cell.fgate.weight"] + t[f"{p}.cell.fgate.bias"]
    heads = ig.shape[1]
    dk = inner // heads
    h = np.zeros_like(q)
    for head in range(heads):
        c, n, m = np.zeros((dk, dk)), np.zeros(dk), 0.0
        cols = slice(head * dk, (head + 1) * dk)
        for s in range(x.shape[0]):
            lf = log_sigmoid(fg[s, head]) + m
            m_new = max(lf, ig[s, head])
            i, f = math.exp(ig[s, head] - m_new), math.exp(lf - m_new)
            ks = k[s, cols] / math.sqrt(dk)
            c = f * c + i * np.outer(ks, v[s, cols])
            n = f * n + i * ks
            qs = q[s, cols]
            h[s, cols] = c.T @ qs / (max(abs(n @ qs), math.exp(-m_new)) + 1e-6)
            m = m_new
    h = head_norm(h, t[f"{p}.cell.norm.weight"], heads)
    return ((h + t[f"{p}.skip"] * conv) * silu(z)) @ t[f"{p}.proj_down.weight"]


def slstm(t, p, x):
    conv = silu(causal_conv(x, t[f"{p}.conv.weight"], t[f"{p}.conv.bias"]))
    wx = [headwise(conv, t[f"{p}.igate.weight"]), headwise(conv, t[f"{p}.fgate.weight"]),
          headwise(x, t[f"{p}.zgate.weight"]), headwise(x, t[f"{p}.ogate.weight"])]
    r, bias = t[f"{p}.cell.recurrent"], t[f"{p}.cell.bias"]  # [H, hd, 4·hd], [4, units]
    heads, hd, _ = r.shape
    units = heads * hd
    c, n, m, h = (np.zeros(units) for _ in range(4))
    out = np.zeros_like(x)
    for s in range(x.shape[0]):
        rh = np.einsum("hj,hjo->ho", h.reshape(heads, hd), r).reshape(heads, 4, hd).transpose(1, 0, 2).reshape(4, units)
        raw = np.stack([w[s] for w in wx]) + bias + (rh if s > 0 else 0.0)
        i_raw, f_raw, z_raw, o_raw = raw
        lf = log_sigmoid(f_raw) + m
        m_new = i_raw if s == 0 else np.maximum(lf, i_raw)
        i, f = np.exp(i_raw - m_new), np.exp(lf - m_new)
        c = f * c + i * np.tanh(z_raw)
        n = f * n + i
        h = sigmoid(o_raw) * c / n
        m = m_new
        out[s] = h
    return head_norm(out, t[f"{p}.norm.weight"], heads)


def xlstm_forward(t, tokens):
    x = linear(t, "read_in", tokens)
    blocks = sorted({int(k.split(".")[1]) for k in t if k.startswith("blocks.")})
    for i in blocks:
        p = f"blocks.{i}"
        h = layer_norm(x, t[f"{p}.norm.gamma"])
        if f"{p}.mlstm.skip" in t:
            x = x + mlstm(t, f"{p}.mlstm", h)
        else:
            x = x + slstm(t, f"{p}.slstm", h)
            h = layer_norm(x, t[f"{p}.ffn_norm.gamma"])
            up = h @ t[f"{p}.ffn.proj_up.weight"]
            w = up.shape[1] // 2
            x = x + (gelu(up[:, :w]) * up[:, w:]) @ t[f"{p}.ffn.proj_down.weight"]
    return linear(t, "read_out", layer_norm(x, t["post_norm.gamma"]))[:, 0]


def prompt_tokens(layout, xs, ys):
    """The tokens of one prompt ([points, d] inputs, [points] outputs) and where its predictions
    are read: interleaved [x_1, y_1, x_2, y_2, ...] read at the x tokens, or paired, one token
    [x_i; x_{i-1}; y_{i-1}] per example (zeros before the first) read at every token."""
    points, d = xs.shape
    if layout == "interleaved":
        tokens = np.zeros((2 * points, d))
        tokens[0::2] = xs
        tokens[1::2, 0] = ys
        return tokens, slice(0, None, 2)
    assert layout == "paired", layout
    tokens = np.zeros((points, 2 * d + 1))
    tokens[:, :d] = xs
    tokens[1:, d : 2 * d] = xs[:-1]
    tokens[1:, 2 * d] = ys[:-1]
    return tokens, slice(None)


def main(checkpoint, iclab):
    meta, t = load(checkpoint)
    config = json.loads(meta["config"])
    model = config.get("model", "transformer")
    # iclab/transformer/2: the config's activation (tanh GELU, the reference's, unless it names
    # another); iclab/transformer/1: exact GELU
    activations = {"gelu_tanh": gelu_tanh, "gelu": gelu, "relu": relu}
    chosen = activations[config.get("activation", "gelu_tanh")]
    formats = {"transformer": {"iclab/transformer/2": chosen, "iclab/transformer/1": gelu}, "xlstm": {"iclab/xlstm/1": None}}
    assert meta["format"] in formats[model], meta["format"]
    act = formats[model][meta["format"]]
    d, points = config.get("dims", 5), config.get("points", 11)
    rng = np.random.default_rng(7)
    xs = rng.standard_normal((6, points, d))
    ys = xs @ rng.standard_normal(d)  # any numbers will do: the check is the arithmetic
    with tempfile.NamedTemporaryFile("w", suffix=".json") as f:
        json.dump({"xs": xs.tolist(), "ys": ys.tolist()}, f)
        f.flush()
        out = subprocess.run([iclab, "--json", "predict", "--checkpoint", checkpoint, "--input", f.name, "--device", "cpu"],
                             check=True, capture_output=True, text=True).stdout
    theirs = np.array(json.loads(out)["predictions"])
    heads = config.get("heads") or {"tiny": 2, "small": 4}[config.get("preset", "tiny")]
    worst = 0.0
    layout = config.get("tokens", "interleaved")
    for b in range(xs.shape[0]):
        tokens, at = prompt_tokens(layout, xs[b], ys[b])
        ours = (xlstm_forward(t, tokens) if model == "xlstm" else forward(t, heads, tokens, act))[at]
        worst = max(worst, float(np.abs(ours - theirs[b]).max()))
    print(f"{meta['format']} ({layout} tokens): {xs.shape[0]} prompts, {len(t)} tensors, step {meta['step']}: max |numpy - iclab predict| = {worst:.2e}")
    assert worst < 1e-4, worst


if __name__ == "__main__":
    main(*sys.argv[1:])
