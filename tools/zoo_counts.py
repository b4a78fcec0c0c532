#!/usr/bin/python3
"""Independent parameter / MAC / site counts for the DeepTrain zoo.

Run with Debian's torch (python3-torch 1.13, python3-torchvision 0.14):  /usr/bin/python3 tools/zoo_counts.py
Prints a Markdown table (committed to docs/WORKLOADS.md; the C# tests assert these numbers).

parameters = sum(p.numel()) of the PyTorch model (BN gamma/beta included when the reference has BN)
macs       = multiply-accumulates of one image's forward pass, from forward hooks on Conv2d and Linear:
             conv: out.numel() * (in_channels/groups) * kh * kw ; linear: in_features * out_features
sites      = number of BatchNorm2d modules; for plain VGG (no BN) the number of Conv2d modules
siteElems  = per image, sum over sites of the normalized tensor's numel (BN inputs, or conv outputs for plain VGG)
siteOrder  = sum over sites, in execution order, of (i + 1) * numel_i: checks that the zoo numbers sites in the
             order the PyTorch model runs its BatchNorm2d layers (which here is also their registration order)
"""
import re, sys
import torch, torch.nn as nn, torch.nn.functional as F
import torchvision.models as tvm

# ---- CIFAR ResNets, option A (He et al. 2016, sec. 4.2), written independently of the C# zoo ----
class LambdaPad(nn.Module):
    def __init__(self, planes):
        super().__init__(); self.pad = planes // 4
    def forward(self, x):  # subsample by 2, zero-pad channels on both sides
        return F.pad(x[:, :, ::2, ::2], (0, 0, 0, 0, self.pad, self.pad))

class BasicA(nn.Module):
    def __init__(self, inp, planes, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(inp, planes, 3, stride, 1, bias=False); self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False); self.bn2 = nn.BatchNorm2d(planes)
        self.short = LambdaPad(planes) if (stride != 1 or inp != planes) else nn.Identity()
    def forward(self, x):
        o = F.relu(self.bn1(self.conv1(x))); o = self.bn2(self.conv2(o))
        return F.relu(o + self.short(x))

class CifarResNetA(nn.Module):
    def __init__(self, depth, classes):
        super().__init__(); n = (depth - 2) // 6
        self.conv1 = nn.Conv2d(3, 16, 3, 1, 1, bias=False); self.bn1 = nn.BatchNorm2d(16)
        layers, inp = [], 16
        for planes, stride in ((16, 1), (32, 2), (64, 2)):
            for i in range(n):
                layers.append(BasicA(inp, planes, stride if i == 0 else 1)); inp = planes
        self.layers = nn.Sequential(*layers); self.fc = nn.Linear(64, classes)
    def forward(self, x):
        x = self.layers(F.relu(self.bn1(self.conv1(x))))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))

# ---- the common CIFAR ResNet-18 (kuangliu/pytorch-cifar): 3x3 stem, no max-pool, 1x1 projection shortcuts ----
class BasicB(nn.Module):
    def __init__(self, inp, planes, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(inp, planes, 3, stride, 1, bias=False); self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False); self.bn2 = nn.BatchNorm2d(planes)
        self.short = nn.Sequential()
        if stride != 1 or inp != planes:
            self.short = nn.Sequential(nn.Conv2d(inp, planes, 1, stride, bias=False), nn.BatchNorm2d(planes))
    def forward(self, x):
        o = F.relu(self.bn1(self.conv1(x))); o = self.bn2(self.conv2(o))
        return F.relu(o + self.short(x))

class CifarResNet18(nn.Module):
    def __init__(self, classes):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, 3, 1, 1, bias=False); self.bn1 = nn.BatchNorm2d(64)
        layers, inp = [], 64
        for planes, stride in ((64, 1), (128, 2), (256, 2), (512, 2)):
            for s in (stride, 1):
                layers.append(BasicB(inp, planes, s)); inp = planes
        self.layers = nn.Sequential(*layers); self.linear = nn.Linear(512, classes)
    def forward(self, x):
        x = self.layers(F.relu(self.bn1(self.conv1(x))))
        return self.linear(torch.flatten(F.avg_pool2d(x, 4), 1))

# ---- plainD: D 3x3 convs of width w (pad 1, no bias), stride 2 at 0-based conv index floor(D/3) and floor(2D/3),
#      BN + ReLU after each conv, global average pool, linear ----
class Plain(nn.Module):
    def __init__(self, depth, width, in_ch, classes):
        super().__init__(); mods, c = [], in_ch
        for j in range(depth):
            s = 2 if j in (depth // 3, (2 * depth) // 3) else 1
            mods += [nn.Conv2d(c, width, 3, s, 1, bias=False), nn.BatchNorm2d(width), nn.ReLU()]; c = width
        self.features = nn.Sequential(*mods); self.fc = nn.Linear(width, classes)
    def forward(self, x):
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(self.features(x), 1), 1))

def count(model, shape):
    model.eval()
    macs, site_elems, site_order, k = [0], [0], [0], [0]
    has_bn = any(isinstance(m, nn.BatchNorm2d) for m in model.modules())
    def conv_hook(m, i, o):
        macs[0] += o.numel() * (m.in_channels // m.groups) * m.kernel_size[0] * m.kernel_size[1]
        if not has_bn: site(o.numel())
    def lin_hook(m, i, o): macs[0] += m.in_features * m.out_features
    def site(n):
        k[0] += 1; site_elems[0] += n; site_order[0] += k[0] * n
    def bn_hook(m, i, o): site(i[0].numel())
    for m in model.modules():
        if isinstance(m, nn.Conv2d): m.register_forward_hook(conv_hook)
        elif isinstance(m, nn.Linear): m.register_forward_hook(lin_hook)
        elif isinstance(m, nn.BatchNorm2d): m.register_forward_hook(bn_hook)
    with torch.no_grad(): model(torch.zeros(1, *shape))
    params = sum(p.numel() for p in model.parameters())
    nbn = sum(isinstance(m, nn.BatchNorm2d) for m in model.modules())
    nconv = sum(isinstance(m, nn.Conv2d) for m in model.modules())
    return params, macs[0], (nbn if has_bn else nconv), site_elems[0], site_order[0]

def zoo():
    for d in (20, 32, 44, 56, 110):
        yield f"resnet{d}", "cifar", 10, lambda d=d: (CifarResNetA(d, 10), (3, 32, 32))
        yield f"resnet{d}-cifar100", "cifar", 100, lambda d=d: (CifarResNetA(d, 100), (3, 32, 32))
    for c in (10, 100):
        yield f"resnet18-cifar{c}", "cifar", c, lambda c=c: (CifarResNet18(c), (3, 32, 32))
    for n in ("resnet18", "resnet34", "resnet50", "resnet101", "resnet152",
              "vgg11", "vgg13", "vgg16", "vgg19", "vgg11_bn", "vgg13_bn", "vgg16_bn", "vgg19_bn"):
        yield n, "imagenet", 1000, lambda n=n: (getattr(tvm, n)(weights=None), (3, 224, 224))
    for n in ("plain8", "plain20", "plain56", "plain20w32", "plain20-cifar10", "plain56-cifar10", "plain20-cifar100"):
        m = re.fullmatch(r"plain(\d+)(?:w(\d+))?(?:-cifar(10|100))?", n)
        d, w, c = int(m[1]), int(m[2] or 16), m[3]
        if c: yield n, "cifar", int(c), lambda d=d, w=w, c=c: (Plain(d, w, 3, int(c)), (3, 32, 32))
        else: yield n, "generated", 10, lambda d=d, w=w: (Plain(d, w, 1, 10), (1, 16, 16))

if __name__ == "__main__":
    torch.manual_seed(0)
    print(f"<!-- generated by tools/zoo_counts.py with torch {torch.__version__}, "
          f"torchvision {__import__('torchvision').__version__} -->")
    print("| name | input | classes | parameters | macs | sites | siteElements | siteOrder |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for name, inp, classes, make in zoo():
        model, shape = make()
        p, m, s, e, o = count(model, shape)
        print(f"| {name} | {inp} | {classes} | {p} | {m} | {s} | {e} | {o} |", flush=True)
