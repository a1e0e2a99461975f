#!/usr/bin/env python3
"""The PyTorch half of scripts/check-interop.sh (see there). Usage:

    check_roundtrip.py prepare WORK_DIR NGF BLOCKS   # writes generator.pth, inputs.safetensors
    check_roundtrip.py verify WORK_DIR               # after the Java half ran on them
"""

import json
import os
import struct
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_fixtures import ResnetGenerator, pad_translate, write_safetensors  # noqa: E402

TOLERANCE = 1e-4


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + n])
    out = {}
    for name, h in header.items():
        if name == "__metadata__":
            continue
        assert h["dtype"] == "F32", name
        b, e = h["data_offsets"]
        data = bytearray(raw[8 + n + b : 8 + n + e])
        out[name] = torch.frombuffer(data, dtype=torch.float32).reshape(h["shape"])
    return out


def prepare(work, ngf, blocks):
    torch.manual_seed(7)
    net = ResnetGenerator(ngf=ngf, blocks=blocks)
    with torch.no_grad():
        for name, p in net.named_parameters():
            p.normal_(0.0, 0.02 if name.endswith(".weight") else 0.1)
    torch.save(net.state_dict(), os.path.join(work, "generator.pth"))
    inputs = {
        "input_64x64": torch.rand(2, 3, 64, 64) * 2 - 1,
        "input_37x50": torch.rand(1, 3, 37, 50) * 2 - 1,
    }
    write_safetensors(os.path.join(work, "inputs.safetensors"), inputs)


def verify(work):
    original = torch.load(os.path.join(work, "generator.pth"))
    ngf = original["model.1.weight"].shape[0]
    blocks = sum(1 for k in original if k.endswith(".conv_block.1.weight"))
    failures = []
    for name in ["latest_net_G_A.pth", "latest_net_G_A.safetensors"]:
        path = os.path.join(work, name)
        if name.endswith(".pth"):
            sd = torch.load(path, weights_only=True)  # PyTorch's safe loader accepts our pickle
        else:
            sd = read_safetensors(path)
        net = ResnetGenerator(ngf=ngf, blocks=blocks)
        net.load_state_dict(sd)  # strict: every key, every shape
        same = all(torch.equal(sd[k], original[k]) for k in original) and len(sd) == len(original)
        print(f"{name}: load_state_dict ok, tensors bit-identical: {same}")
        if not same:
            failures.append(name)
    net = ResnetGenerator(ngf=ngf, blocks=blocks)
    net.load_state_dict(original)
    net.eval()
    inputs = read_safetensors(os.path.join(work, "inputs.safetensors"))
    java = read_safetensors(os.path.join(work, "java-outputs.safetensors"))
    with torch.no_grad():
        for k, x in inputs.items():
            ours = java["output_" + k[len("input_") :]]
            theirs = pad_translate(net, x)
            diff = (ours - theirs).abs().max().item()
            print(f"{k}: Java vs PyTorch max abs diff {diff:.3g}")
            if not diff <= TOLERANCE:
                failures.append(k)
    if failures:
        print("FAILED:", ", ".join(failures))
        sys.exit(1)
    print("interop round trip OK")


if __name__ == "__main__":
    if sys.argv[1] == "prepare":
        prepare(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    else:
        verify(sys.argv[2])
