#!/usr/bin/env python3
"""The reference PyTorch eager CycleGAN training step, timed and counted like TrainBenchmark.

Run by scripts/bench-train.sh next to the Java step, in the same run, with Debian's PyTorch
(apt-get install python3-torch). For each size/blocks/ngf argument it prints one JSON line:
stepSeconds (median of the timed steps), stepSpread (p90 - p10 of the timed steps) and
nativeOpsPerStep (aten:: events per step recorded by libtorch's legacy profiler, the recorder
DJL's JniUtils.startProfile uses, over profiled steps after the timed ones).

The step follows pytorch-CycleGAN-and-pix2pix's CycleGANModel.optimize_parameters with
--netG resnet_Nblocks --netD basic --norm instance --gan_mode lsgan: the discriminators frozen,
six generator forwards, one backward, Adam; then D_A and D_B on pooled fakes, one backward each,
Adam. The eight losses are read back (.item()) as the Java step reads them.
"""

import itertools
import json
import os
import random
import statistics
import sys
import time

import torch
from torch import nn


class ResidualBlock(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.conv_block = nn.Sequential(
            nn.ReflectionPad2d(1),
            nn.Conv2d(width, width, 3, bias=True),
            nn.InstanceNorm2d(width),
            nn.ReLU(True),
            nn.ReflectionPad2d(1),
            nn.Conv2d(width, width, 3, bias=True),
            nn.InstanceNorm2d(width),
        )

    def forward(self, x):
        return x + self.conv_block(x)


def generator(ngf, blocks):
    layers = [nn.ReflectionPad2d(3), nn.Conv2d(3, ngf, 7), nn.InstanceNorm2d(ngf), nn.ReLU(True)]
    for i in range(2):
        m = 2**i
        layers += [
            nn.Conv2d(ngf * m, ngf * m * 2, 3, stride=2, padding=1),
            nn.InstanceNorm2d(ngf * m * 2),
            nn.ReLU(True),
        ]
    layers += [ResidualBlock(ngf * 4) for _ in range(blocks)]
    for i in range(2):
        m = 2 ** (2 - i)
        layers += [
            nn.ConvTranspose2d(ngf * m, ngf * m // 2, 3, stride=2, padding=1, output_padding=1),
            nn.InstanceNorm2d(ngf * m // 2),
            nn.ReLU(True),
        ]
    layers += [nn.ReflectionPad2d(3), nn.Conv2d(ngf, 3, 7), nn.Tanh()]
    return nn.Sequential(*layers)


def discriminator(ndf):
    layers = [nn.Conv2d(3, ndf, 4, stride=2, padding=1), nn.LeakyReLU(0.2, True)]
    mult = 1
    for n in range(1, 4):
        prev, mult = mult, min(2**n, 8)
        layers += [
            nn.Conv2d(ndf * prev, ndf * mult, 4, stride=2 if n < 3 else 1, padding=1, bias=True),
            nn.InstanceNorm2d(ndf * mult),
            nn.LeakyReLU(0.2, True),
        ]
    layers += [nn.Conv2d(ndf * mult, 1, 4, stride=1, padding=1)]
    return nn.Sequential(*layers)


def init_weights(net):
    for m in net.modules():
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
            nn.init.normal_(m.weight, 0.0, 0.02)
            nn.init.constant_(m.bias, 0.0)


class ImagePool:
    def __init__(self, size):
        self.size = size
        self.images = []

    def query(self, images):
        out = []
        for image in images:
            image = torch.unsqueeze(image.data, 0)
            if len(self.images) < self.size:
                self.images.append(image)
                out.append(image)
            elif random.uniform(0, 1) > 0.5:
                i = random.randint(0, self.size - 1)
                old = self.images[i].clone()
                self.images[i] = image
                out.append(old)
            else:
                out.append(image)
        return torch.cat(out, 0)


def set_requires_grad(nets, flag):
    for net in nets:
        for p in net.parameters():
            p.requires_grad = flag


class Step:
    def __init__(self, ngf, blocks, lr=0.0002, lambda_cycle=10.0, lambda_idt=0.5):
        self.g_a, self.g_b = generator(ngf, blocks), generator(ngf, blocks)
        self.d_a, self.d_b = discriminator(ngf), discriminator(ngf)
        for n in (self.g_a, self.g_b, self.d_a, self.d_b):
            init_weights(n)
        self.opt_g = torch.optim.Adam(
            itertools.chain(self.g_a.parameters(), self.g_b.parameters()), lr=lr, betas=(0.5, 0.999))
        self.opt_d = torch.optim.Adam(
            itertools.chain(self.d_a.parameters(), self.d_b.parameters()), lr=lr, betas=(0.5, 0.999))
        self.pool_a, self.pool_b = ImagePool(50), ImagePool(50)
        self.mse, self.l1 = nn.MSELoss(), nn.L1Loss()
        self.lc, self.li = lambda_cycle, lambda_idt

    def gan(self, pred, real):
        return self.mse(pred, torch.tensor(1.0 if real else 0.0).expand_as(pred))

    def run(self, real_a, real_b):
        set_requires_grad([self.d_a, self.d_b], False)
        self.opt_g.zero_grad()
        fake_b = self.g_a(real_a)
        rec_a = self.g_b(fake_b)
        fake_a = self.g_b(real_b)
        rec_b = self.g_a(fake_a)
        idt_a = self.l1(self.g_a(real_b), real_b) * self.lc * self.li
        idt_b = self.l1(self.g_b(real_a), real_a) * self.lc * self.li
        gan_a = self.gan(self.d_a(fake_b), True)
        gan_b = self.gan(self.d_b(fake_a), True)
        cyc_a = self.l1(rec_a, real_a) * self.lc
        cyc_b = self.l1(rec_b, real_b) * self.lc
        (gan_a + gan_b + cyc_a + cyc_b + idt_a + idt_b).backward()
        self.opt_g.step()
        set_requires_grad([self.d_a, self.d_b], True)
        self.opt_d.zero_grad()
        losses = []
        for d, real, fake in ((self.d_a, real_b, self.pool_b.query(fake_b)),
                              (self.d_b, real_a, self.pool_a.query(fake_a))):
            loss = (self.gan(d(real), True) + self.gan(d(fake.detach()), False)) * 0.5
            loss.backward()
            losses.append(loss)
        self.opt_d.step()
        return [t.item() for t in losses + [gan_a, cyc_a, idt_a, gan_b, cyc_b, idt_b]]


def measure(size, blocks, ngf, warmup, steps, profiled):
    torch.manual_seed(0)
    random.seed(0)
    step = Step(ngf, blocks)

    def batch():
        return torch.rand(1, 3, size, size) * 2 - 1, torch.rand(1, 3, size, size) * 2 - 1

    for _ in range(warmup):
        step.run(*batch())
    times = []
    for _ in range(steps):
        a, b = batch()
        t0 = time.perf_counter()
        step.run(a, b)
        times.append(time.perf_counter() - t0)
    ops = 0
    if profiled > 0:
        inputs = [batch() for _ in range(profiled)]
        with torch.autograd.profiler.profile(use_kineto=False) as prof:
            for a, b in inputs:
                step.run(a, b)
        ops = sum(1 for e in prof.function_events if e.name.startswith("aten::")) / profiled
    times.sort()
    return times, ops


def main():
    threads = int(os.environ.get("BENCH_THREADS", "0"))
    if threads > 0:
        torch.set_num_threads(threads)
    for spec in sys.argv[1:]:
        size, blocks, ngf = (int(v) for v in spec.split("/"))
        small = size * ngf <= 32 * 16
        warmup = int(os.environ.get("BENCH_WARMUP", "20" if small else "2"))
        steps = int(os.environ.get("BENCH_STEPS", "30" if small else "7"))
        profiled = int(os.environ.get("BENCH_PROFILED", "3" if small else "1"))
        times, ops = measure(size, blocks, ngf, warmup, steps, profiled)
        print(json.dumps({
            "implementation": "pytorch-eager",
            "torch": torch.__version__,
            "imageSize": size, "generatorBlocks": blocks, "ngf": ngf,
            "threads": torch.get_num_threads(),
            "warmupSteps": warmup, "timedSteps": steps,
            "stepSeconds": round(statistics.median(times), 4),
            "stepSpread": round(times[int(0.9 * (len(times) - 1))] - times[int(0.1 * (len(times) - 1))], 4),
            "nativeOpsPerStep": round(ops, 1),
            "loadAverage": round(os.getloadavg()[0], 2),
        }), flush=True)


if __name__ == "__main__":
    main()
