#!/usr/bin/python3
# torchvision's figures for the library networks added for issue 14: parameter count,
# MACs of convolutions (transposed too) and linear layers for one image (measured with forward hooks), and
# the state_dict (names, shapes, kinds), from Debian's torch 1.13 / torchvision 0.14.
#   /usr/bin/python3 scripts/gen-torch-networks.py  ->  test/fixtures/torchvision-networks.json
import json, os
import torch
import torchvision
from torch import nn
import torch.nn.functional as F
from torchvision.models import segmentation, detection


# U-Net (Ronneberger et al., 2015) as the common PyTorch implementation writes it
# (github.com/milesial/Pytorch-UNet, unet/unet_parts.py, bilinear=False): 3x3
# convolutions with padding 1 and batch norm, 2x2 max pooling, 2x2 stride-2 transposed
# convolutions, skips concatenated as [skip, upsampled]. Input sizes divisible by 16.
class DoubleConv(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.double_conv = nn.Sequential(
            nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
            nn.Conv2d(cout, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))

    def forward(self, x):
        return self.double_conv(x)


class Down(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.maxpool_conv = nn.Sequential(nn.MaxPool2d(2), DoubleConv(cin, cout))

    def forward(self, x):
        return self.maxpool_conv(x)


class Up(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.up = nn.ConvTranspose2d(cin, cin // 2, kernel_size=2, stride=2)
        self.conv = DoubleConv(cin, cout)

    def forward(self, x1, x2):
        return self.conv(torch.cat([x2, self.up(x1)], dim=1))


class OutConv(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, kernel_size=1)

    def forward(self, x):
        return self.conv(x)


class UNet(nn.Module):
    def __init__(self, n_channels=3, n_classes=2):
        super().__init__()
        self.inc = DoubleConv(n_channels, 64)
        self.down1, self.down2, self.down3, self.down4 = Down(64, 128), Down(128, 256), Down(256, 512), Down(512, 1024)
        self.up1, self.up2, self.up3, self.up4 = Up(1024, 512), Up(512, 256), Up(256, 128), Up(128, 64)
        self.outc = OutConv(64, n_classes)

    def forward(self, x):
        x1 = self.inc(x)
        x2 = self.down1(x1)
        x3 = self.down2(x2)
        x4 = self.down3(x3)
        x5 = self.down4(x4)
        x = self.up1(x5, x4)
        x = self.up2(x, x3)
        x = self.up3(x, x2)
        x = self.up4(x, x1)
        return self.outc(x)


class SSDNet(nn.Module):
    """torchvision's SSD / SSDlite up to its head's outputs: the backbone's feature maps and
    the class and box heads on each, concatenated over the anchors as SSDHead returns them
    (bbox_regression [anchors, 4], cls_logits [anchors, classes]); without the input
    transform, the anchors and the box decoding and NMS that follow."""

    def __init__(self, ssd):
        super().__init__()
        self.backbone, self.head = ssd.backbone, ssd.head

    def forward(self, x):
        return self.head(list(self.backbone(x).values()))


def tv(ctor, **kw):
    return lambda: getattr(torchvision.models, ctor)(weights=None, **kw)


def seg(ctor, **kw):
    return lambda: getattr(segmentation, ctor)(weights=None, weights_backbone=None, **kw)


def ssd(ctor, **kw):
    return lambda: SSDNet(getattr(detection, ctor)(weights=None, weights_backbone=None, **kw))

# (netc library name, torchvision constructor, keyword arguments, input size); the
# constructor may also be a function that builds the model.
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
    ("mobilenet_v3_large", "mobilenet_v3_large", {}, 224),
    ("mobilenet_v3_small", "mobilenet_v3_small", {}, 224),
    ("shufflenet_v2_x0_5", "shufflenet_v2_x0_5", {}, 224),
    ("shufflenet_v2_x1_0", "shufflenet_v2_x1_0", {}, 224),
    ("shufflenet_v2_x1_5", "shufflenet_v2_x1_5", {}, 224),
    ("shufflenet_v2_x2_0", "shufflenet_v2_x2_0", {}, 224),
    ("regnet_x_400mf", "regnet_x_400mf", {}, 224),
    ("regnet_x_800mf", "regnet_x_800mf", {}, 224),
    ("regnet_x_1_6gf", "regnet_x_1_6gf", {}, 224),
    ("regnet_y_400mf", "regnet_y_400mf", {}, 224),
    ("regnet_y_800mf", "regnet_y_800mf", {}, 224),
    ("regnet_y_1_6gf", "regnet_y_1_6gf", {}, 224),
    ("mnasnet0_5", "mnasnet0_5", {}, 224),
    ("mnasnet0_75", "mnasnet0_75", {}, 224),
    ("mnasnet1_0", "mnasnet1_0", {}, 224),
    ("mnasnet1_3", "mnasnet1_3", {}, 224),
    ("efficientnet_v2_s", "efficientnet_v2_s", {}, 384),
    ("efficientnet_v2_m", "efficientnet_v2_m", {}, 480),
    ("efficientnet_v2_l", "efficientnet_v2_l", {}, 480),
    ("deeplabv3_resnet50", seg("deeplabv3_resnet50"), {}, 520),
    ("deeplabv3_resnet50_aux", seg("deeplabv3_resnet50", aux_loss=True), {}, 520),
    ("unet", lambda: UNet(), {}, 256),
    ("ssdlite320_mobilenet_v3_large", ssd("ssdlite320_mobilenet_v3_large"), {}, 320),
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
        elif isinstance(m, nn.ConvTranspose2d):  # netc's convention: in x H_in x W_in x out/groups x kh x kw
            total[0] += inputs[0].numel() * (m.out_channels // m.groups) * m.kernel_size[0] * m.kernel_size[1]
        elif isinstance(m, nn.Linear):
            total[0] += (out.numel() // m.out_features) * m.in_features * m.out_features

    handles = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear))]
    with torch.no_grad():
        y = model.eval()(torch.zeros(1, 3, size, size))
    for h in handles:
        h.remove()
    outs = list(y.items()) if isinstance(y, dict) else [(None, y)]
    return total[0], [[k, list(o.shape[1:])] for k, o in outs]


def main():
    only = set(os.environ.get("ONLY", "").split(",")) - {""}
    models = []
    for name, ctor, kwargs, size in SPECS:
        if only and name not in only:
            continue
        m = ctor() if callable(ctor) else getattr(torchvision.models, ctor)(weights=None, **kwargs)
        params = dict(m.named_parameters())
        macs, outputs = macs_of(m, size)
        models.append({
            "model": name, "input": [3, size, size], "outputs": outputs,
            "params": sum(p.numel() for p in m.parameters()), "macs": macs,
            "tensors": [[k, list(v.shape), kind_of(params, k)] for k, v in m.state_dict().items()],
        })
        print(name, models[-1]["params"], models[-1]["macs"])
    out = os.environ.get("OUT") or os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "torchvision-networks.json")
    with open(out, "w") as f:
        json.dump({"generator": "scripts/gen-torch-networks.py", "torch": torch.__version__,
                   "torchvision": torchvision.__version__,
                   "note": "params: trainable parameters; macs: Conv2d, ConvTranspose2d and Linear multiply-accumulates for one image; "
                           "tensors: the state_dict in order as [name, shape, kind]; outputs: [name, shape without the batch] of each output, the name of a dict output's key (None for a single tensor)", "models": models}, f)
        f.write("\n")


if __name__ == "__main__":
    main()
