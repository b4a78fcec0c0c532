#!/usr/bin/env python3
"""Regenerates the committed ONNX fixtures of tests/Workloads/OnnxImportTests.cs (Debian python3-torch 1.13).

Every file is exported in training mode with constant folding off (BatchNormalization nodes survive) and
export_params=False (shapes only: weights are graph inputs with their dims), so each is a few kB.

  /usr/bin/python3 tests/Fixtures/onnx/make_fixtures.py tests/Fixtures/onnx
"""
import os
import sys
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision

warnings.filterwarnings("ignore")


class TinyResidual(nn.Module):
    """conv-bn-relu stem, one basic block with a 1x1 projection, global pool, fc: 4 BN sites."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, padding=1, bias=False); self.bn1 = nn.BatchNorm2d(8)
        self.c2 = nn.Conv2d(8, 16, 3, stride=2, padding=1, bias=False); self.b2 = nn.BatchNorm2d(16)
        self.c3 = nn.Conv2d(16, 16, 3, padding=1, bias=False); self.b3 = nn.BatchNorm2d(16)
        self.down = nn.Conv2d(8, 16, 1, stride=2, bias=False); self.bd = nn.BatchNorm2d(16)
        self.fc = nn.Linear(16, 10)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        y = self.b3(self.c3(F.relu(self.b2(self.c2(x)))))
        x = F.relu(y + self.bd(self.down(x)))
        x = F.adaptive_avg_pool2d(x, 1)
        return self.fc(torch.flatten(x, 1))


class TinyConcat(nn.Module):
    """Two branches (1x1 and grouped 3x3) concatenated in channels, max-pool, x.view(N, -1), fc: 3 BN sites."""

    def __init__(self):
        super().__init__()
        self.a = nn.Conv2d(4, 6, 1, bias=False); self.ba = nn.BatchNorm2d(6)
        self.b = nn.Conv2d(4, 10, 3, padding=1, groups=2, bias=False); self.bb = nn.BatchNorm2d(10)
        self.c = nn.Conv2d(16, 8, 3, padding=1, bias=False); self.bc = nn.BatchNorm2d(8)
        self.pool = nn.MaxPool2d(2)
        self.drop = nn.Dropout(0.5)
        self.fc = nn.Linear(8 * 4 * 4, 5)

    def forward(self, x):
        x = torch.cat([torch.sigmoid(self.ba(self.a(x))), F.leaky_relu(self.bb(self.b(x)))], 1)
        x = self.pool(F.relu(self.bc(self.c(x))))
        return self.fc(self.drop(x.view(x.size(0), -1)))


class TinyNoBn(nn.Module):
    """Convolutions with bias and no BatchNorm (as an eval-mode export leaves them): 2 convs."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 4, 3, padding=1); self.c2 = nn.Conv2d(4, 8, 3, stride=2, padding=1)
        self.fc = nn.Linear(8 * 4 * 4, 3)

    def forward(self, x):
        x = torch.tanh(self.c1(x))
        x = F.avg_pool2d(F.relu(self.c2(x)), 2)
        return self.fc(torch.flatten(x, 1))


class CifarBlock(nn.Module):
    def __init__(self, cin, planes, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, planes, 3, stride, 1, bias=False); self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False); self.bn2 = nn.BatchNorm2d(planes)
        self.pad = planes // 4 if stride != 1 or cin != planes else 0

    def forward(self, x):
        out = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
        if self.pad:  # option A (He et al. 2016): subsample and zero-pad channels
            x = F.pad(x[:, :, ::2, ::2], (0, 0, 0, 0, self.pad, self.pad), "constant", 0)
        return F.relu(out + x)


class CifarResNet(nn.Module):
    """He et al. 2016 section 4.2 ResNet-(6n+2) with option-A shortcuts."""

    def __init__(self, depth=20, classes=10):
        super().__init__()
        n = (depth - 2) // 6
        self.conv1 = nn.Conv2d(3, 16, 3, 1, 1, bias=False); self.bn1 = nn.BatchNorm2d(16)
        layers, cin = [], 16
        for s, planes in enumerate([16, 32, 64]):
            for i in range(n):
                layers.append(CifarBlock(cin, planes, 2 if s > 0 and i == 0 else 1)); cin = planes
        self.layers = nn.Sequential(*layers)
        self.fc = nn.Linear(64, classes)

    def forward(self, x):
        x = self.layers(F.relu(self.bn1(self.conv1(x))))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


def export(model, shape, path):
    model.train()
    torch.onnx.export(model, torch.zeros(1, *shape), path, export_params=False,
                      training=torch.onnx.TrainingMode.TRAINING, do_constant_folding=False, opset_version=14,
                      input_names=["input"], output_names=["logits"], dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}})
    print(f"{path}: {os.path.getsize(path)} bytes", file=sys.stderr)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    torch.manual_seed(0)
    export(TinyResidual(), (3, 16, 16), os.path.join(out, "tiny_residual.onnx"))
    export(TinyConcat(), (4, 8, 8), os.path.join(out, "tiny_concat.onnx"))
    export(TinyNoBn(), (1, 16, 16), os.path.join(out, "tiny_nobn.onnx"))
    export(CifarResNet(20), (3, 32, 32), os.path.join(out, "resnet20_cifar.onnx"))
    export(torchvision.models.resnet18(weights=None), (3, 224, 224), os.path.join(out, "resnet18.onnx"))
    export(torchvision.models.vgg11(weights=None), (3, 224, 224), os.path.join(out, "vgg11.onnx"))
    export(torchvision.models.vgg11_bn(weights=None), (3, 224, 224), os.path.join(out, "vgg11_bn.onnx"))


if __name__ == "__main__":
    main()
