# Writes the PyTorch checkpoints of test/pth.test.ts (issue 15, point 7) with Debian's
# torch: torch.save of state dicts (zip format, float32 and float16), the legacy
# non-zip format, a whole pickled module, and a zip whose pickle calls os.system.
#   /usr/bin/python3 scripts/gen-pth-fixtures.py
import io, os, pickle, zipfile
import numpy as np
import torch
import torch.nn as nn

OUT = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "pth")
os.makedirs(OUT, exist_ok=True)
torch.manual_seed(0)


class LeNet(nn.Module):
    """A hand-written LeNet-5: conv1, conv2, fc1..fc3 (netc's lenet5 names them features.N, classifier.N)."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(256, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = torch.max_pool2d(torch.relu(self.conv1(x)), 2)
        x = torch.max_pool2d(torch.relu(self.conv2(x)), 2)
        x = torch.flatten(x, 1)
        return self.fc3(torch.relu(self.fc2(torch.relu(self.fc1(x)))))


net = LeNet().eval()
torch.save(net.state_dict(), os.path.join(OUT, "lenet-conv1.pth"))
x = torch.randn(2, 1, 28, 28)
with torch.no_grad():
    np.save(os.path.join(OUT, "lenet.input.npy"), x.numpy())
    np.save(os.path.join(OUT, "lenet.output.npy"), net(x).numpy())

# a tiny network: conv 2 channels 3x3 with batch norm, in float16 (the loader widens it)
tiny = nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2))
tiny[1].running_mean.fill_(0.5)
tiny[1].num_batches_tracked.fill_(7)
torch.save({k: (v.half() if v.is_floating_point() else v) for k, v in tiny.state_dict().items()}, os.path.join(OUT, "tiny-half.pt"))
np.save(os.path.join(OUT, "tiny.conv-weight.npy"), tiny[0].weight.detach().half().float().numpy())
torch.save(tiny.state_dict(), os.path.join(OUT, "tiny-legacy.pth"), _use_new_zipfile_serialization=False)
torch.save(tiny, os.path.join(OUT, "tiny-module.pth"))  # the whole module, not its state dict


class Evil:
    def __reduce__(self):
        return (os.system, ("touch /tmp/netc-pwned",))


buf = io.BytesIO()
with zipfile.ZipFile(buf, "w") as z:
    z.writestr("evil/data.pkl", pickle.dumps({"w": Evil()}, protocol=2))
    z.writestr("evil/version", "3\n")
with open(os.path.join(OUT, "evil.pth"), "wb") as f:
    f.write(buf.getvalue())
