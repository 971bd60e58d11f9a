#!/usr/bin/python3
# Reference values for netc's SSD head (runtime/tasks/ssd.ts), from torchvision's own
# SSD code on random tensors.
#
# Regenerate with Debian's Python (torch 1.13, torchvision 0.14):
#
#     /usr/bin/python3 scripts/gen-ssd-fixtures.py
#
# Writes test/tasks/fixtures/ssd.json (committed): the default boxes of
# DefaultBoxGenerator for a few configurations (and its default scales), the matching
# of SSDMatcher(0.5), the targets of BoxCoder((10, 10, 5, 5)).encode_single, the loss of
# SSD.compute_loss (smooth-L1 + cross-entropy with 3:1 hard-negative mining, divided by
# the matched anchors) and its gradient, and SSD.postprocess_detections (softmax, score
# threshold, top 400 per class, batched_nms, 200 per image). The SSD methods are called
# on a plain object holding the attributes they read, so that no backbone is needed.
import json
import os
from types import SimpleNamespace

import torch
import torchvision
from torchvision.models.detection import _utils as det_utils
from torchvision.models.detection.anchor_utils import DefaultBoxGenerator
from torchvision.models.detection.image_list import ImageList
from torchvision.models.detection.ssd import SSD
from torchvision.ops import box_iou

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "test", "tasks", "fixtures", "ssd.json")
g = torch.Generator().manual_seed(18)


def rand(*shape):
    return torch.rand(*shape, generator=g)


def anchors_for(maps, ratios, scales, width, height, n=1):
    gen = DefaultBoxGenerator(ratios, scales=scales)
    images = ImageList(torch.zeros(n, 3, height, width), [(height, width)] * n)
    features = [torch.zeros(n, 1, h, w) for h, w in maps]
    return gen, gen(images, features)


def random_objects(k, width, height, classes):
    xy = rand(k, 2) * torch.tensor([width, height]) * 0.7
    wh = rand(k, 2) * torch.tensor([width, height]) * 0.4 + 4
    boxes = torch.cat([xy, torch.minimum(xy + wh, torch.tensor([width, height]))], 1)
    labels = torch.randint(1, classes + 1, (k,), generator=g)
    return {"boxes": boxes, "labels": labels}


def main():
    width, height, C = 64, 48, 3
    maps, ratios, scales = [[4, 5], [2, 3], [1, 1]], [[2], [2, 3], []], [0.2, 0.4, 0.6, 0.9]
    configs = []
    for m, r, s in [(maps, ratios, scales), ([[3, 3], [2, 2]], [[2], [3]], None), ([[2, 2]], [[2]], None)]:
        gen, anchors = anchors_for(m, r, s, width, height)
        configs.append({"maps": m, "ratios": r, "scales": gen.scales, "given": s, "anchors": anchors[0].tolist()})

    gen, anchors = anchors_for(maps, ratios, scales, width, height, n=3)
    A = anchors[0].shape[0]
    targets = [random_objects(2, width, height, C), random_objects(3, width, height, C), random_objects(0, width, height, C)]
    # one object exactly on an anchor: its IoU ties no other
    targets[0]["boxes"][1] = anchors[0][7]
    matcher = det_utils.SSDMatcher(0.5)
    matched = []
    for a, t in zip(anchors, targets):
        if t["boxes"].numel() == 0:
            matched.append(torch.full((A,), -1, dtype=torch.int64))
        else:
            matched.append(matcher(box_iou(t["boxes"], a)))
    coder = det_utils.BoxCoder(weights=(10.0, 10.0, 5.0, 5.0))
    encoded = []
    for a, t, m in zip(anchors, targets, matched):
        e = torch.zeros(A, 4)
        fg = torch.where(m >= 0)[0]
        e[fg] = coder.encode_single(t["boxes"][m[fg]], a[fg])
        encoded.append(e)

    bbox = (torch.randn(3, A, 4, generator=g) * 2).requires_grad_()
    logits = (torch.randn(3, A, C + 1, generator=g) * 2).requires_grad_()
    model = SimpleNamespace(box_coder=coder, neg_to_pos_ratio=3)
    losses = SSD.compute_loss(model, targets, {"bbox_regression": bbox, "cls_logits": logits}, anchors, matched)
    loss = losses["bbox_regression"] + losses["classification"]
    loss.backward()
    grad = torch.cat([bbox.grad, logits.grad], 2)

    decoded = []
    for min_score, thr in [(0.3, 0.45), (0.05, 0.5), (0.6, 0.3)]:
        post = SimpleNamespace(box_coder=coder, score_thresh=min_score, topk_candidates=400, nms_thresh=thr, detections_per_img=200)
        with torch.no_grad():
            dets = SSD.postprocess_detections(post, {"bbox_regression": bbox[:1], "cls_logits": logits[:1]}, anchors[:1], [(height, width)])[0]
        decoded.append(
            {"minScore": min_score, "iou": thr, "boxes": dets["boxes"].tolist(), "scores": dets["scores"].tolist(), "classes": (dets["labels"] - 1).tolist()}
        )

    fixture = {
        "torch": torch.__version__,
        "torchvision": torchvision.__version__,
        "width": width,
        "height": height,
        "C": C,
        "configs": configs,
        "objects": [[{"class": int(l) - 1, "box": b} for b, l in zip(t["boxes"].tolist(), t["labels"].tolist())] for t in targets],
        "matched": [m.tolist() for m in matched],
        "encoded": [e.tolist() for e in encoded],
        "pred": torch.cat([bbox, logits], 2).detach().tolist(),
        "loss": {"bbox_regression": losses["bbox_regression"].item(), "classification": losses["classification"].item(), "total": loss.item()},
        "grad": grad.tolist(),
        "decoded": decoded,
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(fixture, f)
    print(f"wrote {OUT}: {A} anchors, {sum(int((m >= 0).sum()) for m in matched)} matched, loss {loss.item():.6f}, " + ", ".join(str(len(d["scores"])) for d in decoded) + " detections")


if __name__ == "__main__":
    main()
