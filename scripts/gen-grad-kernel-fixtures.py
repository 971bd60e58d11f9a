# Fixtures for the gradient kernels netc writes itself (runtime/grad-kernels/): inputs,
# outputs and PyTorch autograd's gradients, small enough to commit as JSON.
#   /usr/bin/python3 scripts/gen-grad-kernel-fixtures.py > test/runtime/fixtures/grad-kernels.json
import json, torch

torch.manual_seed(21)
out = {}

def r(t):
    return [round(float(v), 7) for v in t.detach().reshape(-1)]

# softmax cross-entropy, mean over the batch (torch.nn.functional.cross_entropy), with
# a large logit in one row to check the max subtraction
z = (torch.randn(6, 7) * 3)
z[2, 4] = 80.0
z.requires_grad_(True)
labels = torch.tensor([0, 6, 4, 3, 1, 2])
loss = torch.nn.functional.cross_entropy(z, labels)
loss.backward()
out["softmax_xent"] = {"shape": [6, 7], "logits": r(z), "labels": labels.tolist(), "loss": float(loss), "grad": r(z.grad)}
print(json.dumps(out))
