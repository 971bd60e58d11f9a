#!/usr/bin/python3
# Generates the PyTorch oracle fixtures for netc's layer semantics.
#
# Regenerate with (Debian's PyTorch: torch 1.13, torchvision 0.14):
#
#     /usr/bin/python3 scripts/gen-torch-fixtures.py
#
# It writes two files, both committed:
#   test/fixtures/torch-layers.json        single-layer cases: the .net layer line, the
#                                           input shape, PyTorch's output shape, the
#                                           state_dict (names, shapes, kinds) and the
#                                           trainable parameter count; or "error": true
#                                           where PyTorch rejects the layer or input.
#   test/fixtures/torchvision-tensors.json  the ordered state_dict keys and shapes of a
#                                           few torchvision models.
# Only names and shapes are recorded, never weights. Every expected value comes from
# running PyTorch (batch of 2, eval mode); nothing is computed by hand here.
import json
import os
import sys
import warnings

import torch
import torch.nn as nn
import torchvision

warnings.filterwarnings("ignore")
torch.manual_seed(0)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(ROOT, "test", "fixtures")
BATCH = 2


class Reshape(nn.Module):
    """Tensor.reshape with the batch dimension kept (netc's `reshape`)."""

    def __init__(self, *shape):
        super().__init__()
        self.shape = shape

    def forward(self, x):
        return x.reshape(x.shape[0], *self.shape)


def kind_of(module, name):
    params = dict(module.named_parameters())
    if name in params:
        return "parameter"
    if name.endswith("num_batches_tracked"):
        return "counter"
    return "buffer"


def tensors_of(module):
    return [
        {"name": k, "shape": list(v.shape), "kind": kind_of(module, k)}
        for k, v in module.state_dict().items()
    ]


def module_attrs(m):
    """The attributes the tests need for their independent MAC formulas."""
    if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
        return {
            "in_channels": m.in_channels,
            "out_channels": m.out_channels,
            "kernel_size": list(m.kernel_size),
            "groups": m.groups,
        }
    if isinstance(m, nn.Linear):
        return {"in_features": m.in_features, "out_features": m.out_features}
    return None


CASES = []


def case(op, line, shape, make):
    """op: netc op; line: the .net layer line; shape: input without batch; make: () -> module."""
    c = {"id": f"{op}#{sum(1 for x in CASES if x['op'] == op) + 1}", "op": op, "line": line, "input": list(shape)}
    try:
        m = make()
        m.eval()
        with torch.no_grad():
            y = m(torch.randn(BATCH, *shape))
        c["error"] = False
        c["output"] = list(y.shape[1:])
        c["tensors"] = tensors_of(m)
        c["params"] = sum(p.numel() for p in m.parameters())
        c["torch"] = repr(m)
        attrs = module_attrs(m)
        if attrs:
            c["module"] = attrs
    except Exception as e:  # PyTorch rejects the layer or the input
        c["error"] = True
        c["message"] = str(e).strip().splitlines()[0][:200]
    CASES.append(c)


def act_cases():
    acts = [
        ("relu", "relu", nn.ReLU),
        ("relu6", "relu6", nn.ReLU6),
        ("leakyrelu", "leakyrelu", lambda: nn.LeakyReLU()),
        ("leakyrelu", "leakyrelu slope = 0.2", lambda: nn.LeakyReLU(0.2)),
        ("elu", "elu alpha = 0.5", lambda: nn.ELU(0.5)),
        ("sigmoid", "sigmoid", nn.Sigmoid),
        ("tanh", "tanh", nn.Tanh),
        ("silu", "silu", nn.SiLU),
        ("hardswish", "hardswish", nn.Hardswish),
        ("hardsigmoid", "hardsigmoid", nn.Hardsigmoid),
        ("gelu", "gelu", nn.GELU),
        ("identity", "identity", nn.Identity),
    ]
    for i, (op, line, make) in enumerate(acts):
        case(op, line, (8, 3, 3) if i % 2 == 0 else (16,), make)


def layer_cases():
    C = nn.Conv2d
    # ---- conv ---------------------------------------------------------------------
    case("conv", "conv 8, 3x3", (3, 17, 17), lambda: C(3, 8, 3))
    case("conv", "conv 8, 3x3, stride = 2, pad = 1", (3, 17, 17), lambda: C(3, 8, 3, stride=2, padding=1))
    case("conv", "conv 8, 3x3, stride = 2, pad = 1, groups = 2, bias = false", (4, 17, 17),
         lambda: C(4, 8, 3, stride=2, padding=1, groups=2, bias=False))
    case("conv", "conv 8, 1x7, pad = [0, 3]", (3, 9, 9), lambda: C(3, 8, (1, 7), padding=(0, 3)))
    case("conv", "conv 8, 7x1, pad = [3, 0]", (3, 9, 10), lambda: C(3, 8, (7, 1), padding=(3, 0)))
    case("conv", 'conv 8, 3x3, pad = "same"', (3, 9, 8), lambda: C(3, 8, 3, padding="same"))
    case("conv", 'conv 8, 4x4, pad = "same"', (3, 9, 8), lambda: C(3, 8, 4, padding="same"))
    case("conv", 'conv 8, 3x3, pad = "same", dilation = 2', (3, 7, 7), lambda: C(3, 8, 3, padding="same", dilation=2))
    case("conv", 'conv 8, 3x3, pad = "valid"', (3, 9, 8), lambda: C(3, 8, 3, padding="valid"))
    case("conv", "conv 8, 3x3, dilation = 2", (3, 16, 16), lambda: C(3, 8, 3, dilation=2))
    case("conv", "conv 6, 5x5, stride = 3, pad = 2, dilation = [1, 2]", (3, 17, 13),
         lambda: C(3, 6, 5, stride=3, padding=2, dilation=(1, 2)))
    case("conv", "conv 8, 3x3, stride = [2, 3], pad = [1, 0]", (3, 10, 11), lambda: C(3, 8, 3, stride=(2, 3), padding=(1, 0)))
    case("conv", "conv 8, 3x3, pad = 1, groups = 8", (8, 7, 7), lambda: C(8, 8, 3, padding=1, groups=8))
    case("conv", "conv 16, 1x1, groups = 4, bias = false", (8, 5, 5), lambda: C(8, 16, 1, groups=4, bias=False))
    case("conv", "conv 4, 3x3, pad = 1", (3, 2, 2), lambda: C(3, 4, 3, padding=1))
    case("conv", "conv 4, 11x11, stride = 4, pad = 2", (3, 63, 63), lambda: C(3, 4, 11, stride=4, padding=2))
    case("conv", "conv 8, 2x2, stride = 2", (3, 7, 7), lambda: C(3, 8, 2, stride=2))
    case("conv", "conv 5, 3x5, stride = 2, pad = [1, 2], bias = false", (2, 6, 6),
         lambda: C(2, 5, (3, 5), stride=2, padding=(1, 2), bias=False))
    case("conv", 'conv 4, 5x5, pad = "same"', (3, 2, 3), lambda: C(3, 4, 5, padding="same"))
    case("conv", 'conv 4, 3x3, stride = 2, pad = "valid"', (3, 8, 9), lambda: C(3, 4, 3, stride=2, padding="valid"))
    # rejected by PyTorch
    case("conv", "conv 8, 3x3", (3, 2, 2), lambda: C(3, 8, 3))
    case("conv", "conv 8, 3x3, groups = 2", (3, 8, 8), lambda: C(3, 8, 3, groups=2))
    case("conv", "conv 6, 3x3, groups = 4", (8, 8, 8), lambda: C(8, 6, 3, groups=4))
    case("conv", 'conv 8, 3x3, stride = 2, pad = "same"', (3, 8, 8), lambda: C(3, 8, 3, stride=2, padding="same"))
    case("conv", "conv 8, 3x3, dilation = 3", (3, 6, 6), lambda: C(3, 8, 3, dilation=3))
    case("conv", "conv 8, 5x1", (3, 4, 9), lambda: C(3, 8, (5, 1)))

    # ---- convtranspose ----------------------------------------------------------------
    T = nn.ConvTranspose2d
    case("convtranspose", "convtranspose 8, 3x3", (4, 5, 5), lambda: T(4, 8, 3))
    case("convtranspose", "convtranspose 8, 3x3, stride = 2", (4, 5, 5), lambda: T(4, 8, 3, stride=2))
    case("convtranspose", "convtranspose 8, 3x3, stride = 2, pad = 1", (4, 5, 5), lambda: T(4, 8, 3, stride=2, padding=1))
    case("convtranspose", "convtranspose 8, 3x3, stride = 2, pad = 1, output_pad = 1", (4, 5, 5),
         lambda: T(4, 8, 3, stride=2, padding=1, output_padding=1))
    case("convtranspose", "convtranspose 8, 4x4, stride = 2, pad = 1, bias = false", (4, 5, 6),
         lambda: T(4, 8, 4, stride=2, padding=1, bias=False))
    case("convtranspose", "convtranspose 8, 3x3, groups = 2", (4, 5, 5), lambda: T(4, 8, 3, groups=2))
    case("convtranspose", "convtranspose 6, 3x3, stride = 2, groups = 2, dilation = 2", (4, 5, 5),
         lambda: T(4, 6, 3, stride=2, groups=2, dilation=2))
    case("convtranspose", "convtranspose 8, 2x3, stride = [2, 1], pad = [0, 1], output_pad = [1, 0]", (4, 5, 5),
         lambda: T(4, 8, (2, 3), stride=(2, 1), padding=(0, 1), output_padding=(1, 0)))
    case("convtranspose", "convtranspose 8, 3x3, dilation = 2, output_pad = 1", (4, 5, 5),
         lambda: T(4, 8, 3, dilation=2, output_padding=1))
    case("convtranspose", "convtranspose 4, 1x1", (4, 3, 3), lambda: T(4, 4, 1))
    case("convtranspose", "convtranspose 8, 3x3, pad = 1", (4, 1, 1), lambda: T(4, 8, 3, padding=1))
    # rejected by PyTorch
    case("convtranspose", "convtranspose 8, 3x3, stride = 2, output_pad = 2", (4, 5, 5),
         lambda: T(4, 8, 3, stride=2, output_padding=2))
    case("convtranspose", "convtranspose 8, 1x1, output_pad = 1", (4, 3, 3), lambda: T(4, 8, 1, output_padding=1))
    case("convtranspose", "convtranspose 8, 3x3, groups = 3", (4, 5, 5), lambda: T(4, 8, 3, groups=3))
    case("convtranspose", "convtranspose 6, 3x3, groups = 4", (4, 5, 5), lambda: T(4, 6, 3, groups=4))
    case("convtranspose", "convtranspose 8, 3x1, pad = [0, 1]", (4, 1, 1), lambda: T(4, 8, (3, 1), padding=(0, 1)))
    case("convtranspose", "convtranspose 8, 3x3, pad = 2", (4, 1, 1), lambda: T(4, 8, 3, padding=2))
    case("convtranspose", "convtranspose 8, 3x2, pad = [0, 1]", (4, 1, 1), lambda: T(4, 8, (3, 2), padding=(0, 1)))

    # ---- linear ------------------------------------------------------------------------
    case("linear", "linear 10", (16,), lambda: nn.Linear(16, 10))
    case("linear", "linear 10, bias = false", (16,), lambda: nn.Linear(16, 10, bias=False))
    case("linear", "linear 5", (3, 4), lambda: nn.Linear(4, 5))
    case("linear", "linear 7", (2, 3, 6), lambda: nn.Linear(6, 7))
    case("linear", "linear 1", (1,), lambda: nn.Linear(1, 1))

    # ---- batchnorm ---------------------------------------------------------------------
    case("batchnorm", "batchnorm", (8, 5, 5), lambda: nn.BatchNorm2d(8))
    case("batchnorm", "batchnorm", (16,), lambda: nn.BatchNorm1d(16))
    case("batchnorm", "batchnorm", (6, 10), lambda: nn.BatchNorm1d(6))
    case("batchnorm", "batchnorm affine = false", (8, 4, 4), lambda: nn.BatchNorm2d(8, affine=False))
    case("batchnorm", "batchnorm stats = false", (8, 4, 4), lambda: nn.BatchNorm2d(8, track_running_stats=False))
    case("batchnorm", "batchnorm eps = 0.001, momentum = 0.01", (4, 3, 3), lambda: nn.BatchNorm2d(4, eps=0.001, momentum=0.01))
    case("batchnorm", "batchnorm affine = false, stats = false", (5,),
         lambda: nn.BatchNorm1d(5, affine=False, track_running_stats=False))

    # ---- groupnorm ---------------------------------------------------------------------
    case("groupnorm", "groupnorm 4", (8, 5, 5), lambda: nn.GroupNorm(4, 8))
    case("groupnorm", "groupnorm 1", (6, 3, 3), lambda: nn.GroupNorm(1, 6))
    case("groupnorm", "groupnorm 8, affine = false", (8, 2, 2), lambda: nn.GroupNorm(8, 8, affine=False))
    case("groupnorm", "groupnorm 2", (6, 7), lambda: nn.GroupNorm(2, 6))
    case("groupnorm", "groupnorm 3", (8, 4, 4), lambda: nn.GroupNorm(3, 8))

    # ---- maxpool -----------------------------------------------------------------------
    M = nn.MaxPool2d
    case("maxpool", "maxpool 2x2", (3, 7, 7), lambda: M(2))
    case("maxpool", "maxpool 2x2, ceil = true", (3, 7, 7), lambda: M(2, ceil_mode=True))
    case("maxpool", "maxpool 3x3, stride = 2", (3, 8, 8), lambda: M(3, 2))
    case("maxpool", "maxpool 3x3, stride = 2, ceil = true", (3, 8, 8), lambda: M(3, 2, ceil_mode=True))
    case("maxpool", "maxpool 2x2, stride = 2, pad = 1, ceil = true", (3, 5, 5), lambda: M(2, 2, 1, ceil_mode=True))
    case("maxpool", "maxpool 3x3, stride = 3, pad = 1, ceil = true", (3, 5, 7), lambda: M(3, 3, 1, ceil_mode=True))
    case("maxpool", "maxpool 3x3, stride = 2, pad = 1", (3, 112, 111), lambda: M(3, 2, 1))
    case("maxpool", "maxpool 3x3, stride = 2, pad = 1, ceil = true", (3, 6, 7), lambda: M(3, 2, 1, ceil_mode=True))
    case("maxpool", "maxpool 5x5, stride = 4, pad = 2, ceil = true", (3, 9, 10), lambda: M(5, 4, 2, ceil_mode=True))
    case("maxpool", "maxpool 3x3, stride = 2, dilation = 2", (3, 11, 11), lambda: M(3, 2, dilation=2))
    case("maxpool", "maxpool 2x2, stride = 2, dilation = 2, ceil = true", (3, 8, 9), lambda: M(2, 2, dilation=2, ceil_mode=True))
    case("maxpool", "maxpool 3x2, stride = [2, 1], pad = [1, 0]", (3, 9, 6), lambda: M((3, 2), (2, 1), (1, 0)))
    case("maxpool", "maxpool 3x3, stride = 1, pad = 1", (3, 1, 1), lambda: M(3, 1, 1))
    case("maxpool", "maxpool 3x3, stride = 2, ceil = true", (3, 2, 2), lambda: M(3, 2, ceil_mode=True))
    # rejected by PyTorch
    case("maxpool", "maxpool 3x3, pad = 2", (3, 8, 8), lambda: M(3, padding=2))
    case("maxpool", "maxpool 2x2, pad = [0, 2]", (3, 8, 8), lambda: M(2, padding=(0, 2)))
    case("maxpool", "maxpool 3x3", (3, 2, 2), lambda: M(3))
    case("maxpool", "maxpool 3x3, stride = 2", (3, 2, 2), lambda: M(3, 2))
    case("maxpool", "maxpool 3x3, dilation = 2", (3, 4, 4), lambda: M(3, dilation=2))
    case("maxpool", "maxpool 3x3, pad = 2, dilation = 2", (3, 9, 9), lambda: M(3, padding=2, dilation=2))

    # ---- avgpool -----------------------------------------------------------------------
    A = nn.AvgPool2d
    case("avgpool", "avgpool 2x2", (3, 7, 7), lambda: A(2))
    case("avgpool", "avgpool 2x2, ceil = true", (3, 7, 7), lambda: A(2, ceil_mode=True))
    case("avgpool", "avgpool 3x3, stride = 2, pad = 1", (3, 8, 8), lambda: A(3, 2, 1))
    case("avgpool", "avgpool 3x3, stride = 2, pad = 1, ceil = true, count_include_pad = false", (3, 8, 8),
         lambda: A(3, 2, 1, ceil_mode=True, count_include_pad=False))
    case("avgpool", "avgpool 2x2, stride = 2, pad = 1, ceil = true", (3, 5, 5), lambda: A(2, 2, 1, ceil_mode=True))
    case("avgpool", "avgpool 3x1, stride = [2, 1]", (3, 9, 4), lambda: A((3, 1), (2, 1)))
    case("avgpool", "avgpool 3x3, stride = 2, ceil = true", (3, 2, 2), lambda: A(3, 2, ceil_mode=True))
    # rejected by PyTorch
    case("avgpool", "avgpool 2x2, pad = 2", (3, 8, 8), lambda: A(2, padding=2))
    case("avgpool", "avgpool 4x4", (3, 3, 3), lambda: A(4))
    case("avgpool", "avgpool 3x3, pad = [2, 1]", (3, 8, 8), lambda: A(3, padding=(2, 1)))

    # ---- adaptive pools ----------------------------------------------------------------
    case("adaptiveavgpool", "adaptiveavgpool 7x7", (8, 7, 7), lambda: nn.AdaptiveAvgPool2d(7))
    case("adaptiveavgpool", "adaptiveavgpool 3x3", (4, 10, 10), lambda: nn.AdaptiveAvgPool2d(3))
    case("adaptiveavgpool", "adaptiveavgpool 5x5", (4, 3, 3), lambda: nn.AdaptiveAvgPool2d(5))
    case("adaptiveavgpool", "adaptiveavgpool 4x2", (4, 5, 5), lambda: nn.AdaptiveAvgPool2d((4, 2)))
    case("adaptivemaxpool", "adaptivemaxpool 2x3", (4, 9, 9), lambda: nn.AdaptiveMaxPool2d((2, 3)))
    case("adaptivemaxpool", "adaptivemaxpool 1", (4, 5, 5), lambda: nn.AdaptiveMaxPool2d(1))
    case("globalavgpool", "globalavgpool", (8, 7, 5), lambda: nn.AdaptiveAvgPool2d(1))

    # ---- flatten, reshape --------------------------------------------------------------
    case("flatten", "flatten", (8, 3, 3), nn.Flatten)
    case("flatten", "flatten", (6, 10), nn.Flatten)
    case("flatten", "flatten", (5,), nn.Flatten)
    case("reshape", "reshape 2x36", (8, 3, 3), lambda: Reshape(2, 36))
    case("reshape", "reshape [-1, 9]", (8, 3, 3), lambda: Reshape(-1, 9))
    case("reshape", "reshape 5x5", (8, 3, 3), lambda: Reshape(5, 5))
    case("reshape", "reshape [-1, 5]", (8, 3, 3), lambda: Reshape(-1, 5))

    # ---- lrn, upsample, pad, prelu, softmax, channelshuffle, dropout -------------------
    case("lrn", "lrn 5", (16, 7, 7), lambda: nn.LocalResponseNorm(5))
    case("lrn", "lrn 2, alpha = 0.0001, beta = 0.75, k = 2", (8, 4, 4), lambda: nn.LocalResponseNorm(2, 0.0001, 0.75, 2))
    case("lrn", "lrn 3", (6, 10), lambda: nn.LocalResponseNorm(3))
    case("upsample", "upsample 2", (3, 5, 5), lambda: nn.Upsample(scale_factor=2))
    case("upsample", "upsample 2x3", (3, 4, 5), lambda: nn.Upsample(scale_factor=(2, 3)))
    case("upsample", 'upsample 2, mode = "bilinear"', (3, 5, 7), lambda: nn.Upsample(scale_factor=2, mode="bilinear"))
    case("pad", "pad 1", (3, 5, 5), lambda: nn.ZeroPad2d(1))
    case("pad", "pad [1, 2, 3, 4]", (3, 5, 6), lambda: nn.ZeroPad2d((1, 2, 3, 4)))
    case("pad", "pad [0, 1, 0, 1]", (3, 4, 4), lambda: nn.ZeroPad2d((0, 1, 0, 1)))
    case("prelu", "prelu", (8, 4, 4), nn.PReLU)
    case("prelu", "prelu 8", (8, 4, 4), lambda: nn.PReLU(8))
    case("prelu", "prelu 6, init = 0.1", (6, 10), lambda: nn.PReLU(6, 0.1))
    case("prelu", "prelu 4", (4,), lambda: nn.PReLU(4))
    case("prelu", "prelu 3", (4, 5, 5), lambda: nn.PReLU(3))
    case("softmax", "softmax", (10,), lambda: nn.Softmax(dim=1))
    case("softmax", "softmax", (8, 3, 3), lambda: nn.Softmax(dim=1))
    case("softmax", "softmax dim = -1", (8, 3, 3), lambda: nn.Softmax(dim=-1))
    case("softmax", "softmax dim = 2", (8, 3, 3), lambda: nn.Softmax(dim=3))
    case("softmax", "softmax dim = 3", (8, 3, 3), lambda: nn.Softmax(dim=4))
    case("channelshuffle", "channelshuffle 2", (8, 3, 3), lambda: nn.ChannelShuffle(2))
    case("channelshuffle", "channelshuffle 4", (8, 3, 3), lambda: nn.ChannelShuffle(4))
    case("channelshuffle", "channelshuffle 3", (8, 3, 3), lambda: nn.ChannelShuffle(3))
    case("channelshuffle", "channelshuffle 2", (6, 10), lambda: nn.ChannelShuffle(2))
    case("dropout", "dropout", (8, 3, 3), nn.Dropout)
    case("dropout", "dropout 0.2", (16,), lambda: nn.Dropout(0.2))
    act_cases()


def write_cases(path, header, items, key):
    with open(path, "w") as f:
        f.write("{\n")
        for k, v in header.items():
            f.write(f"  {json.dumps(k)}: {json.dumps(v)},\n")
        f.write(f'  "{key}": [\n')
        f.write(",\n".join("    " + json.dumps(x, separators=(", ", ": ")) for x in items))
        f.write("\n  ]\n}\n")


def torchvision_models():
    # (netc library name, torchvision constructor, keyword arguments)
    specs = [(n, n, {}) for n in ["resnet18", "resnet50", "resnext50_32x4d", "wide_resnet50_2", "alexnet", "vgg16",
                                   "vgg16_bn", "densenet121", "mobilenet_v2", "efficientnet_b0", "squeezenet1_0",
                                   "squeezenet1_1"]]
    specs += [
        ("googlenet", "googlenet", {"aux_logits": False, "init_weights": False}),
        ("googlenet_aux", "googlenet", {"aux_logits": True, "init_weights": False}),
        ("inception_v3", "inception_v3", {"aux_logits": False, "init_weights": False}),
        ("inception_v3_aux", "inception_v3", {"aux_logits": True, "init_weights": False}),
    ]
    models = []
    for name, ctor, kwargs in specs:
        m = getattr(torchvision.models, ctor)(weights=None, **kwargs)
        models.append({"model": name, "tensors": [[t["name"], t["shape"], t["kind"]] for t in tensors_of(m)]})
    return models


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    layer_cases()
    header = {
        "generator": "scripts/gen-torch-fixtures.py",
        "torch": torch.__version__,
        "note": "input/output shapes exclude the batch; tensors are the module's state_dict in order",
    }
    write_cases(os.path.join(OUT_DIR, "torch-layers.json"), header, CASES, "cases")
    header = dict(header, torchvision=torchvision.__version__,
                  note="state_dict keys in order as [name, shape, kind]; kind: parameter | buffer | counter")
    write_cases(os.path.join(OUT_DIR, "torchvision-tensors.json"), header, torchvision_models(), "models")
    errors = sum(1 for c in CASES if c["error"])
    print(f"{len(CASES)} layer cases ({errors} rejected by PyTorch)", file=sys.stderr)


if __name__ == "__main__":
    main()
