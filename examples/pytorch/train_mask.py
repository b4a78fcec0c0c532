#!/usr/bin/env python3
"""Command oracle for DeepTrain: train a CNN with batch normalization only at the mask's active sites and print
the test accuracy as the last stdout line, {"accuracy": <percent>}.

Arguments (or environment, as the command oracle passes them):
    --mask  / DEEPTRAIN_MASK   0/1 string in DeepTrain's site order (site 0 first)
    --net   / DEEPTRAIN_NET    resnet20|32|44|56|110, plainD (e.g. plain24), or torchvision resnet18|34|50|101|152,
                               vgg11|13|16|19 (the _bn definitions; sites are their BatchNorm2d modules in order)
    --seed  / DEEPTRAIN_SEED
Data: --data generated (default for plainD: 1x16x16, 10 classes, 4000/1000 — a NumPy port of DeepTrain's generator,
same recipe, different random stream), or --data cifar10|cifar100 --data-dir DIR (torchvision's python-format
archives already extracted there; nothing is downloaded). GPU when present (--device to force).

Site order matches DeepTrain's zoo: one site per convolution in layer order, which is the order in which the
reference PyTorch definitions register their BatchNorm2d modules; inactive sites are replaced by nn.Identity.
"""
import argparse, json, math, os, sys, time
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


# ---------------------------------------------------------------- networks
class OptionA(nn.Module):
    def __init__(self, planes):
        super().__init__()
        self.pad = planes // 4

    def forward(self, x):
        return F.pad(x[:, :, ::2, ::2], (0, 0, 0, 0, self.pad, self.pad))


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = OptionA(cout) if stride != 1 or cin != cout else nn.Identity()

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        return F.relu(self.bn2(self.conv2(y)) + self.shortcut(x))


class CifarResNet(nn.Module):
    """He et al. 2016, section 4.2: 6n+2 layers, widths 16/32/64, option-A shortcuts."""
    def __init__(self, depth, classes, channels=3):
        super().__init__()
        n = (depth - 2) // 6
        self.conv1 = nn.Conv2d(channels, 16, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        blocks, cin = [], 16
        for stage, w in enumerate([16, 32, 64]):
            for b in range(n):
                blocks.append(BasicBlock(cin, w, 2 if stage > 0 and b == 0 else 1))
                cin = w
        self.blocks = nn.Sequential(*blocks)
        self.fc = nn.Linear(64, classes)

    def forward(self, x):
        x = self.blocks(F.relu(self.bn1(self.conv1(x))))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


class Plain(nn.Module):
    """DeepTrain's plainD: D 3x3 convolutions of width W, stride 2 at j = D//3 and 2D//3, BN + ReLU, GAP, linear."""
    def __init__(self, depth, width, classes, channels):
        super().__init__()
        layers, cin = [], channels
        for j in range(depth):
            layers += [nn.Conv2d(cin, width, 3, 2 if j in (depth // 3, 2 * depth // 3) else 1, 1, bias=False),
                       nn.BatchNorm2d(width), nn.ReLU(inplace=True)]
            cin = width
        self.features = nn.Sequential(*layers)
        self.fc = nn.Linear(width, classes)

    def forward(self, x):
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(self.features(x), 1), 1))


def he_init(model):
    """He (Kaiming) normal, std sqrt(2 / fan-in), for convolutions — as DeepTrain's trainer. PyTorch's default conv
    init (uniform, a = sqrt(5)) is about 2.4x smaller, which by itself makes deep plain nets without BN untrainable."""
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            nn.init.kaiming_normal_(m.weight, mode="fan_in", nonlinearity="relu")
    return model


def build(name, classes, channels):
    import re
    m = re.fullmatch(r"resnet(20|32|44|56|110)(?:-cifar(?:10|100))?", name)
    if m:
        return he_init(CifarResNet(int(m.group(1)), classes, channels))
    m = re.fullmatch(r"plain(\d+)(?:w(\d+))?(?:-cifar(?:10|100))?", name)
    if m:
        return he_init(Plain(int(m.group(1)), int(m.group(2) or 16), classes, channels))
    import torchvision.models as tv
    if name in ("resnet18", "resnet34", "resnet50", "resnet101", "resnet152"):
        model = getattr(tv, name)(num_classes=classes)
    elif name in ("vgg11", "vgg13", "vgg16", "vgg19") or name.endswith("_bn"):
        model = getattr(tv, name if name.endswith("_bn") else name + "_bn")(num_classes=classes)
    else:
        raise SystemExit(f"train_mask.py: unknown network '{name}'")
    if channels != 3:
        raise SystemExit("torchvision networks need 3-channel data (use --data cifar10/cifar100)")
    return model


def apply_mask(model, mask):
    """Replace the BatchNorm2d modules whose site is inactive by identities; returns the number of sites."""
    bns = [(n, m) for n, m in model.named_modules() if isinstance(m, nn.BatchNorm2d)]
    if len(mask) != len(bns):
        raise SystemExit(f"train_mask.py: mask has {len(mask)} digits but the network has {len(bns)} sites")
    for (name, _), bit in zip(bns, mask):
        if bit == "0":
            parent = model
            *path, leaf = name.split(".")
            for p in path:
                parent = getattr(parent, p)
            setattr(parent, leaf, nn.Identity())
    return len(bns)


# ---------------------------------------------------------------- data
def generated(channels, size, classes, n_train, n_test, difficulty=0.5, seed=20221):
    """Same recipe as DeepTrain.Training.Data.GeneratedImages (gratings + blobs, shift, contrast, clutter, noise)."""
    rng = np.random.default_rng(seed)
    angle = np.pi * (np.arange(classes) + 0.3 * rng.random(classes)) / classes
    freq = (1.5 + 2.5 * ((np.arange(classes) * 7 % classes) + rng.random(classes)) / classes) / size
    blobs = rng.uniform(0.2, 0.8, (classes, 2, 2)) * size
    gain = np.ones((classes, channels)) if channels == 1 else rng.uniform(0.4, 1.2, (classes, channels))
    d = difficulty
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float64)

    def render(n, r):
        labels = r.permutation(np.arange(n) % classes)
        out = np.empty((n, channels, size, size), np.float32)
        for i, k in enumerate(labels):
            o = (k + 1 + r.integers(classes - 1)) % classes
            ph, oph = r.uniform(0, 2 * np.pi, 2)
            dx, dy = r.uniform(-(1 + 3 * d), 1 + 3 * d, 2)
            contrast = r.uniform(1 - 0.4 * d, 1 + 0.4 * d)
            g = np.cos(2 * np.pi * freq[k] * (xx * np.cos(angle[k]) + yy * np.sin(angle[k])) + ph)
            dist = np.cos(2 * np.pi * freq[o] * (xx * np.cos(angle[o]) + yy * np.sin(angle[o])) + oph)
            b = sum(1.5 * np.exp(-((xx - blobs[k, j, 0] - dx) ** 2 + (yy - blobs[k, j, 1] - dy) ** 2) / (2 * (size / 10) ** 2))
                    for j in range(2))
            for c in range(channels):
                out[i, c] = contrast * gain[k, c] * (0.8 * g + b) + 0.6 * d * gain[o, c] * dist \
                            + (0.15 + 0.6 * d) * r.standard_normal((size, size))
        return out, labels

    xtr, ytr = render(n_train, np.random.default_rng(seed + 1))
    xte, yte = render(n_test, np.random.default_rng(seed + 2))
    mean = xtr.mean(axis=(0, 2, 3), keepdims=True)
    std = xtr.std(axis=(0, 2, 3), keepdims=True)
    return (xtr - mean) / std, ytr, (xte - mean) / std, yte


def cifar(kind, root, n_train):
    import torchvision
    cls = torchvision.datasets.CIFAR10 if kind == "cifar10" else torchvision.datasets.CIFAR100
    mean = np.array([0.4914, 0.4822, 0.4465], np.float32).reshape(1, 3, 1, 1)
    std = np.array([0.2470, 0.2435, 0.2616], np.float32).reshape(1, 3, 1, 1)
    out = []
    for train in (True, False):
        ds = cls(root, train=train, download=False)
        x = (ds.data.transpose(0, 3, 1, 2).astype(np.float32) / 255 - mean) / std
        y = np.array(ds.targets)
        if train and n_train:
            x, y = x[:n_train], y[:n_train]
        out += [x, y]
    return out


# ---------------------------------------------------------------- main
def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mask", default=os.environ.get("DEEPTRAIN_MASK"))
    ap.add_argument("--net", default=os.environ.get("DEEPTRAIN_NET", "plain24"))
    ap.add_argument("--seed", type=int, default=int(os.environ.get("DEEPTRAIN_SEED", "0")))
    ap.add_argument("--data", default=None, help="generated (default for plainD), cifar10, cifar100")
    ap.add_argument("--data-dir", default=os.environ.get("DEEPTRAIN_DATA", "data"))
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--steps", type=int, default=0, help="stop after this many steps (smoke tests)")
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=0.05)
    ap.add_argument("--train-images", type=int, default=4000)
    ap.add_argument("--test-images", type=int, default=1000)
    ap.add_argument("--difficulty", type=float, default=0.5)
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--threads", type=int, default=0)
    a = ap.parse_args()
    if a.mask is None or any(ch not in "01" for ch in a.mask):
        raise SystemExit("train_mask.py: --mask (or DEEPTRAIN_MASK) must be a 0/1 string")
    if a.threads:
        torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    np.random.seed(a.seed)
    data = a.data or ("generated" if a.net.startswith("plain") and "-cifar" not in a.net else "cifar10")
    if data == "generated":
        cifar_shaped = "-cifar" in a.net or not a.net.startswith("plain")
        channels, size = (3, 32) if cifar_shaped else (1, 16)
        classes = 100 if a.net.endswith("cifar100") else 10
        xtr, ytr, xte, yte = generated(channels, size, classes, a.train_images, a.test_images, a.difficulty)
    else:
        classes, channels = (10 if data == "cifar10" else 100), 3
        xtr, ytr, xte, yte = cifar(data, a.data_dir, a.train_images)
    model = build(a.net, classes, channels)
    sites = apply_mask(model, a.mask)
    dev = torch.device(a.device)
    model = model.to(dev)
    xtr_t, ytr_t = torch.from_numpy(xtr).to(dev), torch.from_numpy(ytr).long().to(dev)
    xte_t, yte_t = torch.from_numpy(xte[:a.test_images]).to(dev), torch.from_numpy(yte[:a.test_images]).long().to(dev)
    steps_per_epoch = math.ceil(len(xtr_t) / a.batch)
    total = a.epochs * steps_per_epoch if not a.steps else a.steps
    opt = torch.optim.SGD(model.parameters(), lr=a.lr, momentum=0.9, weight_decay=5e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=a.lr, total_steps=max(total, 2), cycle_momentum=False)
    g = torch.Generator().manual_seed(a.seed)
    t0, step, loss = time.time(), 0, float("nan")
    model.train()
    while step < total:
        perm = torch.randperm(len(xtr_t), generator=g).to(dev)
        for s in range(steps_per_epoch):
            idx = perm[s * a.batch:(s + 1) * a.batch]
            out = model(xtr_t[idx])
            l = F.cross_entropy(out, ytr_t[idx])
            opt.zero_grad(set_to_none=True)
            l.backward()
            opt.step()
            sched.step()
            loss, step = l.item(), step + 1
            if not math.isfinite(loss) or step >= total:
                break
        if not math.isfinite(loss):
            break
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(xte_t), 256):
            correct += (model(xte_t[i:i + 256]).argmax(1) == yte_t[i:i + 256]).sum().item()
    acc = 100.0 * correct / len(xte_t)
    print(f"{a.net} mask {a.mask} ({a.mask.count('1')}/{sites} sites) seed {a.seed}: {step} steps, loss {loss:.4f}, "
          f"{time.time() - t0:.1f} s on {dev}", file=sys.stderr)
    print(json.dumps({"accuracy": acc}))


if __name__ == "__main__":
    main()
