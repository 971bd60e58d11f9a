"""Checks exported PyTorch modules against netc: state_dict names and shapes, strict
loading of netc's safetensors checkpoints, and outputs. Reads a JSON list of cases,
writes a JSON object of results by case name. Needs torch and numpy only (safetensors
is read here with struct and json: Debian has no python3-safetensors)."""
import importlib.util
import json
import struct
import sys
import traceback

import numpy as np
import torch


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + n])
    dtypes = {"F32": np.float32, "I64": np.int64}
    out = {}
    for name, t in header.items():
        if name == "__metadata__":
            continue
        start, end = t["data_offsets"]
        a = np.frombuffer(data[8 + n + start : 8 + n + end], dtype=dtypes[t["dtype"]])
        out[name] = torch.from_numpy(a.reshape(t["shape"]).copy())
    return out


def skip_init():
    """Constructing a module only to read its state_dict's shapes: no random init."""
    for name in ["kaiming_uniform_", "uniform_", "normal_", "zeros_", "ones_", "constant_"]:
        setattr(torch.nn.init, name, lambda t, *a, **k: t)


def check(case):
    spec = importlib.util.spec_from_file_location(case["name"].replace("-", "_"), case["source"])
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    model = getattr(module, case["class"])()
    result = {"tensors": [[k, list(v.shape)] for k, v in model.state_dict().items()]}
    if "weights" not in case:
        return result
    model.load_state_dict(read_safetensors(case["weights"]), strict=True)
    model.eval()
    x = torch.from_numpy(np.load(case["input"]))
    with torch.no_grad():
        y = model(x)
    ys = y if isinstance(y, tuple) else (y,)
    result["errors"] = []
    result["shapes"] = [list(t.shape) for t in ys]
    for got, path in zip(ys, case["outputs"]):
        want = np.load(path)
        scale = max(float(np.abs(want).max()), 1e-12)
        result["errors"].append(float(np.abs(got.numpy() - want).max()) / scale)
    return result


def main():
    cases = json.load(open(sys.argv[1]))
    torch.set_num_threads(int(sys.argv[3]) if len(sys.argv) > 3 else 2)
    skip_init()  # load_state_dict(strict=True) sets every tensor anyway
    results = {}
    for case in cases:
        try:
            results[case["name"]] = check(case)
        except Exception:
            results[case["name"]] = {"error": traceback.format_exc()}
    with open(sys.argv[2], "w") as f:
        json.dump(results, f)


if __name__ == "__main__":
    main()
