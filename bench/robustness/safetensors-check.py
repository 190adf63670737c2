#!/usr/bin/env python3
"""Checks that a safetensors file is whole: an 8-byte header length, a JSON header, tensors that exactly
cover the data section in order, float32/float64 values that are all finite. Prints the metadata's
"step" (or "-"); on a problem prints it and exits 1.  Usage: safetensors-check.py FILE"""
import json, math, struct, sys

path = sys.argv[1]
data = open(path, "rb").read()
try:
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n].decode("utf-8"))
    body = data[8 + n:]
    end = 0
    for name, spec in sorted(((k, v) for k, v in header.items() if k != "__metadata__"),
                             key=lambda kv: kv[1]["data_offsets"][0]):
        lo, hi = spec["data_offsets"]
        size = {"F32": 4, "F64": 8}[spec["dtype"]]
        count = math.prod(spec["shape"])
        assert lo == end and hi - lo == size * count, f"{name}: offsets {lo}..{hi} after {end}, {count} values"
        values = struct.unpack(f"<{count}{'f' if size == 4 else 'd'}", body[lo:hi])
        assert all(math.isfinite(v) for v in values), f"{name}: a non-finite value"
        end = hi
    assert end == len(body), f"data section of {len(body)} bytes, tensors cover {end}"
    print(header.get("__metadata__", {}).get("step", "-"))
except Exception as e:  # noqa: BLE001 - any problem is reported the same way
    print(f"{path}: {e}")
    sys.exit(1)
