#!/usr/bin/python3
# Whole torchvision networks run by PyTorch on weights generated from a formula (the
# twin of test/support/seeded-weights.ts, so the weights need not travel) and on an input
# generated the same way, for test/runtime/torch-networks.test.ts: ConvNeXt-Tiny,
# MobileNetV3-Small, ShuffleNetV2 x0.5, SSDlite (its head's two outputs), the U-Net of
# scripts/gen-torch-networks.py on a 3x64x64 input, DeepLabV3 with its auxiliary head on
# 3x48x48, in eval mode. Outputs over 4096 values are kept at a stride (every k-th value).
#   /usr/bin/python3 scripts/gen-torch-network-values.py  ->  test/fixtures/torch-network-values.json
import importlib.util, json, os
import numpy as np
import torch
import torchvision

here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("networks", os.path.join(here, "gen-torch-networks.py"))
networks = importlib.util.module_from_spec(spec)
spec.loader.exec_module(networks)  # its UNet, and its constructors of DeepLabV3 and SSDlite

NETWORKS = [
    ("convnext_tiny", 64, lambda: torchvision.models.convnext_tiny(weights=None)),
    ("mobilenet_v3_small", 64, lambda: torchvision.models.mobilenet_v3_small(weights=None)),
    ("shufflenet_v2_x0_5", 64, lambda: torchvision.models.shufflenet_v2_x0_5(weights=None)),
    ("ssdlite320_mobilenet_v3_large", 64, networks.ssd("ssdlite320_mobilenet_v3_large")),
    ("unet", 64, lambda: networks.UNet()),
    ("deeplabv3_resnet50_aux", 48, networks.seg("deeplabv3_resnet50", aux_loss=True)),
]


def name_seed(name):
    h = 0x811C9DC5
    for ch in name:
        h = ((h ^ ord(ch)) * 0x01000193) & 0xFFFFFFFF
    return h


def seeded_uniform(name, n):
    base = (name_seed(name) * 0x9E3779B9) & 0xFFFFFFFF
    x = (np.arange(n, dtype=np.uint64) + base) & 0xFFFFFFFF
    x = x.astype(np.uint32)
    x ^= x >> np.uint32(16)
    x *= np.uint32(0x7FEB352D)
    x ^= x >> np.uint32(15)
    x *= np.uint32(0x846CA68B)
    x ^= x >> np.uint32(16)
    return x.astype(np.float64) / 2.0**31 - 1.0


def seeded_tensor(name, shape):
    n = int(np.prod(shape)) if len(shape) else 1
    if name.endswith("num_batches_tracked"):
        return torch.zeros(shape, dtype=torch.int64)
    u = seeded_uniform(name, n)
    if name.endswith("running_var"):
        v = 0.75 + 0.25 * u
    elif name.endswith("running_mean") or name.endswith("bias"):
        v = 0.1 * u
    elif name.endswith("layer_scale"):
        v = 0.5 * u
    elif len(shape) >= 2:
        v = np.sqrt(3 / (n / shape[0])) * u
    else:
        v = 1 + 0.2 * u
    return torch.from_numpy(v.astype(np.float32).reshape(shape))


def main():
    cases = []
    for name, size, ctor in NETWORKS:
        model = ctor().eval()
        model.load_state_dict({k: seeded_tensor(k, list(v.shape)) for k, v in model.state_dict().items()})
        x = torch.from_numpy(seeded_uniform("input", 3 * size * size).astype(np.float32).reshape(1, 3, size, size))
        with torch.no_grad():
            y = model(x)
        outputs = []
        for key, t in (y.items() if isinstance(y, dict) else [(None, y)]):
            flat = t.flatten()
            stride = max(1, -(-flat.numel() // 4096))
            outputs.append({"name": key, "shape": list(t.shape[1:]), "stride": stride, "scale": float(flat.abs().max()),
                            "y": [float(v) for v in flat[::stride].tolist()]})
        cases.append({"network": name, "input": [3, size, size], "outputs": outputs})
        print(name, [(o["name"], o["shape"], o["scale"]) for o in outputs], flush=True)
    out = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "torch-network-values.json")
    with open(out, "w") as f:
        json.dump({"generator": "scripts/gen-torch-network-values.py", "torch": torch.__version__,
                   "torchvision": torchvision.__version__,
                   "note": "outputs of whole networks on weights and input from test/support/seeded-weights.ts's formula "
                           "(the input: seededUniform('input', 3 * size * size), unscaled, in [-1, 1)); each output: its dict key (None for "
                           "a tensor), shape, the largest magnitude of all its values (scale), and every stride-th value (y)",
                   "cases": cases}, f)
        f.write("\n")


if __name__ == "__main__":
    main()
