#!/usr/bin/python3
# The reference for `netc convolutionize` on global-average-pool heads
# (test/convolutionize-head.test.ts): torchvision's resnet18 and densenet121 with weights
# and input generated from test/support/seeded-weights.ts's formula (its Python twin is in
# scripts/gen-torch-network-values.py), in eval mode. For each: the dense class map that
# the converted network computes, made here independently as a 1x1 convolution with the
# classifier's weights ([C, F] viewed as [C, F, 1, 1]) on the features the pool would
# average (resnet18: model.layer4's output; densenet121: relu(model.features(x))), and the
# original model's logits at the same size and at the network's own size, and their top 5. Values are kept
# at a stride (every k-th of the flattened tensor), so the fixture stays small.
#   /usr/bin/python3 scripts/gen-convhead-fixtures.py  ->  test/fixtures/convhead.json
import importlib.util, json, os
import numpy as np
import torch
import torch.nn.functional as F
import torchvision

here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("values", os.path.join(here, "gen-torch-network-values.py"))
values = importlib.util.module_from_spec(spec)
spec.loader.exec_module(values)  # seeded_uniform, seeded_tensor

import math
KEEP = 500  # about this many values of each tensor, at a stride coprime with the map's cell count (every cell is visited)


def resnet18_features(m, x):
    x = m.maxpool(m.relu(m.bn1(m.conv1(x))))
    return m.layer4(m.layer3(m.layer2(m.layer1(x))))


def densenet_features(m, x):
    return F.relu(m.features(x))


NETWORKS = [
    ("resnet18", torchvision.models.resnet18, resnet18_features, "fc", 224, 320),
    ("densenet121", torchvision.models.densenet121, densenet_features, "classifier", 64, 96),
]


def kept(t):
    flat = t.flatten()
    cells = int(np.prod(t.shape[2:])) if t.dim() > 2 else 1
    stride = max(1, flat.numel() // KEEP)
    while math.gcd(stride, cells) != 1:
        stride += 1
    return {"shape": list(t.shape[1:]), "stride": stride, "scale": float(flat.abs().max()),
            "y": [float("%.8g" % v) for v in flat[::stride].tolist()]}


def main():
    cases = []
    for name, ctor, features, fc, small, large in NETWORKS:
        model = ctor(weights=None).eval()
        model.load_state_dict({k: values.seeded_tensor(k, list(v.shape)) for k, v in model.state_dict().items()})
        linear = getattr(model, fc)
        case = {"network": name, "classifier": fc}
        with torch.no_grad():
            for key, size in (("small", small), ("large", large)):
                x = torch.from_numpy(values.seeded_uniform("input", 3 * size * size).astype(np.float32).reshape(1, 3, size, size))
                dense = F.conv2d(features(model, x), linear.weight[:, :, None, None], linear.bias)
                logits = model(x)
                top = torch.topk(logits[0], 5)
                case[key] = {"input": [3, size, size], "map": kept(dense), "logits": kept(logits),
                             "top5": [[int(i), float("%.8g" % v)] for v, i in zip(top.values.tolist(), top.indices.tolist())]}
                print(name, size, list(dense.shape), float((dense.mean((2, 3)) - model(x)).abs().max()), flush=True)
        cases.append(case)
    out = os.path.join(here, "..", "test", "fixtures", "convhead.json")
    with open(out, "w") as f:
        json.dump({"generator": "scripts/gen-convhead-fixtures.py", "torch": torch.__version__, "torchvision": torchvision.__version__,
                   "note": "seeded weights and input (test/support/seeded-weights.ts); map: conv1x1(classifier weights) on the "
                           "features before the global pool; logits: the original model; every stride-th value of each (y), "
                           "the largest magnitude of all of them (scale)",
                   "cases": cases}, f)
        f.write("\n")


if __name__ == "__main__":
    main()
