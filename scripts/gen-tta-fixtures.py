#!/usr/bin/python3
# Reference values for netc's test-time augmentation (runtime/tta.ts), from torchvision.
#
# Regenerate with Debian's Python (torch 1.13, torchvision 0.14):
#
#     /usr/bin/python3 scripts/gen-tta-fixtures.py
#
# Writes test/tta/fixtures/ (committed): a 27x23 PNG, its crops by torchvision's
# Resize(18) (PIL bilinear), ToTensor, Normalize(ImageNet) and FiveCrop(16) / TenCrop(16)
# / TenCrop(16, vertical_flip=True) as float32 .npy arrays, random weights for tta.net
# (a .pth state dict), the crops' softmax probabilities averaged by PyTorch, and a tiny
# ImageFolder (4 classes x 5 images, the fifth of each held out as netc holds it out)
# with the ten-crop accuracy of those weights on the held-out images.
import json
import os

import numpy as np
import torch
import torch.nn as nn
from PIL import Image
from torchvision import transforms as T

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "test", "tta", "fixtures")
rng = np.random.RandomState(18)
torch.manual_seed(18)


def image(w, h, kind=0):
    # a smooth gradient with noise, so that the crops differ in a way a network sees;
    # its direction and colours vary with kind (the folder's classes)
    y, x = np.mgrid[0:h, 0:w]
    if kind % 2:
        x = x[:, ::-1]
    base = np.roll(np.stack([x * 255 / w, y * 255 / h, (x + y) * 127 / (w + h)], -1), kind, axis=2)
    return Image.fromarray(np.clip(base + rng.randint(-60, 60, (h, w, 3)), 0, 255).astype(np.uint8))


# the module tta.net describes
model = nn.Module()
model.features = nn.Sequential(nn.Conv2d(3, 6, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2))
model.classifier = nn.Sequential(nn.Linear(6 * 8 * 8, 4))
for p in model.parameters():
    nn.init.normal_(p, std=0.3)
model.eval()


def run(crops):
    with torch.no_grad():
        return model.classifier(torch.flatten(model.features(crops), 1))


def prep(resize, crop):
    return T.Compose([T.Resize(resize), T.ToTensor(), T.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225]), crop, T.Lambda(torch.stack)])


os.makedirs(OUT, exist_ok=True)
img = image(27, 23)
img.save(os.path.join(OUT, "image.png"))
torch.save(model.state_dict(), os.path.join(OUT, "weights.pth"))
expected = {"image": "image.png", "resize": 18, "crop": 16, "modes": {}}
for name, crop in [("five-crop", T.FiveCrop(16)), ("ten-crop", T.TenCrop(16)), ("ten-crop-vertical", T.TenCrop(16, vertical_flip=True))]:
    crops = prep(18, crop)(img)  # N x 3 x 16 x 16
    np.save(os.path.join(OUT, f"{name}.npy"), crops.numpy().astype(np.float32))
    probs = torch.softmax(run(crops), 1).mean(0)
    expected["modes"][name] = {"probabilities": probs.tolist()}

# the ImageFolder: held out, as netc train/eval hold out, every fifth image of each class
folder = os.path.join(OUT, "folder")
held, correct = [], 0
for label, cls in enumerate(["a", "b", "c", "d"]):
    os.makedirs(os.path.join(folder, cls), exist_ok=True)
    for i in range(5):
        im = image(20 + 3 * i + label, 18 + i, label)
        im.save(os.path.join(folder, cls, f"{i}.png"))
        if i == 4:
            pred = int(torch.softmax(run(prep(18, T.TenCrop(16))(im)), 1).mean(0).argmax())
            held.append({"file": f"{cls}/{i}.png", "label": label, "predicted": pred})
            correct += pred == label
expected["folder"] = {"held_out": held, "ten_crop_accuracy": correct / len(held)}
with open(os.path.join(OUT, "expected.json"), "w") as f:
    json.dump(expected, f, indent=1)
    f.write("\n")
print(json.dumps(expected["folder"]))
