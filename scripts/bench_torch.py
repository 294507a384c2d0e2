"""The reference researchers use: the in-context transformer of crate/src/model/transformer.rs
rebuilt in PyTorch (read-in, learned positions, pre-LayerNorm GPT-2 blocks with one qkv matmul,
exact GELU, final LayerNorm, read-out), trained on the same prompts (linear functions, x ~ N(0, I),
w ~ N(0, I), batch of prompts of `points` (x, y) pairs, y in the first coordinate of its token),
with the same loss (MSE at the x positions), Adam and gradient-norm clipping at 1, on the CPU.

Prints one JSON line: {"preset", "stepsPerSecond", "threads", "torch"}. Bench-only: installed by
scripts/bench.sh into its own virtual environment.

    python3 scripts/bench_torch.py --preset tiny --dims 5 --points 11 --batch-size 64 --steps 20 [--threads 1]
"""

import argparse
import json
import math
import os
import time

import torch
from torch import nn

# (layers, width, heads); "standard" is Garg et al.'s model (12 layers, width 256, 8 heads)
PRESETS = {"tiny": (3, 64, 2), "small": (6, 128, 4), "standard": (12, 256, 8)}


class Block(nn.Module):
    def __init__(self, d: int, heads: int):
        super().__init__()
        self.heads = heads
        self.ln_1 = nn.LayerNorm(d)
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)
        self.ln_2 = nn.LayerNorm(d)
        self.fc = nn.Linear(d, 4 * d)
        self.out = nn.Linear(4 * d, d)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        b, s, d = x.shape
        h, hd = self.heads, d // self.heads
        q, k, v = self.qkv(self.ln_1(x)).split(d, dim=2)
        q, k, v = (t.reshape(b, s, h, hd).transpose(1, 2) for t in (q, k, v))
        att = torch.softmax(q @ k.transpose(2, 3) / math.sqrt(hd) + mask, dim=3)
        x = x + self.proj((att @ v).transpose(1, 2).reshape(b, s, d))
        return x + self.out(nn.functional.gelu(self.fc(self.ln_2(x))))


class Transformer(nn.Module):
    def __init__(self, dims: int, positions: int, layers: int, d: int, heads: int):
        super().__init__()
        self.read_in = nn.Linear(dims, d)
        self.wpe = nn.Embedding(positions, d)
        self.blocks = nn.ModuleList(Block(d, heads) for _ in range(layers))
        self.ln_f = nn.LayerNorm(d)
        self.read_out = nn.Linear(d, 1)
        self.register_buffer("mask", torch.triu(torch.full((positions, positions), -1e9), diagonal=1))

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        b, s, _ = tokens.shape
        x = self.read_in(tokens) + self.wpe(torch.arange(s))
        for block in self.blocks:
            x = block(x, self.mask[:s, :s])
        return self.read_out(self.ln_f(x)).reshape(b, s)


def prompts(batch: int, points: int, dims: int) -> tuple[torch.Tensor, torch.Tensor]:
    xs = torch.randn(batch, points, dims)
    ys = (xs @ torch.randn(batch, dims, 1)).squeeze(2)
    tokens = torch.zeros(batch, 2 * points, dims)
    tokens[:, 0::2] = xs
    tokens[:, 1::2, 0] = ys
    return tokens, ys


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--preset", choices=PRESETS, default="tiny")
    p.add_argument("--dims", type=int, default=5)
    p.add_argument("--points", type=int, default=11)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--threads", type=int, default=0, help="intra-op threads (0: every core)")
    a = p.parse_args()
    torch.manual_seed(a.seed)
    torch.set_num_threads(a.threads or os.cpu_count() or 1)
    layers, d, heads = PRESETS[a.preset]
    model = Transformer(a.dims, 2 * a.points, layers, d, heads)
    optim = torch.optim.Adam(model.parameters(), lr=1e-3)

    def step() -> float:
        tokens, ys = prompts(a.batch_size, a.points, a.dims)
        loss = nn.functional.mse_loss(model(tokens)[:, 0::2], ys)
        optim.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optim.step()
        return loss.item()  # one read per step, as iclab reads one loss per report

    for _ in range(3):  # warm-up: allocator, thread pool
        step()
    start = time.perf_counter()
    for _ in range(a.steps):
        step()
    seconds = time.perf_counter() - start
    print(json.dumps({"preset": a.preset, "stepsPerSecond": a.steps / seconds, "threads": torch.get_num_threads(), "torch": torch.__version__}))


if __name__ == "__main__":
    main()
