#!/usr/bin/env python3
"""Makes the interop test fixtures of services/cyclegan-model once, with PyTorch.

Run with Debian's PyTorch (apt-get install python3-torch):

    /usr/bin/python3 scripts/interop/make_fixtures.py services/cyclegan-model/src/test/resources/interop

It writes, for a ResnetGenerator with ngf 8, 3 residual blocks and instance norm (the official
pytorch-CycleGAN-and-pix2pix `--netG resnet_6blocks --norm instance` layout, narrower):

  generator.pth           its state_dict, torch.save zip format (torch >= 1.6)
  generator-legacy.pth    the same, torch's legacy (pre-1.6) format
  generator.safetensors   the same, safetensors (written here by hand: Debian has no package)
  cases.safetensors       inputs and PyTorch's eval-mode outputs (see CASES below)
  malicious.pkl           a pickle that would call os.system: written as bytes, never loaded
  malicious.pth           the same pickle as data.pkl of a torch zip archive

The generator class below is written from the official architecture description so that its
state_dict has the official names and shapes (model.1.weight, model.10.conv_block.5.bias, ...);
the parity tests and scripts/check-interop.sh compare it with the Java port.
"""

import io
import json
import os
import struct
import sys
import zipfile

import torch
from torch import nn

SEED = 20261114
NGF = 8
BLOCKS = 3


class ResidualBlock(nn.Module):
    """x + conv_block(x), conv_block = [pad 1, conv 3x3, norm, relu, pad 1, conv 3x3, norm]."""

    def __init__(self, width):
        super().__init__()
        self.conv_block = nn.Sequential(
            nn.ReflectionPad2d(1),
            nn.Conv2d(width, width, kernel_size=3, padding=0, bias=True),
            nn.InstanceNorm2d(width),
            nn.ReLU(True),
            nn.ReflectionPad2d(1),
            nn.Conv2d(width, width, kernel_size=3, padding=0, bias=True),
            nn.InstanceNorm2d(width),
        )

    def forward(self, x):
        return x + self.conv_block(x)


class ResnetGenerator(nn.Module):
    """The official ResnetGenerator's layer sequence with instance norm (so every conv has a bias)
    and no dropout: one nn.Sequential named `model`, hence the official state_dict keys."""

    def __init__(self, ngf=64, blocks=9):
        super().__init__()
        layers = [
            nn.ReflectionPad2d(3),
            nn.Conv2d(3, ngf, kernel_size=7, padding=0, bias=True),
            nn.InstanceNorm2d(ngf),
            nn.ReLU(True),
        ]
        for i in range(2):
            mult = 2**i
            layers += [
                nn.Conv2d(ngf * mult, ngf * mult * 2, kernel_size=3, stride=2, padding=1, bias=True),
                nn.InstanceNorm2d(ngf * mult * 2),
                nn.ReLU(True),
            ]
        for _ in range(blocks):
            layers += [ResidualBlock(ngf * 4)]
        for i in range(2):
            mult = 2 ** (2 - i)
            layers += [
                nn.ConvTranspose2d(
                    ngf * mult,
                    ngf * mult // 2,
                    kernel_size=3,
                    stride=2,
                    padding=1,
                    output_padding=1,
                    bias=True,
                ),
                nn.InstanceNorm2d(ngf * mult // 2),
                nn.ReLU(True),
            ]
        layers += [nn.ReflectionPad2d(3), nn.Conv2d(ngf, 3, kernel_size=7, padding=0), nn.Tanh()]
        self.model = nn.Sequential(*layers)

    def forward(self, x):
        return self.model(x)


def pad_translate(net, x):
    """What the Java translator does for any size: reflect-pad right and bottom to a multiple of 4,
    translate, crop back."""
    h, w = x.shape[2], x.shape[3]
    ph, pw = (-h) % 4, (-w) % 4
    padded = nn.functional.pad(x, (0, pw, 0, ph), mode="reflect")
    return net(padded)[:, :, :h, :w]


def write_safetensors(path, tensors, metadata=None):
    """The safetensors format: u64 little-endian header length, JSON header, raw little-endian data."""
    header = {}
    if metadata:
        header["__metadata__"] = metadata
    blobs = []
    offset = 0
    for name, t in tensors.items():
        data = t.detach().contiguous().to(torch.float32).numpy().astype("<f4").tobytes()
        header[name] = {
            "dtype": "F32",
            "shape": list(t.shape),
            "data_offsets": [offset, offset + len(data)],
        }
        blobs.append(data)
        offset += len(data)
    raw = json.dumps(header, separators=(",", ":")).encode("utf-8")
    raw += b" " * ((8 - len(raw) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw)))
        f.write(raw)
        for b in blobs:
            f.write(b)


# A protocol-2 pickle equivalent to os.system("echo pwned"): GLOBAL 'os system', MARK,
# BINUNICODE 'echo pwned', TUPLE, REDUCE, STOP. The loader must refuse it at the GLOBAL.
MALICIOUS = (
    b"\x80\x02" + b"cos\nsystem\n" + b"(" + b"X\x0a\x00\x00\x00echo pwned" + b"t" + b"R" + b"."
)


def main(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    torch.manual_seed(SEED)
    net = ResnetGenerator(ngf=NGF, blocks=BLOCKS)
    # The official init_weights('normal', 0.02) zeroes biases; random biases here make the test
    # see every bias land in the right place.
    with torch.no_grad():
        for name, p in net.named_parameters():
            if name.endswith(".weight"):
                p.normal_(0.0, 0.02)
            else:
                p.normal_(0.0, 0.1)
    net.eval()
    state = net.state_dict()

    torch.save(state, os.path.join(out_dir, "generator.pth"))
    torch.save(
        state, os.path.join(out_dir, "generator-legacy.pth"), _use_new_zipfile_serialization=False
    )
    write_safetensors(
        os.path.join(out_dir, "generator.safetensors"), state, {"format": "pt", "ngf": str(NGF)}
    )

    cases = {}
    with torch.no_grad():
        x32 = torch.rand(2, 3, 32, 32) * 2 - 1
        cases["input_32x32"] = x32
        cases["output_32x32"] = net(x32)
        x = torch.rand(1, 3, 22, 30) * 2 - 1  # H 22, W 30: neither a multiple of 4
        cases["input_22x30"] = x
        cases["output_raw_22x30"] = net(x)  # the bare network: (1, 3, 24, 32)
        cases["output_padded_22x30"] = pad_translate(net, x)  # the translator's rule
    write_safetensors(os.path.join(out_dir, "cases.safetensors"), cases)

    with open(os.path.join(out_dir, "malicious.pkl"), "wb") as f:
        f.write(MALICIOUS)
    with zipfile.ZipFile(os.path.join(out_dir, "malicious.pth"), "w", zipfile.ZIP_STORED) as z:
        z.writestr("archive/data.pkl", MALICIOUS)
        z.writestr("archive/version", "3\n")
    for name in sorted(os.listdir(out_dir)):
        print(name, os.path.getsize(os.path.join(out_dir, name)))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "services/cyclegan-model/src/test/resources/interop")
