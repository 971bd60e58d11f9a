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

# max-pool: the gradient of sum(pool(x) * dy), NCHW, for 2x2 stride 2 and 3x3 stride 2 pad 1
out["max_pool"] = []
for k, s, p in [(2, 2, 0), (3, 2, 1)]:
    x = torch.randn(2, 3, 7, 6, requires_grad=True)
    y = torch.nn.functional.max_pool2d(x, k, s, p)
    dy = torch.randn(y.shape)
    (y * dy).sum().backward()
    out["max_pool"].append({"kernel": k, "stride": s, "pad": p, "shape": list(x.shape), "x": r(x), "outShape": list(y.shape), "y": r(y), "dy": r(dy), "dx": r(x.grad)})

# Adam (TensorFlow.js's epsilon, 1e-7, where PyTorch's default is 1e-8): the weights after
# each of 4 steps with given gradients
w = torch.randn(3, 5, requires_grad=True)
w0 = r(w)
opt = torch.optim.Adam([w], lr=0.01, betas=(0.9, 0.999), eps=1e-7)
grads, after = [], []
for step in range(4):
    g = torch.randn(3, 5) * (10 ** (step - 2))
    w.grad = g.clone()
    opt.step()
    grads.append(r(g)); after.append(r(w))
out["adam"] = {"shape": [3, 5], "lr": 0.01, "w": w0, "grads": grads, "after": after}

# batch norm in training mode (NCHW, affine): the output, the batch statistics, and the
# gradients of sum(y * dy) with respect to the input, weight and bias
bn = torch.nn.BatchNorm2d(3, eps=1e-5)
with torch.no_grad():
    bn.weight.copy_(torch.randn(3)); bn.bias.copy_(torch.randn(3))
x = (torch.randn(4, 3, 5, 6) * 2 + 1).requires_grad_(True)
y = bn(x)
dy = torch.randn(y.shape)
(y * dy).sum().backward()
out["batch_norm"] = {"shape": list(x.shape), "eps": 1e-5, "x": r(x), "weight": r(bn.weight), "bias": r(bn.bias), "y": r(y), "dy": r(dy),
                     "dx": r(x.grad), "dweight": r(bn.weight.grad), "dbias": r(bn.bias.grad), "running_mean": r(bn.running_mean), "running_var": r(bn.running_var)}
# convolution (no bias, NCHW, weight [Co, Ci, kh, kw]): the output and the gradients of
# sum(y * dy) with respect to the input and the weight, for the layer shapes netc's own
# gradient covers: 3x3 at strides 1 and 2, the 1x1 shortcuts, a large strided kernel
# (cifar_resnet's stem), an even kernel padded "same" (more on one side), batch 1
out["conv"] = []
for n, ci, co, h, w, k, s, p in [(2, 3, 4, 6, 5, 3, 1, 1), (2, 3, 4, 7, 6, 3, 2, 1), (2, 5, 3, 4, 4, 1, 1, 0), (2, 4, 3, 5, 5, 1, 2, 0),
                                 (2, 2, 3, 13, 13, 7, 3, 2), (1, 4, 4, 5, 5, 3, 1, 1), (2, 3, 2, 5, 6, 2, 1, "same")]:
    x = torch.randn(n, ci, h, w, requires_grad=True)
    wt = torch.randn(co, ci, k, k, requires_grad=True)
    y = torch.nn.functional.conv2d(x, wt, stride=s, padding=p)
    dy = torch.randn(y.shape)
    (y * dy).sum().backward()
    out["conv"].append({"stride": s, "pad": p, "shape": list(x.shape), "weightShape": list(wt.shape), "x": r(x), "weight": r(wt),
                        "outShape": list(y.shape), "y": r(y), "dy": r(dy), "dx": r(x.grad), "dweight": r(wt.grad)})
print(json.dumps(out))
