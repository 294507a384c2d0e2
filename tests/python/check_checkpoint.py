"""Checks a checkpoint outside the project: parses the safetensors file by hand (the format is an
8-byte header length, a JSON header, raw little-endian data), rebuilds the transformer in numpy
from the documented tensor names, and compares its predictions with the ones `iclab icl eval
--examples` printed for the same prompts.

    python3 tests/python/check_checkpoint.py CHECKPOINT EVAL_JSON

Only numpy is needed; the same names load with `safetensors.torch.load_file` in PyTorch.
"""
import json
import math
import struct
import sys

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


def layer_norm(x, gamma, beta, eps=1e-5):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * gamma + beta


def gelu(x):  # exact (erf) GELU, as burn's
    return 0.5 * x * (1.0 + np.vectorize(math.erf)(x / math.sqrt(2.0)))


def linear(t, name, x):  # burn stores Linear weights [in, out]
    return x @ t[f"{name}.weight"] + t[f"{name}.bias"]


def forward(t, heads, tokens):
    """tokens [seq, d] -> one prediction per token [seq]."""
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
        x = x + linear(t, f"{p}.mlp.proj", gelu(linear(t, f"{p}.mlp.fc", h)))
    x = layer_norm(x, t["ln_f.gamma"], t["ln_f.beta"])
    return linear(t, "read_out", x)[:, 0]


def main(checkpoint, eval_json):
    meta, t = load(checkpoint)
    assert meta["format"] == "iclab/transformer/1", meta["format"]
    config = json.loads(meta["config"])
    heads = config.get("heads") or {"tiny": 2, "small": 4}[config.get("preset", "tiny")]
    with open(eval_json) as f:
        result = json.load(f)
    worst = 0.0
    for ex in result["examples"]:
        xs, ys = np.array(ex["xs"]), np.array(ex["targets"])
        points, d = xs.shape
        tokens = np.zeros((2 * points, d))
        tokens[0::2] = xs
        tokens[1::2, 0] = ys
        ours = forward(t, heads, tokens)[0::2]
        theirs = np.array(ex["predictions"]["model"])
        worst = max(worst, float(np.abs(ours - theirs).max()))
    print(f"{len(result['examples'])} prompts, {len(t)} tensors, step {meta['step']}: max |numpy - iclab| = {worst:.2e}")
    assert worst < 1e-4, worst


if __name__ == "__main__":
    main(*sys.argv[1:])
