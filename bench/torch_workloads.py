"""PyTorch's side of bench/compare: the workloads of joule.bench.Compare, timed the same way.

    /usr/bin/python3 bench/torch_workloads.py WORKLOAD REPS [MIN_SECONDS_PER_REP [WARMUP_SECONDS]]
    /usr/bin/python3 bench/torch_workloads.py list

Warms up for WARMUP_SECONDS (default 2, at least two steps), then prints one JSON line per repetition,
each repetition as many steps as fit in MIN_SECONDS_PER_REP (default 0.5). float32, threads from
JOULE_BENCH_THREADS (default 2). Losses are written the standard way (torch.autograd.grad with
create_graph=True), with the signs of Joule's losses. The workloads take a device (default the CPU);
bench/torch_cuda_workloads.py runs them on CUDA.
"""
import json
import math
import os
import sys
import time

import torch
from torch import nn
from torch.autograd import grad

THREADS = int(os.environ.get("JOULE_BENCH_THREADS", "2"))
torch.set_num_threads(THREADS)
torch.set_default_dtype(torch.float32)


def mlp(*sizes, device="cpu"):
    """MLP sizes[0] -> ... -> 1 with SiLU between the layers, energy E(x) of shape [B]."""
    torch.manual_seed(1)
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i + 2 < len(sizes):
            layers.append(nn.SiLU())
    net = nn.Sequential(*layers).to(device)
    return net, lambda x: net(x).squeeze(1)


def batch(b, d, device="cpu"):
    return torch.randn(b, d, generator=torch.Generator().manual_seed(2)).to(device)


def train_step(net, loss_fn, x):
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)

    def step():
        opt.zero_grad()
        loss_fn(x).backward()
        opt.step()
    return step, 1.0, "steps/s"


def sgemm(n, device="cpu"):
    g = torch.Generator().manual_seed(0)
    a, b = torch.randn(n, n, generator=g).to(device), torch.randn(n, n, generator=g).to(device)
    return lambda: a @ b, 2.0 * n ** 3 / 1e9, "GFLOP/s"


def ssm(d, device="cpu"):
    """SSM, 1 Rademacher projection: mean(v^T (grad_x s) v + 1/2 (v^T s)^2), s = -grad_x E."""
    net, energy = mlp(d, 128, 128, 1, device=device)

    def loss(x):
        x = x.clone().requires_grad_()
        v = torch.randint(0, 2, x.shape, dtype=x.dtype, device=x.device) * 2 - 1
        s = -grad(energy(x).sum(), x, create_graph=True)[0]
        vs = (v * s).sum()
        gv = grad(vs, x, create_graph=True)[0]
        return ((gv * v).sum(1) + 0.5 * (v * s).sum(1) ** 2).mean()
    return train_step(net, loss, batch(1024, d, device))


def esm(d, device="cpu"):
    """Exact SM: mean(-tr(hess_x E) + 1/2 |grad_x E|^2), the trace by D backward passes."""
    net, energy = mlp(d, 128, 128, 1, device=device)

    def loss(x):
        x = x.clone().requires_grad_()
        g = grad(energy(x).sum(), x, create_graph=True)[0]
        trace = 0
        for i in range(d):
            trace = trace + grad(g[:, i].sum(), x, create_graph=True)[0][:, i]
        return (-trace + 0.5 * (g ** 2).sum(1)).mean()
    return train_step(net, loss, batch(256, d, device))


def dsm(sigma=0.1, device="cpu"):
    """DSM: 1/2 mean |s(x + sigma eps) + eps / sigma|^2."""
    net, energy = mlp(784, 512, 512, 1, device=device)

    def loss(x):
        eps = torch.randn_like(x)
        noisy = (x + sigma * eps).requires_grad_()
        s = -grad(energy(noisy).sum(), noisy, create_graph=True)[0]
        return 0.5 * ((s + eps / sigma) ** 2).sum(1).mean()
    return train_step(net, loss, batch(256, 784, device))


def langevin(chains=10_000, steps=100, eta=0.01, device="cpu"):
    """100 ULA steps x <- x - eta grad E(x) + sqrt(2 eta) xi, 10,000 chains in 2-D."""
    net, energy = mlp(2, 128, 128, 1, device=device)
    for p in net.parameters():
        p.requires_grad_(False)
    init = batch(chains, 2, device)

    def run():
        x = init
        for _ in range(steps):
            x = x.detach().requires_grad_()
            g = grad(energy(x).sum(), x)[0]
            with torch.no_grad():
                x = x - eta * g + math.sqrt(2 * eta) * torch.randn_like(x)
        return x
    return run, float(chains * steps), "chain-steps/s"


class FourierEmbedding(nn.Module):
    """[sin(2 pi W t), cos(2 pi W t)] with fixed W ~ N(0, scale^2) (Joule's GaussianFourierEmbedding)."""

    def __init__(self, m, scale):
        super().__init__()
        self.register_buffer("W", torch.randn(m) * scale)

    def forward(self, t):
        a = t[:, None] * self.W[None, :] * (2 * math.pi)
        return torch.cat([a.sin(), a.cos()], dim=1)


def groups(c):
    """Joule's GroupNorm.defaultGroups: min(c / 4, 32) or the next divisor of c below it, at least 1."""
    g = max(1, min(c // 4, 32))
    while c % g:
        g -= 1
    return g


class ResBlock(nn.Module):
    """Joule's ResidualBlock: norm -> SiLU -> conv -> + Linear(SiLU(emb)) -> norm -> SiLU -> conv, 1x1 skip."""

    def __init__(self, cin, cout, emb):
        super().__init__()
        self.norm1, self.conv1 = nn.GroupNorm(groups(cin), cin), nn.Conv2d(cin, cout, 3, padding=1)
        self.emb = nn.Linear(emb, cout)
        self.norm2, self.conv2 = nn.GroupNorm(groups(cout), cout), nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else None

    def forward(self, x, e):
        h = self.conv1(nn.functional.silu(self.norm1(x))) + self.emb(nn.functional.silu(e))[:, :, None, None]
        h = self.conv2(nn.functional.silu(self.norm2(h)))
        return (x if self.skip is None else self.skip(x)) + h


class UNet(nn.Module):
    """Joule's UNet (joule.ebm.nn.UNet) layer for layer: s(x, sigma) = net(x, log sigma) / sigma."""

    def __init__(self, base=32, mults=(1, 2, 2), blocks=1, scale=16.0):
        super().__init__()
        emb = 4 * base
        self.embed = nn.Sequential(FourierEmbedding(base, scale), nn.Linear(2 * base, emb), nn.SiLU(),
                                   nn.Linear(emb, emb))
        self.conv_in = nn.Conv2d(1, base, 3, padding=1)
        skips, ch = [base], base
        self.down, self.downsample = nn.ModuleList(), nn.ModuleList()
        for i, m in enumerate(mults):
            level = nn.ModuleList()
            for _ in range(blocks):
                level.append(ResBlock(ch, base * m, emb))
                ch = base * m
                skips.append(ch)
            self.down.append(level)
            if i + 1 < len(mults):
                self.downsample.append(nn.Conv2d(ch, ch, 3, stride=2, padding=1))
                skips.append(ch)
        self.mid = nn.ModuleList([ResBlock(ch, ch, emb), ResBlock(ch, ch, emb)])
        self.up, self.upsample = nn.ModuleList(), nn.ModuleList()
        for i in reversed(range(len(mults))):
            level = nn.ModuleList()
            for _ in range(blocks + 1):
                level.append(ResBlock(ch + skips.pop(), base * mults[i], emb))
                ch = base * mults[i]
            self.up.append(level)
            if i > 0:
                self.upsample.append(nn.Conv2d(ch, ch, 3, padding=1))
        self.norm_out, self.conv_out = nn.GroupNorm(groups(ch), ch), nn.Conv2d(ch, 1, 3, padding=1)

    def forward(self, x, sigma):
        e = self.embed(sigma.log())
        h = self.conv_in(x)
        hs = [h]
        for i, level in enumerate(self.down):
            for b in level:
                h = b(h, e)
                hs.append(h)
            if i < len(self.downsample):
                h = self.downsample[i](h)
                hs.append(h)
        h = self.mid[1](self.mid[0](h, e), e)
        for k, level in enumerate(self.up):
            for b in level:
                h = b(torch.cat([h, hs.pop()], dim=1), e)
            if k < len(self.upsample):
                h = self.upsample[k](nn.functional.interpolate(h, scale_factor=2, mode="nearest"))
        return self.conv_out(nn.functional.silu(self.norm_out(h))) / sigma[:, None, None, None]


def unet_ncsn(device="cpu"):
    """NCSN step of the U-Net (base 32, multipliers 1, 2, 2, one block per level) on [128, 1, 28, 28]:
    a level per sample from 10 geometric sigmas in [0.01, 1], mean 1/2 |sigma s(x + sigma eps) + eps|^2."""
    torch.manual_seed(1)
    net = UNet().to(device)
    sigmas = torch.tensor([math.exp(math.log(1.0) + i / 9 * math.log(0.01)) for i in range(10)], device=device)
    x = torch.randn(128, 1, 28, 28, generator=torch.Generator().manual_seed(2)).to(device)

    def loss(x):
        sigma = sigmas[torch.randint(0, 10, (x.shape[0],), device=device)]
        eps = torch.randn_like(x)
        s = net(x + sigma[:, None, None, None] * eps, sigma)
        return 0.5 * (sigma[:, None, None, None] * s + eps).square().sum(dim=(1, 2, 3)).mean()
    return train_step(net, loss, x)


WORKLOADS = {
    "sgemm-256": lambda: sgemm(256), "sgemm-1024": lambda: sgemm(1024),
    "ssm-d2": lambda: ssm(2), "ssm-d784": lambda: ssm(784),
    "esm-d2": lambda: esm(2), "esm-d16": lambda: esm(16), "esm-d64": lambda: esm(64),
    "dsm-d784": dsm, "langevin-2d": langevin, "unet-ncsn": unet_ncsn,
}


def main(argv):
    if argv == ["list"]:
        print("\n".join(WORKLOADS))
        return
    if len(argv) < 2 or argv[0] not in WORKLOADS:
        sys.exit(f"usage: torch_workloads.py WORKLOAD REPS [MIN_SECONDS_PER_REP [WARMUP_SECONDS]]; "
                 f"workloads: {', '.join(WORKLOADS)}; got {' '.join(argv)}")
    name, reps = argv[0], int(argv[1])
    min_seconds = float(argv[2]) if len(argv) > 2 else 0.5
    warmup = float(argv[3]) if len(argv) > 3 else 2.0
    torch.manual_seed(3)
    step, work, unit = WORKLOADS[name]()
    warm_end = time.perf_counter() + warmup
    i = 0
    while i < 2 or time.perf_counter() < warm_end:
        step()
        i += 1
    for rep in range(reps):
        steps, start = 0, time.perf_counter()
        while True:
            step()
            steps += 1
            elapsed = time.perf_counter() - start
            if elapsed >= min_seconds:
                break
        print(json.dumps({"impl": "pytorch", "workload": name, "rep": rep, "value": work * steps / elapsed,
                          "unit": unit, "steps": steps, "seconds": round(elapsed, 4),
                          "threads": torch.get_num_threads()}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
