#!/usr/bin/python3
# Generates the PyTorch parity fixtures of the runtime: for each network of NETWORKS,
# written here in PyTorch and mirrored by test/parity/NAME.net,
#
#   test/parity/NAME.safetensors   the state_dict (random weights from torch.manual_seed(0);
#                                  batch-norm running statistics made non-trivial:
#                                  random running_mean, random positive running_var,
#                                  num_batches_tracked an integer), in state_dict order
#   test/parity/NAME.input.npy     a batch of 2 inputs, NCHW float32
#   test/parity/NAME.output.npy    the model's output for it, in eval mode (float32)
#
# Regenerate with Debian's PyTorch (torch 1.13), then check the .net files against it:
#
#     npm run build && /usr/bin/python3 scripts/gen-parity-fixtures.py
#
# After writing, the script compiles each .net file with `node bin/netc.js summary
# NAME.net --json` (when dist/ is built) and fails unless netc's parameter count and
# tensor names, shapes and kinds equal the state_dict's (skip with --no-check).
# Debian has no `safetensors` package: the writer below follows the format's
# specification (8-byte little-endian header length, JSON header padded with spaces to
# a multiple of 8 bytes, then the tensors' little-endian bytes, contiguous).
import json
import os
import struct
import subprocess
import sys

import warnings

import numpy as np
import torch
import torch.nn as nn

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "test", "parity")
BATCH = 2
warnings.filterwarnings("ignore", message="Using padding='same'")

ST_DTYPES = {torch.float32: "F32", torch.int64: "I64"}


def save_safetensors(path, state, metadata):
    header = {"__metadata__": metadata}
    blobs = []
    offset = 0
    for name, t in state.items():
        t = t.detach().contiguous()
        raw = t.numpy().astype(t.numpy().dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": ST_DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
        blobs.append(raw)
    h = json.dumps(header, separators=(",", ":")).encode("utf-8")
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


# ---------------------------------------------------------------------------- networks


class LeNet5(nn.Module):
    """networks/lenet5.net"""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 6, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2))
        self.flatten = nn.Flatten()
        self.classifier = nn.Sequential(
            nn.Linear(256, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))

    def forward(self, x):
        return self.classifier(self.flatten(self.features(x)))


class Unit(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.relu = nn.ReLU()
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride=stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = self.bn2(self.conv2(self.relu(self.bn1(self.conv1(x)))))
        return self.relu(y + self.downsample(x))


class TinyRes(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        self.relu = nn.ReLU()
        self.maxpool = nn.MaxPool2d(3, stride=2, padding=1, ceil_mode=True)
        self.layer1 = Unit(16, 32, 2)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(32, 10)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.avgpool(self.layer1(x))
        return self.fc(torch.flatten(x, 1))


def convs():
    return nn.Sequential(
        collections_ordered([
            ("grouped", nn.Conv2d(8, 16, 3, padding=1, groups=4)),
            ("relu1", nn.ReLU()),
            ("depthwise", nn.Conv2d(16, 16, 3, padding=1, groups=16)),
            ("multiplier", nn.Conv2d(16, 32, 3, padding=1, groups=16, bias=False)),
            ("relu2", nn.ReLU()),
            ("dilated", nn.Conv2d(32, 16, 3, dilation=2, padding="same")),
            ("even", nn.Conv2d(16, 12, (2, 4), padding="same")),
            ("wide", nn.Conv2d(12, 8, (1, 7), padding=(0, 3))),
            ("tall", nn.Conv2d(8, 8, (7, 1), stride=(2, 1), padding=(3, 0), bias=False)),
        ]))


def collections_ordered(items):
    from collections import OrderedDict
    return OrderedDict(items)


class Concat(nn.Module):
    def __init__(self, *branches):
        super().__init__()
        self.branches = branches  # not registered: names come from the caller

    def forward(self, x):
        return torch.cat([b(x) for b in self.branches], 1)


class Pools(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(6, 6, 3, padding=1)
        self.body = [
            nn.AvgPool2d(3, stride=2, padding=1, ceil_mode=True),
            nn.LocalResponseNorm(5),
            nn.AvgPool2d(4, stride=2, padding=1, ceil_mode=True, count_include_pad=False),
            nn.LocalResponseNorm(4, alpha=0.01, beta=0.5, k=2.0),
            Concat(
                nn.AdaptiveAvgPool2d(3),
                nn.AdaptiveMaxPool2d(3),
                nn.Sequential(nn.AdaptiveMaxPool2d((2, 4)), nn.Upsample(scale_factor=(2, 1)), nn.AdaptiveAvgPool2d(3))),
            nn.Softmax(dim=1),
        ]

    def forward(self, x):
        x = self.conv(x)
        for m in self.body:
            x = m(x)
        return x


class SqueezeExcite(nn.Module):
    def __init__(self, channels, squeeze):
        super().__init__()
        self.fc1 = nn.Conv2d(channels, squeeze, 1)
        self.fc2 = nn.Conv2d(squeeze, channels, 1)

    def forward(self, x):
        s = nn.functional.adaptive_avg_pool2d(x, 1)
        return x * torch.sigmoid(self.fc2(nn.functional.silu(self.fc1(s))))


class Acts(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(8, 16, 3, padding=1)
        self.se = SqueezeExcite(16, 4)
        self.act = nn.PReLU(16)
        self.mix = nn.Conv2d(64, 16, 1)
        self.out = nn.Conv2d(16, 4, 1)
        self.branches = Concat(nn.GELU(), nn.LeakyReLU(0.1), nn.ELU(0.5), self.act)
        self.middle = [nn.Upsample(scale_factor=2, mode="nearest"), nn.ZeroPad2d((1, 2, 0, 1)), nn.ChannelShuffle(4), nn.Dropout(0.3)]
        self.drop = self.middle[3]  # registered, so that eval() reaches it
        self.up = nn.Upsample(scale_factor=(2, 3), mode="bilinear", align_corners=False)

    def forward(self, x):
        x = self.se(nn.functional.hardswish(self.stem(x)))
        x = self.mix(self.branches(x))
        for m in self.middle:
            x = m(x)
        return self.up(self.out(x))


class Deconv(nn.Module):
    def __init__(self):
        super().__init__()
        self.up = nn.ConvTranspose2d(8, 6, 3, stride=2, padding=1, output_padding=1, groups=2)
        self.down = nn.Conv2d(6, 4, 3, stride=2)
        self.fc = nn.Linear(48, 10)

    def forward(self, x):
        x = self.down(torch.relu(self.up(x)))
        return self.fc(torch.flatten(x, 1))


# name: (constructor, input shape without the batch, input scale). The pools network's
# inputs are scaled up so that its softmax sees logits far apart (outputs not all near
# 1/18, where a wrong pooling divisor would hide under an absolute tolerance).
NETWORKS = {
    "lenet5": (LeNet5, (1, 28, 28), 1.0),
    "tinyres": (TinyRes, (3, 32, 32), 1.0),
    "convs": (convs, (8, 16, 16), 1.0),
    "pools": (Pools, (6, 16, 16), 20.0),
    "acts": (Acts, (8, 6, 6), 1.0),
    "deconv": (Deconv, (8, 5, 4), 1.0),
}


def randomize(model):
    """Default initialisations are random already; make the constant ones random too."""
    with torch.no_grad():
        for i, m in enumerate(model.modules()):
            if isinstance(m, nn.BatchNorm2d):
                m.weight.uniform_(0.5, 1.5)
                m.bias.normal_(0, 0.2)
                m.running_mean.normal_(0, 0.5)
                m.running_var.uniform_(0.25, 2.0)
                m.num_batches_tracked.fill_(1000 + 37 * i)
            elif isinstance(m, nn.PReLU):
                m.weight.uniform_(-0.3, 0.8)


def check(name, model, state):
    net = os.path.join(OUT, name + ".net")
    out = subprocess.run(["node", os.path.join(ROOT, "bin", "netc.js"), "summary", net, "--json"],
                         capture_output=True, text=True, cwd=ROOT)
    if out.returncode != 0:
        sys.exit(f"{name}.net does not compile:\n{out.stdout}{out.stderr}")
    summary = json.loads(out.stdout)
    params = sum(p.numel() for p in model.parameters())
    buffers = {k for k, _ in model.named_buffers()}
    expected = []
    for k, v in state.items():
        kind = "counter" if k.endswith("num_batches_tracked") else "buffer" if k in buffers else "parameter"
        expected.append((k, list(v.shape), kind))
    got = [(t["name"], t["shape"], t["kind"]) for t in summary["tensors"]]
    problems = []
    if summary["params"] != params:
        problems.append(f"parameter count: netc {summary['params']}, PyTorch {params}")
    if sorted(got) != sorted(expected):
        problems.append(f"tensors differ:\n  netc only:    {sorted(set(map(str, got)) - set(map(str, expected)))}"
                        f"\n  PyTorch only: {sorted(set(map(str, expected)) - set(map(str, got)))}")
    if problems:
        sys.exit(f"{name}.net does not match the PyTorch module:\n" + "\n".join(problems))
    return params


def main():
    do_check = "--no-check" not in sys.argv
    for name, (make, shape, scale) in NETWORKS.items():
        torch.manual_seed(0)
        model = make()
        randomize(model)
        model.eval()
        x = torch.randn(BATCH, *shape) * scale
        with torch.no_grad():
            y = model(x)
        state = model.state_dict()
        params = check(name, model, state) if do_check else sum(p.numel() for p in model.parameters())
        save_safetensors(os.path.join(OUT, name + ".safetensors"), state,
                         {"network": name, "params": str(params), "torch": torch.__version__})
        np.save(os.path.join(OUT, name + ".input.npy"), x.numpy().astype(np.float32))
        np.save(os.path.join(OUT, name + ".output.npy"), y.numpy().astype(np.float32))
        print(f"{name}: {params} parameters, {len(state)} tensors, input {list(x.shape)}, output {list(y.shape)}")


if __name__ == "__main__":
    main()
