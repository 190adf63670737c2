"""PyTorch's side of joule.bench.GpuBench: the same GPU benchmarks, on CUDA, timed with CUDA events.

    python3 bench/torch_cuda_workloads.py [--reps N] [--min-seconds S] [--warmup S] [--elements N] [--only REGEX]
    python3 bench/torch_cuda_workloads.py --list

Device-to-device copy, elementwise ops and reductions (GB/s: the bytes each must move at the least, over
the time), torch.mm in float32 with torch.backends.cuda.matmul.allow_tf32 False (sgemm-N) and True
(sgemm-N-tf32), and the workloads of bench/compare (bench/torch_workloads.py, on the GPU) plus Langevin
sampling of a million chains. Each benchmark warms up for WARMUP seconds (at least two steps), then times
REPS repetitions of a number of steps that lasts at least MIN_SECONDS, between two CUDA events (synchronised
on the second). Prints one JSON line per repetition on stdout and a table of medians on stderr.
"""
import argparse
import json
import math
import os
import re
import statistics
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_workloads as cpu_side  # noqa: E402  (the workloads of bench/compare, which take a device)

DEVICE = "cuda"


def bandwidth(n, inputs, passes, op):
    g = torch.Generator(device=DEVICE).manual_seed(0)
    tensors = [torch.randn(n, device=DEVICE, generator=g) for _ in range(inputs)]
    return (lambda: op(*tensors)), passes * n * 4 / 1e9, "GB/s"


def sgemm(n, tf32):
    step, work, unit = cpu_side.sgemm(n, DEVICE)

    def run():
        torch.backends.cuda.matmul.allow_tf32 = tf32
        return step()
    return run, work, unit


def benchmarks(n):
    eta = 0.01
    scale = math.sqrt(2 * eta)
    all_ = {
        "copy": lambda: bandwidth(n, 1, 2, lambda x: x.clone()),
        "exp": lambda: bandwidth(n, 1, 2, torch.exp),
        "add": lambda: bandwidth(n, 2, 3, torch.add),
        "add-silu": lambda: bandwidth(n, 2, 3, lambda x, y: torch.nn.functional.silu(x + y)),
        "langevin-step": lambda: bandwidth(n, 3, 4, lambda x, s, z: torch.add(torch.add(x, s, alpha=eta), z,
                                                                              alpha=scale)),
        "sum": lambda: bandwidth(n, 1, 1, torch.sum),
        "sum-rows": lambda: bandwidth(n, 1, 1, lambda x: x.view(-1, 4096).sum(1)),
        "sum-columns": lambda: bandwidth(n, 1, 1, lambda x: x.view(-1, 4096).sum(0)),
        "max": lambda: bandwidth(n, 1, 1, torch.max),
    }
    for size in (256, 512, 1024, 2048, 4096, 8192):
        all_["sgemm-%d" % size] = lambda size=size: sgemm(size, False)
        all_["sgemm-%d-tf32" % size] = lambda size=size: sgemm(size, True)
    all_.update({
        "ssm-d2": lambda: cpu_side.ssm(2, DEVICE), "ssm-d784": lambda: cpu_side.ssm(784, DEVICE),
        "esm-d2": lambda: cpu_side.esm(2, DEVICE), "esm-d16": lambda: cpu_side.esm(16, DEVICE),
        "esm-d64": lambda: cpu_side.esm(64, DEVICE), "dsm-d784": lambda: cpu_side.dsm(device=DEVICE),
        "langevin-2d": lambda: cpu_side.langevin(device=DEVICE),
        "langevin-2d-1m": lambda: cpu_side.langevin(chains=1 << 20, device=DEVICE),
    })
    return all_


def timed(step, steps):
    """Seconds for `steps` steps, between CUDA events around them."""
    torch.cuda.synchronize()
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record()
    for _ in range(steps):
        step()
    end.record()
    end.synchronize()
    return start.elapsed_time(end) / 1e3


def run(step, reps, min_seconds, warmup):
    """Warm-up, then `reps` repetitions of a step count that lasts at least min_seconds: [(steps, seconds)]."""
    spent, i = 0.0, 0
    while i < 2 or spent < warmup:
        spent += timed(step, 1)
        i += 1
    steps = 1
    while timed(step, steps) < min_seconds:
        steps *= 2
    return [(steps, timed(step, steps)) for _ in range(reps)]


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--min-seconds", type=float, default=0.2)
    p.add_argument("--warmup", type=float, default=1.0)
    p.add_argument("--elements", type=int, default=1 << 26, help="float32 elements per bandwidth tensor")
    p.add_argument("--only", default="", help="run the benchmarks whose name this regex finds")
    p.add_argument("--list", action="store_true", help="print the benchmarks' names")
    a = p.parse_args(argv)
    if a.elements < 4096 or a.elements % 4096:
        sys.exit("torch_cuda_workloads: --elements must be a positive multiple of 4096, got %d" % a.elements)
    table = benchmarks(a.elements)
    if a.list:
        print("\n".join(table))
        return
    if not torch.cuda.is_available():
        sys.exit("torch_cuda_workloads: PyTorch sees no CUDA device")
    torch.manual_seed(3)
    medians = {}
    for name, make in table.items():
        if not re.search(a.only, name):
            continue
        step, work, unit = make()
        reps = run(step, a.reps, a.min_seconds, a.warmup)
        for rep, (steps, seconds) in enumerate(reps):
            print(json.dumps({"impl": "pytorch-cuda", "workload": name, "rep": rep, "value": work * steps / seconds,
                              "unit": unit, "steps": steps, "seconds": round(seconds, 4)}), flush=True)
        medians[name] = (statistics.median(work * s / t for s, t in reps), unit)
        del step
        torch.cuda.empty_cache()
    print("%s, PyTorch %s" % (torch.cuda.get_device_name(), torch.__version__), file=sys.stderr)
    copy = medians.get("copy", (None,))[0]
    for name, (value, unit) in medians.items():
        share = "%.0f%%" % (100 * value / copy) if unit == "GB/s" and copy else ""
        print("%-20s %12.4g  %-14s %s" % (name, value, unit, share), file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
