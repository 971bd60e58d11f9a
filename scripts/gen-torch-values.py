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

# ---- ConvNeXt's pieces: layer norms, permute, layer scale, stochastic depth -------------
def ln_channels(x, eps):
    return F.layer_norm(x.permute(0, 2, 3, 1), (x.shape[1],), eps=eps).permute(0, 3, 1, 2)

case("layernorm-channels-last", "permute [1, 2, 0]\nlayernorm eps = 1e-6\npermute [2, 0, 1]", (3, 4, 5), lambda x: ln_channels(x, 1e-6))
case("layernorm2d", "layernorm2d eps = 1e-6", (3, 4, 5), lambda x: ln_channels(x, 1e-6))
case("layernorm-last-two", "layernorm [4, 5]", (2, 4, 5), lambda x: F.layer_norm(x, (4, 5)))
case("permute", "permute [2, 0, 1]", (2, 3, 4), lambda x: x.permute(0, 3, 1, 2))
case("scale", "scale init = 0.5", (3, 2, 2), lambda x: x * (torch.ones(3, 1, 1) * 0.5))
case("stochasticdepth", "stochasticdepth 0.5", (3, 2, 2), lambda x: x)

# ---- slices, chunks, reductions over dimensions (ShuffleNet, CBAM) ---------------------
case("slice-channels", "slice 1, 3", (4, 2, 3), lambda x: x[:, 1:3])
case("slice-negative-width", "slice -2, dim = 2", (2, 3, 5), lambda x: x[:, :, :, -2:])
case("chunk-second-half", "chunk 2, 1", (6, 2, 3), lambda x: x.chunk(2, dim=1)[1])
case("chunk-uneven", "chunk 3, 2", (7, 2, 2), lambda x: x.chunk(3, dim=1)[2])
case("mean-channels-keepdim", "mean 0, keepdim = true", (4, 3, 5), lambda x: x.mean(dim=1, keepdim=True))
case("amax-channels-keepdim", "amax 0, keepdim = true", (4, 3, 5), lambda x: x.amax(dim=1, keepdim=True))
case("sum-hw", "sum [1, 2]", (4, 3, 5), lambda x: x.sum(dim=(2, 3)))
case("cbam-spatial-stats", "concat {\n  mean 0, keepdim = true\n  amax 0, keepdim = true\n}", (4, 3, 5),
     lambda x: torch.cat([x.mean(1, keepdim=True), x.amax(1, keepdim=True)], 1))
case("shufflenet-split", "concat {\n  chunk 2, 0\n  { chunk 2, 1; relu }\n}\nchannelshuffle 2", (4, 2, 2),
     lambda x: F.channel_shuffle(torch.cat([x.chunk(2, 1)[0], F.relu(x.chunk(2, 1)[1])], 1), 2) if hasattr(F, "channel_shuffle")
     else torch.nn.ChannelShuffle(2)(torch.cat([x.chunk(2, 1)[0], F.relu(x.chunk(2, 1)[1])], 1)))

if __name__ == "__main__":
    out = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "torch-values.json")
    with open(out, "w") as f:
        json.dump({"generator": "scripts/gen-torch-values.py", "torch": torch.__version__, "cases": CASES}, f)
        f.write("\n")
    print(f"wrote {len(CASES)} cases to {out}")
