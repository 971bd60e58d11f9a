# Writes, for each torchvision network named on the command line, random weights (with
# random batch-norm statistics), a random input and torchvision's output, into a folder,
# for scripts/parity.mjs to compare with netc's runtime. Needs /usr/bin/python3 with
# torch and torchvision (Debian's python3-torch, python3-torchvision).
#   /usr/bin/python3 scripts/parity-torchvision.py OUT_DIR resnet50 densenet121 ...
import importlib.util
import os
import sys

import numpy as np
import torch
import torchvision

here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("fixtures", os.path.join(here, "gen-parity-fixtures.py"))
fixtures = importlib.util.module_from_spec(spec)
spec.loader.exec_module(fixtures)  # its save_safetensors and randomize

SIZES = {"inception_v3": 299}
KWARGS = {"googlenet": {"aux_logits": False, "init_weights": False}, "inception_v3": {"aux_logits": False, "init_weights": False}}

out, names = sys.argv[1], sys.argv[2:]
torch.manual_seed(0)
for name in names:
    model = getattr(torchvision.models, name)(weights=None, **KWARGS.get(name, {})).eval()
    fixtures.randomize(model)
    size = SIZES.get(name, 224)
    x = torch.randn(2, 3, size, size)
    with torch.no_grad():
        y = model(x)
    fixtures.save_safetensors(os.path.join(out, name + ".safetensors"), model.state_dict(), {"network": name})
    np.save(os.path.join(out, name + ".input.npy"), x.numpy().astype(np.float32))
    np.save(os.path.join(out, name + ".output.npy"), y.numpy().astype(np.float32))
    print(name, flush=True)
