#!/usr/bin/env python3
"""Cross-check of the rank engine against numpy.linalg.matrix_rank (not part of the Maven build).

Reads files written by `sheafrank.bench.MnistRankBench ... export DIR` (safetensors: nn.Sequential
weights "0.weight", "0.bias", ..., "points" [N, m], the engine's "ranks" and "sizes" [N, L]),
recomputes for every point and evaluated layer K the codeword size and the rank of the explicit
eq. 3 product P_K = Q_K W_K ... Q_1 W_1 (n_K x m; the output map without mask) with NumPy's
default tolerance sigma_max * max(n_K, m) * eps, and reports disagreements and how close the
singular values come to the threshold (sigma_r / thr: margin of the smallest counted value;
sigma_{r+1} / thr: margin of the largest uncounted one).

Usage: python3 rank_crosscheck.py FILE.safetensors [...] [--full N]
  --full N: for the first N points also call matrix_rank on the full n_K x m product (with its
  zero rows) and check it equals the value from the active rows (default 5).
"""
import json
import struct
import sys

import numpy as np


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    meta = header.pop("__metadata__", {})
    base = 8 + n
    out = {}
    for name, t in header.items():
        assert t["dtype"] == "F64", t["dtype"]
        a, b = t["data_offsets"]
        out[name] = np.frombuffer(data[base + a:base + b], dtype="<f8").reshape(t["shape"])
    return out, meta


def check(path, full_points):
    t, meta = read_safetensors(path)
    relu = int(meta["relu_layers"])
    output = meta["output_map"] == "true"
    layers = relu + (1 if output else 0)
    w = [t["%d.weight" % (2 * l)] for l in range(layers)]
    b = [t["%d.bias" % (2 * l)] for l in range(layers)]
    x = t["points"]
    jr = t["ranks"].astype(int)
    js = t["sizes"].astype(int)
    m = x.shape[1]
    eps = np.finfo(np.float64).eps
    mism = []
    size_mism = 0
    margins = [[np.inf, 0.0] for _ in range(layers)]
    near = [0] * layers  # points with a singular value within a factor 2 of the threshold
    for p in range(x.shape[0]):
        h = x[p]
        prod = None
        for l in range(layers):
            z = w[l] @ h + b[l]
            act = z > 0 if l < relu else np.ones(len(z), dtype=bool)
            if act.sum() != js[p, l]:
                size_mism += 1
            h = np.where(act, z, 0.0)
            rows = w[l][act] if prod is None else w[l][act][:, prev_act] @ prod
            prod = rows
            prev_act = act
            n_k = w[l].shape[0]
            if prod.shape[0] == 0:
                r = 0
                s = np.zeros(0)
                thr = 0.0
            else:
                s = np.linalg.svd(prod, compute_uv=False)
                thr = s.max() * max(n_k, m) * eps
                r = int((s > thr).sum())
            if p < full_points:
                full = np.zeros((n_k, m))
                full[act] = prod
                assert np.linalg.matrix_rank(full) == r, (p, l)
            if r != jr[p, l]:
                mism.append((p, l + 1, int(jr[p, l]), r))
            if thr > 0 and np.any((s > thr / 2) & (s < 2 * thr)):
                near[l] += 1
            if r > 0 and thr > 0:
                margins[l][0] = min(margins[l][0], s[r - 1] / thr)
            if r < len(s) and thr > 0:
                margins[l][1] = max(margins[l][1], s[r] / thr)
    print("%s: %d points, %d layers; rank disagreements %d; codeword-size disagreements %d"
          % (path, x.shape[0], layers, len(mism), size_mism))
    for l in range(layers):
        print("  layer %d: min sigma_r/thr %.6g, max sigma_{r+1}/thr %.6g, points with a value"
              " within a factor 2 of thr: %d" % (l + 1, margins[l][0], margins[l][1], near[l]))
    for d in mism[:20]:
        print("  point %d layer %d: engine %d, numpy %d" % d)
    return len(mism) == 0 and size_mism == 0


if __name__ == "__main__":
    args = sys.argv[1:]
    full = 5
    if "--full" in args:
        i = args.index("--full")
        full = int(args[i + 1])
        del args[i:i + 2]
    ok = all([check(a, full) for a in args])
    sys.exit(0 if ok else 1)
