#!/usr/bin/python3
# Generates the fixtures of the runtime's file-format tests (test/runtime/fixtures/).
#
# Regenerate with Debian's Python (numpy 1.24, torch 1.13, torchvision 0.14, Pillow 9.4):
#
#     /usr/bin/python3 scripts/gen-runtime-fixtures.py
#
# Writes, all committed:
#   *.safetensors   written by a small safetensors writer implemented here from the
#                   format's specification (Debian has no `safetensors` package), which
#                   orders tensors as the reference writer does (by dtype size, then
#                   name) and pads the header with spaces to a multiple of 8 bytes;
#                   plus safetensors.json, what each file holds, from numpy.
#   *.npy           written by numpy's np.save (float32 and float64, several shapes).
#   images          small synthetic PNG and JPEG files written by Pillow, and the
#                   tensors torchvision's transforms make of them (.npy), with the
#                   options used in images.json.
#
# `check-safetensors` as the first argument instead reads a safetensors file (written
# by netc's writer) with the reader implemented here, validates it strictly and prints
# its tensors as JSON: the interoperability check of test/runtime/safetensors.test.ts.
import json
import os
import struct
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "test", "runtime", "fixtures")

NP_DTYPES = {
    "F64": np.dtype("<f8"),
    "F32": np.dtype("<f4"),
    "F16": np.dtype("<f2"),
    "I64": np.dtype("<i8"),
    "I32": np.dtype("<i4"),
    "U8": np.dtype("u1"),
}
SIZES = {"BOOL": 1, "U8": 1, "I8": 1, "I16": 2, "U16": 2, "F16": 2, "BF16": 2,
         "I32": 4, "U32": 4, "F32": 4, "I64": 8, "U64": 8, "F64": 8}


def st_write(path, tensors, metadata=None):
    """tensors: {name: (dtype, shape, raw little-endian bytes)}"""
    items = sorted(tensors.items(), key=lambda kv: (-SIZES[kv[1][0]], kv[0]))
    header = {}
    if metadata:
        header["__metadata__"] = metadata
    offset = 0
    for name, (dtype, shape, raw) in items:
        header[name] = {"dtype": dtype, "shape": list(shape), "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
    h = json.dumps(header, separators=(",", ":")).encode("utf-8")
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for _, (_, _, raw) in items:
            f.write(raw)


def st_read(path):
    data = open(path, "rb").read()
    (n,) = struct.unpack("<Q", data[:8])
    assert n % 8 == 0, "header not padded to 8 bytes"
    text = data[8:8 + n].decode("utf-8")
    header = json.loads(text)
    buf = data[8 + n:]
    meta = header.pop("__metadata__", None)
    spans = sorted((v["data_offsets"][0], v["data_offsets"][1], k) for k, v in header.items())
    at = 0
    for b, e, k in spans:
        assert b == at, f"{k}: not contiguous"
        at = e
    assert at == len(buf), "buffer not covered exactly"
    out = {}
    for k, v in header.items():
        b, e = v["data_offsets"]
        dt = NP_DTYPES[v["dtype"]]
        arr = np.frombuffer(buf[b:e], dtype=dt).reshape(v["shape"])
        assert arr.nbytes == e - b
        out[k] = {"dtype": v["dtype"], "shape": list(arr.shape), "values": arr.astype(np.float64).ravel().tolist()}
    return {"metadata": meta, "order": [s[2] for s in spans], "tensors": out}


def raw(arr, dtype):
    return np.ascontiguousarray(arr, dtype=NP_DTYPES[dtype]).tobytes()


def gen_safetensors():
    rng = np.random.default_rng(0)
    conv = rng.standard_normal((4, 3, 3, 3)).astype(np.float32)
    bias = rng.standard_normal(4).astype(np.float32)
    mean = rng.standard_normal(4).astype(np.float64)
    half = rng.standard_normal((2, 3)).astype(np.float16)
    bf = rng.standard_normal(5).astype(np.float32)
    bf_bits = (bf.view(np.uint32) >> 16).astype("<u2")  # truncation: exact BF16 values
    counter = np.array(12345678901, dtype=np.int64)
    ints = np.array([-3, 0, 7, 2**31 - 1], dtype=np.int32)
    empty = np.zeros((0, 3), np.float32)
    tensors = {
        "features.0.weight": ("F32", conv.shape, raw(conv, "F32")),
        "features.0.bias": ("F32", bias.shape, raw(bias, "F32")),
        "bn.running_mean": ("F64", mean.shape, raw(mean, "F64")),
        "half": ("F16", half.shape, raw(half, "F16")),
        "bf16": ("BF16", bf.shape, bf_bits.tobytes()),
        "bn.num_batches_tracked": ("I64", [], counter.tobytes()),
        "ints": ("I32", ints.shape, raw(ints, "I32")),
        "empty": ("F32", empty.shape, b""),
    }
    st_write(os.path.join(OUT, "mixed.safetensors"), tensors, {"format": "pt", "note": "netc fixture"})
    expected = {
        "features.0.weight": conv, "features.0.bias": bias, "bn.running_mean": mean,
        "half": half, "bf16": (bf_bits.astype(np.uint32) << 16).view(np.float32),
        "bn.num_batches_tracked": counter, "ints": ints, "empty": empty,
    }
    desc = {k: {"shape": list(v.shape), "values": np.asarray(v).astype(np.float64).ravel().tolist()} for k, v in expected.items()}
    with open(os.path.join(OUT, "safetensors.json"), "w") as f:
        json.dump({"mixed.safetensors": desc}, f, indent=1)


def gen_npy():
    rng = np.random.default_rng(1)
    np.save(os.path.join(OUT, "f32-2x3.npy"), rng.standard_normal((2, 3)).astype(np.float32))
    np.save(os.path.join(OUT, "f32-vector.npy"), np.arange(5, dtype=np.float32) / 3)
    np.save(os.path.join(OUT, "f32-scalar.npy"), np.array(2.5, dtype=np.float32))
    np.save(os.path.join(OUT, "f32-nchw.npy"), rng.standard_normal((2, 1, 4, 5)).astype(np.float32))
    np.save(os.path.join(OUT, "f64-3x2.npy"), rng.standard_normal((3, 2)))
    np.save(os.path.join(OUT, "fortran.npy"), np.asfortranarray(rng.standard_normal((3, 2)).astype(np.float32)))
    np.save(os.path.join(OUT, "int32.npy"), np.arange(6, dtype=np.int32))
    np.save(os.path.join(OUT, "f32-bigendian.npy"), np.arange(4, dtype=">f4"))


def gen_images():
    from PIL import Image
    import torch
    from torchvision import transforms

    def synthetic(w, h, seed):
        rng = np.random.default_rng(seed)
        y, x = np.mgrid[0:h, 0:w].astype(np.float64)
        r = 128 + 100 * np.sin(x / 9.0) * np.cos(y / 13.0)
        g = 255 * x / w
        b = 255 * ((x // 16 + y // 16) % 2) * 0.8 + 20  # hard edges
        img = np.stack([r, g, b], -1) + rng.normal(0, 6, (h, w, 3))
        return Image.fromarray(np.clip(img, 0, 255).astype(np.uint8), "RGB")

    cases = {}

    def case(name, src, resize, crop, mean, std, gray=False):
        img = Image.open(os.path.join(OUT, src))
        img = img.convert("L") if gray else img.convert("RGB")
        t = transforms.Compose([
            transforms.Resize(resize), transforms.CenterCrop(crop), transforms.ToTensor(),
            transforms.Normalize(mean, std)])
        out = t(img).unsqueeze(0).numpy().astype(np.float32)
        np.save(os.path.join(OUT, name + ".npy"), out)
        cases[name] = {"image": src, "resize": resize, "crop": crop, "mean": mean, "std": std,
                       "grayscale": gray, "shape": list(out.shape)}

    imagenet = ([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])
    synthetic(300, 260, 0).save(os.path.join(OUT, "photo.png"))
    synthetic(300, 260, 0).save(os.path.join(OUT, "photo444.jpg"), quality=95, subsampling=0)
    synthetic(300, 260, 0).save(os.path.join(OUT, "photo420.jpg"), quality=90)
    synthetic(150, 128, 2).save(os.path.join(OUT, "short128.png"))
    synthetic(70, 101, 3).save(os.path.join(OUT, "small-portrait.png"))
    g = synthetic(34, 30, 4).convert("RGBA")
    g.putalpha(200)
    g.save(os.path.join(OUT, "tiny-rgba.png"))
    Image.fromarray((np.arange(36 * 31) % 256).astype(np.uint8).reshape(31, 36), "L").save(os.path.join(OUT, "gray.png"))

    case("photo-png-default", "photo.png", 256, 224, *imagenet)
    case("photo444-jpg", "photo444.jpg", 128, 112, *imagenet)
    case("photo420-jpg", "photo420.jpg", 128, 112, *imagenet)
    case("short128-crop-only", "short128.png", 128, 112, *imagenet)
    case("small-portrait-upscale", "small-portrait.png", 128, 112, *imagenet)
    case("tiny-rgba-gray", "tiny-rgba.png", 28, 28, [0.1307], [0.3081], gray=True)
    case("gray-odd-crop", "gray.png", 31, 27, [0.5], [0.25], gray=True)
    case("gray-as-rgb-pad", "gray.png", 20, 24, *imagenet)
    with open(os.path.join(OUT, "images.json"), "w") as f:
        json.dump(cases, f, indent=1)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "check-safetensors":
        json.dump(st_read(sys.argv[2]), sys.stdout)
        sys.exit(0)
    os.makedirs(OUT, exist_ok=True)
    gen_safetensors()
    gen_npy()
    gen_images()
