#!/usr/bin/env python3
"""Makes the training-option parity fixture of services/cyclegan-model once, with PyTorch.

Run with Debian's PyTorch (apt-get install python3-torch, 1.13.1):

    /usr/bin/python3 scripts/interop/make_training_fixtures.py \
        services/cyclegan-model/src/test/resources/interop/training-options.json

It writes, from the official pytorch-CycleGAN-and-pix2pix definitions (models/networks.py
GANLoss, get_scheduler and init_weights, copied below as they are there):

  losses      for gan_mode lsgan and vanilla: GANLoss(prediction, True/False) on a fixed
              prediction, the discriminator loss (real + fake) * 0.5, and the gradient of the
              generator loss with respect to the prediction
  schedules   for lr_policy linear, step, plateau and cosine: the learning rate after e
              scheduler steps (one per epoch), e = 0 .. epochs; plateau gets the metric the
              official CycleGAN model reports, BaseModel.metric, which stays 0
  init        for init_type normal, xavier, kaiming and orthogonal: the standard deviation
              torch's initialiser gives each of a few convolution weight shapes

TrainingOptionsParityTest compares the Java port with these values.
"""

import json
import math
import sys

import torch
from torch import nn
from torch.optim import lr_scheduler


class GANLoss(nn.Module):
    """networks.GANLoss, without wgangp (refused by the Java port)."""

    def __init__(self, gan_mode, target_real_label=1.0, target_fake_label=0.0):
        super().__init__()
        self.register_buffer('real_label', torch.tensor(target_real_label))
        self.register_buffer('fake_label', torch.tensor(target_fake_label))
        self.gan_mode = gan_mode
        if gan_mode == 'lsgan':
            self.loss = nn.MSELoss()
        elif gan_mode == 'vanilla':
            self.loss = nn.BCEWithLogitsLoss()
        else:
            raise NotImplementedError(gan_mode)

    def get_target_tensor(self, prediction, target_is_real):
        target_tensor = self.real_label if target_is_real else self.fake_label
        return target_tensor.expand_as(prediction)

    def __call__(self, prediction, target_is_real):
        return self.loss(prediction, self.get_target_tensor(prediction, target_is_real))


def get_scheduler(optimizer, opt):
    """networks.get_scheduler."""
    if opt['lr_policy'] == 'linear':
        def lambda_rule(epoch):
            return 1.0 - max(0, epoch + opt['epoch_count'] - opt['n_epochs']) / float(opt['n_epochs_decay'] + 1)
        return lr_scheduler.LambdaLR(optimizer, lr_lambda=lambda_rule)
    if opt['lr_policy'] == 'step':
        return lr_scheduler.StepLR(optimizer, step_size=opt['lr_decay_iters'], gamma=0.1)
    if opt['lr_policy'] == 'plateau':
        return lr_scheduler.ReduceLROnPlateau(optimizer, mode='min', factor=0.2, threshold=0.01, patience=5)
    if opt['lr_policy'] == 'cosine':
        return lr_scheduler.CosineAnnealingLR(optimizer, T_max=opt['n_epochs'], eta_min=0)
    raise NotImplementedError(opt['lr_policy'])


def losses():
    g = torch.Generator().manual_seed(16)
    real = (torch.randn(2, 1, 4, 4, generator=g) * 2).double()
    fake = (torch.randn(2, 1, 4, 4, generator=g) * 2 - 1).double()
    out = {'predictionOnReal': real.flatten().tolist(), 'predictionOnFake': fake.flatten().tolist(),
           'shape': list(real.shape)}
    for mode in ['lsgan', 'vanilla']:
        crit = GANLoss(mode).double()
        p = fake.clone().requires_grad_(True)
        generator = crit(p, True)
        generator.backward()
        out[mode] = {
            'generator': generator.item(),
            'generatorGradient': p.grad.flatten().tolist(),
            'discriminator': ((crit(real, True) + crit(fake, False)) * 0.5).item(),
        }
    return out


def schedules():
    opt = {'n_epochs': 7, 'n_epochs_decay': 5, 'epoch_count': 1, 'lr_decay_iters': 3, 'lr': 0.0002}
    total = opt['n_epochs'] + opt['n_epochs_decay']
    plateau_steps = 60
    out = {'options': opt}
    for policy in ['linear', 'step', 'plateau', 'cosine']:
        param = nn.Parameter(torch.zeros(1))
        optimizer = torch.optim.Adam([param], lr=opt['lr'], betas=(0.5, 0.999))
        scheduler = get_scheduler(optimizer, dict(opt, lr_policy=policy))
        rates = [optimizer.param_groups[0]['lr']]
        for _ in range(plateau_steps if policy == 'plateau' else total):
            optimizer.step()
            if policy == 'plateau':
                scheduler.step(0)  # BaseModel.metric: CycleGANModel never changes it
            else:
                scheduler.step()
            rates.append(optimizer.param_groups[0]['lr'])
        out[policy] = rates
    return out


def init_stds():
    gain = 0.02
    shapes = [[64, 3, 7, 7], [128, 64, 3, 3], [256, 128, 3, 3], [1, 512, 4, 4]]
    out = {'gain': gain, 'shapes': shapes}
    for init_type in ['normal', 'xavier', 'kaiming', 'orthogonal']:
        stds = []
        for shape in shapes:
            w = torch.empty(*shape)
            torch.manual_seed(0)
            if init_type == 'normal':
                nn.init.normal_(w, 0.0, gain)
            elif init_type == 'xavier':
                nn.init.xavier_normal_(w, gain=gain)
            elif init_type == 'kaiming':
                nn.init.kaiming_normal_(w, a=0, mode='fan_in')
            else:
                nn.init.orthogonal_(w, gain=gain)
            # the distribution's standard deviation, as torch defines it
            fan_in, fan_out = nn.init._calculate_fan_in_and_fan_out(w)
            expected = {
                'normal': gain,
                'xavier': gain * math.sqrt(2.0 / float(fan_in + fan_out)),
                'kaiming': math.sqrt(2.0) / math.sqrt(fan_in),
                # an orthonormal rows x cols matrix (rows <= cols) has every row of norm 1
                'orthogonal': gain * math.sqrt(min(shape[0], w[0].numel()) / float(w.numel())),
            }[init_type]
            stds.append({'sampled': w.std().item(), 'expected': expected})
        out[init_type] = stds
    return out


def main():
    fixture = {'torch': torch.__version__, 'losses': losses(), 'schedules': schedules(),
               'init': init_stds()}
    with open(sys.argv[1], 'w') as f:
        json.dump(fixture, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()
