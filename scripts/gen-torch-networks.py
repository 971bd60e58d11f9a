#!/usr/bin/python3
# torchvision's figures for the library networks added for issue 14: parameter count,
# MACs of convolutions and linear layers for one image (measured with forward hooks), and
# the state_dict (names, shapes, kinds), from Debian's torch 1.13 / torchvision 0.14.
#   /usr/bin/python3 scripts/gen-torch-networks.py  ->  test/fixtures/torchvision-networks.json
import json, os
import torch
import torchvision
from torch import nn

# (netc library name, torchvision constructor, keyword arguments, input size)
SPECS = [
    ("efficientnet_b1", "efficientnet_b1", {}, 240),
    ("efficientnet_b2", "efficientnet_b2", {}, 260),
    ("efficientnet_b3", "efficientnet_b3", {}, 300),
    ("efficientnet_b4", "efficientnet_b4", {}, 380),
    ("efficientnet_b5", "efficientnet_b5", {}, 456),
    ("efficientnet_b6", "efficientnet_b6", {}, 528),
    ("efficientnet_b7", "efficientnet_b7", {}, 600),
    ("convnext_tiny", "convnext_tiny", {}, 224),
    ("convnext_small", "convnext_small", {}, 224),
    ("convnext_base", "convnext_base", {}, 224),
]


def kind_of(params, name):
    if name in params:
        return "parameter"
    return "counter" if name.endswith("num_batches_tracked") else "buffer"


def macs_of(model, size):
    total = [0]

    def hook(m, inputs, out):
        if isinstance(m, nn.Conv2d):
            total[0] += out.numel() * (m.in_channels // m.groups) * m.kernel_size[0] * m.kernel_size[1]
        elif isinstance(m, nn.Linear):
            total[0] += (out.numel() // m.out_features) * m.in_features * m.out_features

    handles = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    with torch.no_grad():
        model.eval()(torch.zeros(1, 3, size, size))
    for h in handles:
        h.remove()
    return total[0]


def main():
    only = set(os.environ.get("ONLY", "").split(",")) - {""}
    models = []
    for name, ctor, kwargs, size in SPECS:
        if only and name not in only:
            continue
        m = getattr(torchvision.models, ctor)(weights=None, **kwargs)
        params = dict(m.named_parameters())
        models.append({
            "model": name, "input": [3, size, size],
            "params": sum(p.numel() for p in m.parameters()), "macs": macs_of(m, size),
            "tensors": [[k, list(v.shape), kind_of(params, k)] for k, v in m.state_dict().items()],
        })
        print(name, models[-1]["params"], models[-1]["macs"])
    out = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "torchvision-networks.json")
    with open(out, "w") as f:
        json.dump({"generator": "scripts/gen-torch-networks.py", "torch": torch.__version__,
                   "torchvision": torchvision.__version__,
                   "note": "params: trainable parameters; macs: Conv2d and Linear multiply-accumulates for one image; "
                           "tensors: the state_dict in order as [name, shape, kind]", "models": models}, f)
        f.write("\n")


if __name__ == "__main__":
    main()
