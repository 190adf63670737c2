"""Joule's and PyTorch's GPU benchmarks side by side, as a markdown table (for docs/BENCHMARKS.md).

    python3 bench/gpu/report.py joule.jsonl torch.jsonl

Reads the JSON lines of joule.bench.GpuBench and bench/torch_cuda_workloads.py (one per repetition) and
prints, per benchmark, each side's median, Joule/PyTorch as a throughput ratio (> 1: Joule is faster),
and for bandwidths each side's median as a share of its own device-to-device copy.
"""
import json
import statistics
import sys


def medians(path):
    values, units = {}, {}
    try:
        with open(path) as f:
            for line in f:
                if line.startswith("{"):
                    r = json.loads(line)
                    values.setdefault(r["workload"], []).append(r["value"])
                    units[r["workload"]] = r["unit"]
    except FileNotFoundError:
        pass
    return {k: statistics.median(v) for k, v in values.items()}, units


def cell(value, copy, unit):
    if value is None:
        return "–"
    share = " (%.0f%% of copy)" % (100 * value / copy) if unit == "GB/s" and copy else ""
    return "%.4g%s" % (value, share)


def main(argv):
    if len(argv) != 2:
        sys.exit("usage: report.py joule.jsonl torch.jsonl")
    joule, joule_units = medians(argv[0])
    torch, torch_units = medians(argv[1])
    units = {**torch_units, **joule_units}
    if not units:
        sys.exit("report: no results in %s or %s" % (argv[0], argv[1]))
    print("| benchmark | unit | Joule | PyTorch | Joule/PyTorch |")
    print("|---|---|---|---|---|")
    for name in list(joule) + [n for n in torch if n not in joule]:
        j, t, unit = joule.get(name), torch.get(name), units[name]
        ratio = "%.2f" % (j / t) if j and t else "–"
        print("| %s | %s | %s | %s | %s |" % (name, unit, cell(j, joule.get("copy"), unit),
                                              cell(t, torch.get("copy"), unit), ratio))


if __name__ == "__main__":
    main(sys.argv[1:])
