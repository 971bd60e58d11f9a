# One training step of test/export/native-train.net in PyTorch: the weights, the batch,
# the loss, every parameter's gradient (autograd) and the running statistics after the
# step, for the native (onnxruntime) training step's test.
#   /usr/bin/python3 scripts/gen-native-train-fixtures.py > test/export/fixtures/native-train.json
import json
import torch
import torch.nn as nn

torch.manual_seed(7)

class Res(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv1 = nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(c)
        self.conv2 = nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(c)

    def forward(self, x):
        y = self.bn2(self.conv2(torch.relu(self.bn1(self.conv1(x)))))
        return torch.relu(x + y)

class SE(nn.Module):
    def __init__(self, c, s):
        super().__init__()
        self.sq = nn.Conv2d(c, s, 1)
        self.ex = nn.Conv2d(s, c, 1)

    def forward(self, x):
        return x * torch.sigmoid(self.ex(torch.relu(self.sq(x.mean((2, 3), keepdim=True)))))

class Cat(nn.Module):
    def __init__(self, c, g):
        super().__init__()
        self.cb = nn.Conv2d(c, g, 1)

    def forward(self, x):
        return torch.cat([x, self.cb(x)], 1)

class T(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 16, 5, stride=3, padding=1)
        self.sact = nn.PReLU(16)
        self.pool = nn.MaxPool2d(3, stride=2, padding=1)
        self.block1 = Res(16)
        self.down = nn.Conv2d(16, 16, 3, stride=2, padding=1)
        self.proj = nn.Conv2d(16, 16, 1, bias=False)
        self.se = SE(16, 4)
        self.cat = Cat(16, 8)
        self.shuf = nn.Module()
        self.shuf.sc = nn.Conv2d(12, 12, 1)
        self.dw = nn.Conv2d(24, 24, 3, padding=1, groups=24)
        self.gc = nn.Conv2d(24, 24, 3, padding=1, groups=4, bias=False)
        self.ln2d = nn.LayerNorm(24, eps=1e-6)  # torchvision's LayerNorm2d: over channels, channels last
        self.cnx = nn.Module()
        self.cnx.ln = nn.LayerNorm(24, eps=1e-6)
        self.cnx.up = nn.Linear(24, 48)
        self.cnx.back = nn.Linear(48, 24)
        self.cnx.ls = nn.Parameter(torch.full((24, 1, 1), 0.5))
        self.smooth = nn.AvgPool2d(2, stride=1)
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.hidden = nn.Linear(20, 16)
        self.h2 = nn.Linear(16, 16)
        self.h3 = nn.Linear(16, 16)
        self.h4 = nn.Linear(16, 16)
        self.hact = nn.PReLU()
        self.fc = nn.Linear(16, 5)

    def forward(self, x):
        x = self.pool(self.sact(self.stem(x)))
        x = self.cat(self.se(self.proj(self.down(self.block1(x)))))
        a, b = x.chunk(2, 1)
        x = torch.cat([a, self.shuf.sc(b)], 1)
        n, c, h, w = x.shape  # torchvision's channel_shuffle (torch 1.13's has no derivative)
        x = x.view(n, 2, c // 2, h, w).transpose(1, 2).contiguous().view(n, c, h, w)
        x = nn.functional.hardsigmoid(nn.functional.silu(self.gc(nn.functional.hardswish(self.dw(x)))))
        x = self.ln2d(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)
        c = self.cnx
        x = x + c.ls * c.back(nn.functional.gelu(c.up(c.ln(x.permute(0, 2, 3, 1))))).permute(0, 3, 1, 2)
        x = self.smooth(x[:, 0:20]).mean((2, 3))
        x = torch.sigmoid(self.h2(torch.tanh(self.hidden(x))))
        x = nn.functional.relu6(self.h4(nn.functional.leaky_relu(self.h3(x), 0.1)))
        return self.fc(self.hact(x))

m = T()
with torch.no_grad():  # batch norm's affine parameters away from 1 and 0, so their gradients matter
    m.sact.weight.uniform_(0.1, 0.4)
    for ln in (m.ln2d, m.cnx.ln):
        ln.weight.uniform_(0.5, 1.5)
        ln.bias.uniform_(-0.5, 0.5)
    for bn in (m.block1.bn1, m.block1.bn2):
        bn.weight.uniform_(0.5, 1.5)
        bn.bias.uniform_(-0.5, 0.5)
state = {k: v.clone() for k, v in m.state_dict().items()}
x = torch.round(torch.randn(6, 3, 29, 23) * 100) / 100  # short in the JSON, and exactly what netc reads
labels = torch.tensor([0, 3, 1, 4, 4, 2])
m.train()
logits = m(x)
loss = nn.functional.cross_entropy(logits, labels)
loss.backward()
r = lambda t: [float(f"{v:.8g}") for v in t.detach().flatten().tolist()]  # 8 significant digits
print(json.dumps({
    "state": {k: {"shape": list(v.shape), "data": r(v)} for k, v in state.items() if v.dtype == torch.float32},
    "x": [round(v, 2) for v in x.flatten().tolist()], "shape": list(x.shape), "labels": labels.tolist(),
    "loss": float(loss), "logits": r(logits),
    "grads": {k: r(p.grad) for k, p in m.named_parameters()},
    "after": {k: r(v) for k, v in m.state_dict().items() if "running" in k},
}))
