#!/usr/bin/python3
"""PyTorch CPU training throughput for the networks of bench/TrainerBenchmarks.cs, same batch (64) and threads.

    OMP_NUM_THREADS=1 /usr/bin/python3 tools/pytorch_throughput.py --threads 1
    /usr/bin/python3 tools/pytorch_throughput.py --threads 2

One step = forward, cross-entropy, backward, SGD(momentum 0.9, weight decay 5e-4) update, all sites normalized,
random inputs. Prints images/s per network (median of --repeats timed runs of --steps steps after 2 warm-up steps).
"""
import argparse, os, statistics, sys, time
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples", "pytorch"))
from train_mask import CifarResNet, Plain  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--steps", type=int, default=5)
    ap.add_argument("--repeats", type=int, default=3)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    nets = {"plain24": (Plain(24, 16, 10, 1), (1, 16, 16)), "resnet20": (CifarResNet(20, 10, 3), (3, 32, 32))}
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}, mkldnn {torch.backends.mkldnn.is_available()}, batch {a.batch}")
    for name, (model, shape) in nets.items():
        x = torch.randn(a.batch, *shape)
        y = torch.arange(a.batch) % 10
        opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)
        model.train()

        def step():
            opt.zero_grad(set_to_none=True)
            F.cross_entropy(model(x), y).backward()
            opt.step()

        for _ in range(2):
            step()
        rates = []
        for _ in range(a.repeats):
            t = time.perf_counter()
            for _ in range(a.steps):
                step()
            rates.append(a.steps * a.batch / (time.perf_counter() - t))
        print(f"{name:10s} {statistics.median(rates):8.0f} images/s  (runs: {', '.join(f'{r:.0f}' for r in rates)})")


if __name__ == "__main__":
    main()
