#!/usr/bin/python3
"""Replays the first training steps of DeepTrain's built-in trainer in PyTorch and compares the losses.

    dotnet run --project src/Launcher -c Release -- train --net plain24 --norm every:4 \
        --export /tmp/cmp --export-steps 10 --threads 1
    /usr/bin/python3 tools/pytorch_compare.py /tmp/cmp [--tolerance 1e-3]

The export holds the network IR and mask, the initial weights, the exact batches in order, and the loss and
learning rate of every step. This script builds the same network from the IR (BatchNorm2d only at active sites,
momentum 0.1, eps 1e-5), loads the same weights, runs torch.optim.SGD with the same momentum, weight decay and
per-step learning rate — once in float32 and once in float64 — and prints the three loss sequences. Deep networks
amplify rounding over steps, so the float32-vs-float64 gap of PyTorch itself is the noise floor: the check passes when
our losses stay within max(tolerance, 3 x that floor) of the float64 replay. Exit status 1 otherwise. Not part of CI.
"""
import argparse, json, os, sys
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class IRNet(nn.Module):
    def __init__(self, spec):
        super().__init__()
        self.layers = spec["layers"]
        mask = spec["mask"]
        site_at = {layer: i for i, layer in enumerate(spec["sites"])}
        self.mods = nn.ModuleList()
        self.bns = nn.ModuleList()
        self.bn_index = []
        self.order = []  # parameters in DeepTrain's order
        for j, l in enumerate(self.layers):
            k, cin, cout = l["kind"], l["in"][0], l["out"][0]
            if k == "Convolution":
                m = nn.Conv2d(cin, cout, l["kernel"], l["stride"], l["padding"], bias=l["bias"])
                self.order += [m.weight] + ([m.bias] if l["bias"] else [])
            elif k == "Linear":
                m = nn.Linear(int(np.prod(l["in"])), cout, bias=l["bias"])
                self.order += [m.weight] + ([m.bias] if l["bias"] else [])
            else:
                m = nn.Identity()
            self.mods.append(m)
            if j in site_at and mask[site_at[j]] == "1":
                bn = nn.BatchNorm2d(cout, eps=1e-5, momentum=0.1)
                self.bn_index.append(len(self.bns))
                self.bns.append(bn)
                self.order += [bn.weight, bn.bias]
            else:
                self.bn_index.append(-1)

    def forward(self, x):
        outs = []
        for j, l in enumerate(self.layers):
            ins = [x if i < 0 else outs[i] for i in l["inputs"]]
            k, m = l["kind"], self.mods[j]
            a = ins[0]
            if k == "Convolution":
                y = m(a)
            elif k == "Linear":
                y = m(a.reshape(a.shape[0], -1)).reshape(a.shape[0], -1, 1, 1)
            elif k == "MaxPool":
                y = F.max_pool2d(a, l["kernel"], l["stride"], l["padding"])
            elif k == "AvgPool":
                y = F.avg_pool2d(a, l["kernel"], l["stride"], l["padding"], count_include_pad=True)
            elif k == "GlobalAvgPool":
                y = a.mean(dim=(2, 3), keepdim=True)
            elif k == "Activation":
                y = F.relu(a)
            elif k in ("Flatten", "Dropout"):
                y = a.reshape(a.shape[0], -1, 1, 1)
            elif k == "Add":
                p, q = ins
                if p.shape[1:] != tuple(l["out"]):
                    p, q = q, p
                if q.shape != p.shape:  # option A: stride, then zero-pad channels on both sides
                    s = q.shape[2] // p.shape[2]
                    pad = (p.shape[1] - q.shape[1]) // 2
                    q = F.pad(q[:, :, ::s, ::s], (0, 0, 0, 0, pad, pad))
                y = p + q
            else:
                raise SystemExit(f"unsupported layer kind {k}")
            if self.bn_index[j] >= 0:
                y = self.bns[self.bn_index[j]](y)
            outs.append(y)
        return outs[-1].reshape(x.shape[0], -1)


def replay(d, spec, dtype):
    net = IRNet(spec).to(dtype)
    flat = np.fromfile(os.path.join(d, "params.bin"), dtype="<f4")
    off = 0
    assert len(net.order) == len(spec["parameters"]), "parameter lists differ"
    with torch.no_grad():
        for p, meta in zip(net.order, spec["parameters"]):
            n = meta["size"]
            assert p.numel() == n, f"{meta['name']}: {p.numel()} vs {n}"
            p.copy_(torch.from_numpy(flat[off:off + n].copy()).reshape(p.shape).to(dtype))
            off += n
    assert off == flat.size
    images = np.fromfile(os.path.join(d, "batches.bin"), dtype="<f4")
    labels = np.fromfile(os.path.join(d, "labels.bin"), dtype="<i4")
    c, h, w = spec["input"]
    images = torch.from_numpy(images.reshape(-1, c, h, w)).to(dtype)
    labels = torch.from_numpy(labels.astype(np.int64))
    opt = torch.optim.SGD(net.order, lr=0.1, momentum=spec["momentum"], weight_decay=spec["weightDecay"])
    net.train()
    start, losses = 0, []
    for n, lr in zip(spec["batchSizes"], spec["learningRates"]):
        x, y = images[start:start + n], labels[start:start + n]
        start += n
        for g in opt.param_groups:
            g["lr"] = lr
        opt.zero_grad()
        loss = F.cross_entropy(net(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("export_dir")
    ap.add_argument("--tolerance", type=float, default=1e-3, help="max |Δloss| / loss over the replayed steps")
    args = ap.parse_args()
    torch.set_num_threads(1)
    d = args.export_dir
    spec = json.load(open(os.path.join(d, "network.json")))
    t32 = replay(d, spec, torch.float32)
    t64 = replay(d, spec, torch.float64)
    ours = spec["losses"]
    rel = lambda a, b: abs(a - b) / max(abs(b), 1e-12)
    print(f"{spec['name']} mask {spec['mask']}  torch {torch.__version__}, batch {spec['batchSizes'][0]}")
    print(f"{'step':>4} {'deeptrain':>12} {'torch f32':>12} {'torch f64':>12} {'ours-f32':>9} {'ours-f64':>9} {'f32-f64':>9}")
    for i, (o, a, b) in enumerate(zip(ours, t32, t64)):
        print(f"{i:>4} {o:>12.7f} {a:>12.7f} {b:>12.7f} {rel(o, a):>9.1e} {rel(o, b):>9.1e} {rel(a, b):>9.1e}")
    worst32 = max(rel(o, a) for o, a in zip(ours, t32))
    worst64 = max(rel(o, b) for o, b in zip(ours, t64))
    floor = max(rel(a, b) for a, b in zip(t32, t64))
    ok = worst64 <= max(args.tolerance, 3 * floor)
    print(f"max relative difference: ours vs torch f32 {worst32:.1e}, ours vs torch f64 {worst64:.1e}; "
          f"torch's own f32 vs f64 (rounding-noise floor) {floor:.1e}")
    print(f"{'PASS' if ok else 'FAIL'}: ours vs f64 within max(tolerance {args.tolerance:g}, 3 x noise floor)")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
