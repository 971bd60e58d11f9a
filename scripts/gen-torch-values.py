#!/usr/bin/python3
# Output values of small netc networks, computed by PyTorch (Debian's torch 1.13), for the
# runtime parity test test/runtime/torch-values.test.ts. Each case: a .net body, a
# PyTorch function of the input computing the same thing, an input, the output.
# Only layers whose weights PyTorch initialises deterministically (none, or ones and
# zeros) appear here, so no weights need to travel.
#   /usr/bin/python3 scripts/gen-torch-values.py  ->  test/fixtures/torch-values.json
import json, math, os
import torch
import torch.nn.functional as F

CASES = []

def case(id, body, input_shape, fn):
    n = math.prod(input_shape)
    x = (torch.sin(torch.arange(n, dtype=torch.float64) * 0.37) * 2).float().reshape(1, *input_shape)
    with torch.no_grad():
        y = fn(x)
    CASES.append({"id": id, "body": body, "input": list(input_shape), "x": x.flatten().tolist(),
                  "output": list(y.shape[1:]), "y": y.flatten().tolist()})

# ---- resizing: F.interpolate to a scale or a size ---------------------------------
case("upsample-size-nearest", "upsample size = 7x9", (2, 4, 5), lambda x: F.interpolate(x, size=(7, 9), mode="nearest"))
case("upsample-size-bilinear", 'upsample mode = "bilinear", size = 7x9', (2, 4, 5),
     lambda x: F.interpolate(x, size=(7, 9), mode="bilinear", align_corners=False))
case("upsample-size-align", 'upsample mode = "bilinear", size = 7x9, align_corners = true', (2, 4, 5),
     lambda x: F.interpolate(x, size=(7, 9), mode="bilinear", align_corners=True))
case("upsample-like", 'skip: identity\nmaxpool 2x2, ceil = true\nupsample mode = "bilinear", size = skip', (2, 5, 7),
     lambda x: F.interpolate(F.max_pool2d(x, 2, ceil_mode=True), size=x.shape[-2:], mode="bilinear", align_corners=False))

if __name__ == "__main__":
    out = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "torch-values.json")
    with open(out, "w") as f:
        json.dump({"generator": "scripts/gen-torch-values.py", "torch": torch.__version__, "cases": CASES}, f)
        f.write("\n")
    print(f"wrote {len(CASES)} cases to {out}")
