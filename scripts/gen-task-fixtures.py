#!/usr/bin/python3
# Reference values for netc's task code (runtime/tasks/), from PyTorch on random tensors.
#
# Regenerate with Debian's Python (torch 1.13, torchvision 0.14):
#
#     /usr/bin/python3 scripts/gen-task-fixtures.py
#
# Writes test/tasks/fixtures/tasks.json (committed): box IoU (torchvision.ops.box_iou),
# NMS (torchvision.ops.nms) and per-class NMS (batched_nms), the YOLO v1 loss and its
# decoding as the lecture notes define them (written here independently of netc, in
# torch), and segmentation's cropped cross-entropy (F.cross_entropy, ignore_index=255)
# and mean IoU.
import json
import os

import torch
import torch.nn.functional as F
import torchvision
from torchvision.ops import batched_nms, box_iou, clip_boxes_to_image, nms
from torchvision.transforms.functional import center_crop

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "test", "tasks", "fixtures", "tasks.json")
g = torch.Generator().manual_seed(18)


def rand(*shape):
    return torch.rand(*shape, generator=g, dtype=torch.float64)


def random_boxes(n, size):
    xy = rand(n, 2) * size * 0.8
    wh = rand(n, 2) * size * 0.4 + 2
    return torch.cat([xy, xy + wh], 1)


def l(t):
    return t.tolist()


# ---- boxes and NMS -------------------------------------------------------------
boxes = random_boxes(40, 64)
scores = rand(40)
classes = torch.randint(0, 3, (40,), generator=g)
nms_cases = []
for thr in [0.3, 0.5, 0.7]:
    nms_cases.append({"threshold": thr, "keep": l(nms(boxes, scores, thr)), "batched": l(batched_nms(boxes, scores, classes, thr))})
box_fixture = {"boxes": l(boxes), "scores": l(scores), "classes": l(classes), "iou": l(box_iou(boxes[:6], boxes[6:12])), "nms": nms_cases}

# ---- YOLO v1 -------------------------------------------------------------------
S, B, C, N, W, H = 4, 2, 3, 3, 64, 48
LC, LN = 5.0, 0.5
objects = []
for n in range(N):
    k = int(torch.randint(1, 4, (1,), generator=g))
    bx = random_boxes(k, 48)
    objects.append([{"class": int(torch.randint(0, C, (1,), generator=g)), "box": l(b)} for b in bx])
pred = rand(N, S, S, B * 5 + C) * 1.2 - 0.1


def targets():
    t = torch.zeros(N, S, S, 5 + C, dtype=torch.float64)
    for n, objs in enumerate(objects):
        for o in objs:
            x1, y1, x2, y2 = o["box"]
            cx, cy = (x1 + x2) / 2 / W, (y1 + y2) / 2 / H
            col, row = min(S - 1, int(cx * S)), min(S - 1, int(cy * S))
            if t[n, row, col, 0] == 1:
                continue
            t[n, row, col, :5] = torch.tensor([1, cx * S - col, cy * S - row, (x2 - x1) / W, (y2 - y1) / H])
            t[n, row, col, 5 + o["class"]] = 1
    return t


def to_corners(xy, wh):
    rows, cols = torch.meshgrid(torch.arange(S), torch.arange(S), indexing="ij")
    centre = (xy + torch.stack([cols, rows], -1)) / S
    half = wh.clamp(min=0) / 2
    return torch.cat([centre - half, centre + half], -1)


def yolo_loss(p, t):
    obj = t[..., 0]
    tb = to_corners(t[..., 1:3], t[..., 3:5])
    ious = []
    for b in range(B):
        pb = to_corners(p[..., b * 5 : b * 5 + 2].detach(), p[..., b * 5 + 2 : b * 5 + 4].detach())
        iou = torch.diag(box_iou(pb.reshape(-1, 4), tb.reshape(-1, 4))).reshape(N, S, S)
        ious.append(torch.nan_to_num(iou, nan=0.0))  # two empty boxes (cells without an object): 0
    ious = torch.stack(ious, -1)
    resp = F.one_hot(ious.argmax(-1), B).double() * obj[..., None]
    total = 0
    for b in range(B):
        r = resp[..., b]
        x = p[..., b * 5 : b * 5 + 5]
        ssqrt = torch.sign(x[..., 2:4]) * torch.sqrt(x[..., 2:4].abs() + 1e-6)
        coord = ((x[..., 0:2] - t[..., 1:3]) ** 2).sum(-1) + ((ssqrt - torch.sqrt(t[..., 3:5])) ** 2).sum(-1)
        total = total + LC * (r * coord).sum() + (r * (x[..., 4] - ious[..., b]) ** 2).sum() + LN * ((1 - r) * x[..., 4] ** 2).sum()
    total = total + (obj[..., None] * (p[..., B * 5 :] - t[..., 5:]) ** 2).sum()
    return total / N


def decode(p, min_score, thr):
    out = []
    for n in range(N):
        bs, ss, cs = [], [], []
        for row in range(S):
            for col in range(S):
                for b in range(B):
                    x, y, w, h, conf = p[n, row, col, b * 5 : b * 5 + 5].tolist()
                    cx, cy = (col + x) / S, (row + y) / S
                    w, h = max(0, w), max(0, h)
                    box = torch.tensor([[(cx - w / 2) * W, (cy - h / 2) * H, (cx + w / 2) * W, (cy + h / 2) * H]], dtype=torch.float64)
                    box = clip_boxes_to_image(box, (H, W))[0]
                    for c in range(C):
                        s = conf * float(p[n, row, col, B * 5 + c])
                        if s > min_score:
                            bs.append(box), ss.append(s), cs.append(c)
        keep = batched_nms(torch.stack(bs), torch.tensor(ss, dtype=torch.float64), torch.tensor(cs), thr).tolist() if bs else []
        out.append([{"class": cs[i], "score": ss[i], "box": l(bs[i])} for i in keep])
    return out


tgt = targets()
p = pred.clone().requires_grad_(True)
loss = yolo_loss(p, tgt)
loss.backward()
yolo_fixture = {
    "S": S, "B": B, "C": C, "width": W, "height": H, "objects": objects, "pred": l(pred.flatten()), "targets": l(tgt.flatten()),
    "loss": float(loss), "grad": l(p.grad.flatten()),
    "decode": [{"minScore": ms, "iou": thr, "detections": decode(pred, ms, thr)} for ms, thr in [(0.05, 0.5), (0.2, 0.3)]],
}

# ---- segmentation ----------------------------------------------------------------
K, HI, WI, HO, WO = 4, 10, 13, 7, 8
scores_seg = torch.randn(2, K, HI, WI, generator=g, dtype=torch.float64)
labels = torch.randint(0, K, (2, HO, WO), generator=g)
labels[torch.rand(2, HO, WO, generator=g) < 0.15] = 255
cropped = center_crop(scores_seg, [HO, WO])
ce = F.cross_entropy(cropped, labels, ignore_index=255)
predm = cropped.argmax(1)
valid = labels != 255
conf = torch.bincount(labels[valid] * K + predm[valid], minlength=K * K).reshape(K, K).double()
inter = conf.diag()
union = conf.sum(0) + conf.sum(1) - inter
present = union > 0
miou = float((inter[present] / union[present]).mean())
seg_fixture = {
    "classes": K, "in": [2, K, HI, WI], "out": [HO, WO], "scores": l(scores_seg.flatten()), "labels": l(labels.flatten()),
    "loss": float(ce), "pred": l(predm.flatten()), "meanIou": miou, "pixelAccuracy": float(inter.sum() / conf.sum()),
}

os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as f:
    json.dump({"torch": torch.__version__, "torchvision": torchvision.__version__, "boxes": box_fixture, "yolo": yolo_fixture, "segmentation": seg_fixture}, f)
    f.write("\n")
print(f"wrote {OUT}")
