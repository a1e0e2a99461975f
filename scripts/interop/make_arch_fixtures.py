#!/usr/bin/env python3
"""Makes the architecture parity fixtures of services/cyclegan-model once, with PyTorch.

Run with Debian's PyTorch (apt-get install python3-torch, 1.13.1 here):

    /usr/bin/python3 scripts/interop/make_arch_fixtures.py \
        services/cyclegan-model/src/test/resources/interop/arch

The networks below are written from the official pytorch-CycleGAN-and-pix2pix
models/networks.py (get_norm_layer, ResnetGenerator/ResnetBlock, UnetGenerator/
UnetSkipConnectionBlock, NLayerDiscriminator, PixelDiscriminator) so that their state_dicts have
the official keys, including the official quirks the Java port reproduces:

  - use_bias is true only for instance norm ('none' gives bias-free convolutions, except the
    layers the official code leaves at nn.Conv2d's default bias=True);
  - norm 'none' is an Identity module that still takes its index in nn.Sequential;
  - a ResnetBlock with dropout has Dropout(0.5) at conv_block.4, so its second conv is
    conv_block.6 (conv_block.5 without dropout);
  - the U-Net's in-place LeakyReLU rewrites a block's input before torch.cat, so every skip
    connection below the outermost block carries LeakyReLU(0.2)(x), not x (the outer block's
    ReLU makes that invisible: ReLU(LeakyReLU(x)) = ReLU(x)).

Weights are random at about 1/sqrt(fan in) and biases random (init_weights zeroes biases, which
would hide a misplaced one), so that every output varies and every tensor matters.

Each case file NAME.safetensors holds the network's state_dict (float32; num_batches_tracked
too, as float) under "state/KEY", an input under "input", and PyTorch's outputs:
"output_eval" (eval mode) and, for batch norm, "output_train" (train mode, one forward) and
"state_after_train/KEY" (running statistics after that forward). The import case is a torch.save
of an official unet_128 (import-unet128-batch-gray.pth, int64 num_batches_tracked) with its input
and eval output in import-unet128-batch-gray.safetensors. The script also prints the
parameter counts of every architecture at the official widths, which the Java tests and
services/cyclegan-model/DESIGN.md quote.
"""

import functools
import os
import sys

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_fixtures import write_safetensors  # noqa: E402

SEED = 20261201


class Identity(nn.Module):
    def forward(self, x):
        return x


def norm_layer_of(norm):
    """get_norm_layer: batch norm affine with running statistics, instance norm without both."""
    if norm == "batch":
        return functools.partial(nn.BatchNorm2d, affine=True, track_running_stats=True)
    if norm == "instance":
        return functools.partial(nn.InstanceNorm2d, affine=False, track_running_stats=False)
    if norm == "none":
        return lambda channels: Identity()
    raise ValueError(norm)


def uses_bias(norm):
    return norm == "instance"


class ResnetBlock(nn.Module):
    def __init__(self, dim, norm, dropout):
        super().__init__()
        make_norm = norm_layer_of(norm)
        bias = uses_bias(norm)
        block = [
            nn.ReflectionPad2d(1),
            nn.Conv2d(dim, dim, kernel_size=3, padding=0, bias=bias),
            make_norm(dim),
            nn.ReLU(True),
        ]
        if dropout:
            block.append(nn.Dropout(0.5))
        block += [
            nn.ReflectionPad2d(1),
            nn.Conv2d(dim, dim, kernel_size=3, padding=0, bias=bias),
            make_norm(dim),
        ]
        self.conv_block = nn.Sequential(*block)

    def forward(self, x):
        return x + self.conv_block(x)


class ResnetGenerator(nn.Module):
    def __init__(self, input_nc, output_nc, ngf, norm, dropout, blocks):
        super().__init__()
        make_norm = norm_layer_of(norm)
        bias = uses_bias(norm)
        layers = [
            nn.ReflectionPad2d(3),
            nn.Conv2d(input_nc, ngf, kernel_size=7, padding=0, bias=bias),
            make_norm(ngf),
            nn.ReLU(True),
        ]
        for i in range(2):
            mult = 2**i
            layers += [
                nn.Conv2d(ngf * mult, ngf * mult * 2, 3, stride=2, padding=1, bias=bias),
                make_norm(ngf * mult * 2),
                nn.ReLU(True),
            ]
        for _ in range(blocks):
            layers.append(ResnetBlock(ngf * 4, norm, dropout))
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
                    bias=bias,
                ),
                make_norm(ngf * mult // 2),
                nn.ReLU(True),
            ]
        layers += [nn.ReflectionPad2d(3), nn.Conv2d(ngf, output_nc, kernel_size=7, padding=0)]
        layers.append(nn.Tanh())
        self.model = nn.Sequential(*layers)

    def forward(self, x):
        return self.model(x)


class UnetBlock(nn.Module):
    """UnetSkipConnectionBlock: down, the inner block, up; all but the outermost concatenate."""

    def __init__(self, outer, inner, input_nc=None, sub=None, outermost=False, innermost=False,
                 norm="batch", dropout=False):
        super().__init__()
        self.outermost = outermost
        make_norm = norm_layer_of(norm)
        bias = uses_bias(norm)
        if input_nc is None:
            input_nc = outer
        downconv = nn.Conv2d(input_nc, inner, kernel_size=4, stride=2, padding=1, bias=bias)
        if outermost:
            upconv = nn.ConvTranspose2d(inner * 2, outer, kernel_size=4, stride=2, padding=1)
            layers = [downconv, sub, nn.ReLU(True), upconv, nn.Tanh()]
        elif innermost:
            upconv = nn.ConvTranspose2d(inner, outer, 4, stride=2, padding=1, bias=bias)
            layers = [nn.LeakyReLU(0.2, True), downconv, nn.ReLU(True), upconv, make_norm(outer)]
        else:
            upconv = nn.ConvTranspose2d(inner * 2, outer, 4, stride=2, padding=1, bias=bias)
            layers = [nn.LeakyReLU(0.2, True), downconv, make_norm(inner), sub,
                      nn.ReLU(True), upconv, make_norm(outer)]
            if dropout:
                layers.append(nn.Dropout(0.5))
        self.model = nn.Sequential(*layers)

    def forward(self, x):
        if self.outermost:
            return self.model(x)
        return torch.cat([x, self.model(x)], 1)


class UnetGenerator(nn.Module):
    def __init__(self, input_nc, output_nc, downs, ngf, norm, dropout):
        super().__init__()
        block = UnetBlock(ngf * 8, ngf * 8, innermost=True, norm=norm)
        for _ in range(downs - 5):
            block = UnetBlock(ngf * 8, ngf * 8, sub=block, norm=norm, dropout=dropout)
        block = UnetBlock(ngf * 4, ngf * 8, sub=block, norm=norm)
        block = UnetBlock(ngf * 2, ngf * 4, sub=block, norm=norm)
        block = UnetBlock(ngf, ngf * 2, sub=block, norm=norm)
        self.model = UnetBlock(output_nc, ngf, input_nc=input_nc, sub=block, outermost=True,
                               norm=norm)

    def forward(self, x):
        return self.model(x)


class NLayerDiscriminator(nn.Module):
    def __init__(self, input_nc, ndf, layers, norm):
        super().__init__()
        make_norm = norm_layer_of(norm)
        bias = uses_bias(norm)
        seq = [nn.Conv2d(input_nc, ndf, 4, stride=2, padding=1), nn.LeakyReLU(0.2, True)]
        mult = 1
        for n in range(1, layers):
            prev, mult = mult, min(2**n, 8)
            seq += [
                nn.Conv2d(ndf * prev, ndf * mult, 4, stride=2, padding=1, bias=bias),
                make_norm(ndf * mult),
                nn.LeakyReLU(0.2, True),
            ]
        prev, mult = mult, min(2**layers, 8)
        seq += [
            nn.Conv2d(ndf * prev, ndf * mult, 4, stride=1, padding=1, bias=bias),
            make_norm(ndf * mult),
            nn.LeakyReLU(0.2, True),
            nn.Conv2d(ndf * mult, 1, 4, stride=1, padding=1),
        ]
        self.model = nn.Sequential(*seq)

    def forward(self, x):
        return self.model(x)


class PixelDiscriminator(nn.Module):
    def __init__(self, input_nc, ndf, norm):
        super().__init__()
        bias = uses_bias(norm)
        self.net = nn.Sequential(
            nn.Conv2d(input_nc, ndf, 1, stride=1, padding=0),
            nn.LeakyReLU(0.2, True),
            nn.Conv2d(ndf, ndf * 2, 1, stride=1, padding=0, bias=bias),
            norm_layer_of(norm)(ndf * 2),
            nn.LeakyReLU(0.2, True),
            nn.Conv2d(ndf * 2, 1, 1, stride=1, padding=0, bias=bias),
        )

    def forward(self, x):
        return self.net(x)


def count(net):
    return sum(p.numel() for p in net.parameters())


def randomise(net):
    """Random weights and biases (init_weights zeroes biases, which would hide a misplaced one) and
    random running statistics, so that eval mode uses them visibly."""
    with torch.no_grad():
        for name, p in net.named_parameters():
            if name.endswith(".weight") and p.dim() == 1:  # a batch norm scale
                p.normal_(1.0, 0.1)
            elif name.endswith(".weight"):
                # About 1/sqrt(fan in), so that activations neither vanish nor saturate.
                p.normal_(0.0, 1.0 / p[0].numel() ** 0.5)
            else:
                p.normal_(0.0, 0.1)
        for name, b in net.named_buffers():
            if name.endswith("running_mean"):
                b.normal_(0.0, 0.1)
            elif name.endswith("running_var"):
                b.uniform_(0.5, 1.5)


def state_of(net, prefix):
    return {prefix + k: v.detach().clone().float() for k, v in net.state_dict().items()}


def write_case(out_dir, name, net, x, train_too):
    randomise(net)
    tensors = state_of(net, "state/")
    tensors["input"] = x
    net.eval()
    with torch.no_grad():
        tensors["output_eval"] = net(x.clone())
    if train_too:
        net.train()
        with torch.no_grad():
            tensors["output_train"] = net(x.clone())
        after = state_of(net, "state_after_train/")
        tensors.update({k: v for k, v in after.items() if "running_" in k or "num_batches" in k})
    write_safetensors(os.path.join(out_dir, name + ".safetensors"), tensors)


def print_counts():
    print("parameter counts, 3 -> 3 channels, ngf 64, ndf 64:")
    for norm in ("instance", "batch", "none"):
        for dropout in (False, True):
            for blocks in (9, 6):
                n = count(ResnetGenerator(3, 3, 64, norm, dropout, blocks))
                print(f"  resnet_{blocks}blocks norm={norm} dropout={dropout}: {n}")
        for downs in (8, 7):
            n = count(UnetGenerator(3, 3, downs, 64, norm, False))
            print(f"  unet_{2**downs} norm={norm}: {n}")
        for layers in (3, 1, 5):
            n = count(NLayerDiscriminator(3, 64, layers, norm))
            print(f"  n_layers={layers} norm={norm}: {n}")
        print(f"  pixel norm={norm}: {count(PixelDiscriminator(3, 64, norm))}")
    print("  grayscale (1 -> 1) resnet_9blocks instance:",
          count(ResnetGenerator(1, 1, 64, "instance", False, 9)))
    print("  grayscale (1 -> 1) unet_256 batch:", count(UnetGenerator(1, 1, 8, 64, "batch", False)))
    print("  grayscale basic instance:", count(NLayerDiscriminator(1, 64, 3, "instance")))
    print("  grayscale pixel batch:", count(PixelDiscriminator(1, 64, "batch")))


def main(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    torch.manual_seed(SEED)
    # A U-Net with 6 downsamplings (unet_128 has 7, unet_256 8: the same blocks, one more
    # ngf*8 block each) at 64 px, ngf 1 so the fixtures stay small.
    write_case(out_dir, "unet6-instance", UnetGenerator(3, 3, 6, 1, "instance", True),
               torch.rand(1, 3, 64, 64) * 2 - 1, False)
    write_case(out_dir, "unet6-batch", UnetGenerator(1, 1, 6, 1, "batch", False),
               torch.rand(2, 1, 64, 64) * 2 - 1, True)
    write_case(out_dir, "resnet2-batch", ResnetGenerator(3, 3, 4, "batch", False, 2),
               torch.rand(2, 3, 16, 16) * 2 - 1, True)
    write_case(out_dir, "resnet2-none-dropout", ResnetGenerator(3, 1, 2, "none", True, 2),
               torch.rand(1, 3, 16, 16) * 2 - 1, False)
    write_case(out_dir, "nlayers4-batch", NLayerDiscriminator(1, 2, 4, "batch"),
               torch.rand(2, 1, 64, 64) * 2 - 1, True)
    write_case(out_dir, "pixel-batch", PixelDiscriminator(3, 4, "batch"),
               torch.rand(2, 3, 8, 8) * 2 - 1, True)
    write_case(out_dir, "pixel-instance", PixelDiscriminator(3, 4, "instance"),
               torch.rand(1, 3, 8, 8) * 2 - 1, False)
    # An import case (after the others, so their random streams are unchanged): the official
    # unet_128 (7 downsamplings), batch norm, grayscale, saved by torch.save as a user's
    # latest_net_G_A.pth is (num_batches_tracked int64), with its input and eval output beside it.
    unet128 = UnetGenerator(1, 1, 7, 1, "batch", True)
    randomise(unet128)
    for name, b in unet128.named_buffers():
        if name.endswith("num_batches_tracked"):
            b.fill_(1234)
    torch.save(unet128.state_dict(), os.path.join(out_dir, "import-unet128-batch-gray.pth"))
    x = torch.rand(1, 1, 128, 128) * 2 - 1
    unet128.eval()
    with torch.no_grad():
        y = unet128(x.clone())
    write_safetensors(os.path.join(out_dir, "import-unet128-batch-gray.safetensors"),
                      {"input": x, "output_eval": y})
    for name in sorted(os.listdir(out_dir)):
        print(name, os.path.getsize(os.path.join(out_dir, name)))
    print_counts()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else
         "services/cyclegan-model/src/test/resources/interop/arch")
