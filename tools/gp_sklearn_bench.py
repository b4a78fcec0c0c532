#!/usr/bin/python3
"""Times Debian's python3-sklearn GaussianProcessRegressor on the data of bench/SearchBenchmarks.cs.

Same masks and values as SearchData.Observations (53 sites); kernel ConstantKernel*RBF + WhiteKernel (our
exp-Hamming + noise, without the count feature), normalize_y=True, n_restarts_optimizer=2 (1 + 2 starts, as ours).
Fit = hyperparameters + factorization; predict = mean and std for 65 536 random masks at n = 200.
Reports which BLAS numpy uses. Run: /usr/bin/python3 tools/gp_sklearn_bench.py [n ...]
"""
import sys, time, json
import numpy as np
import sklearn
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import ConstantKernel, RBF, WhiteKernel

SITES = 53

def observations(n):
    X = np.zeros((n, SITES)); y = np.zeros(n)
    for i in range(n):
        for j in range(SITES):
            if (i * 7919 + j * 104729) % 97 < 30 + i % 40:
                X[i, j] = 1
        y[i] = 80 + 0.2 * X[i].sum() + 0.5 * np.sin(i)
    return X, y

def blas():
    try:
        from threadpoolctl import threadpool_info
        return [(d.get("internal_api"), d.get("filepath"), d.get("num_threads")) for d in threadpool_info()]
    except Exception as e:  # threadpoolctl missing
        return str(e)

def gp():
    k = ConstantKernel(1.0) * RBF(1.0) + WhiteKernel(1e-2)
    return GaussianProcessRegressor(k, normalize_y=True, n_restarts_optimizer=2, random_state=0)

out = dict(sklearn=sklearn.__version__, numpy=np.__version__, blas=blas(), fit={}, predict=None)
for n in [int(a) for a in sys.argv[1:]] or [100, 500, 2000]:
    X, y = observations(n)
    reps = 3 if n <= 500 else 1
    best = float("inf")
    for _ in range(reps):
        t = time.perf_counter(); gp().fit(X, y); best = min(best, time.perf_counter() - t)
    out["fit"][n] = best
X, y = observations(200)
g = gp().fit(X, y)
rng = np.random.default_rng(7)
p = rng.random((65536, 1))
C = (rng.random((65536, SITES)) < p).astype(float)
best = float("inf")
for _ in range(3):
    t = time.perf_counter(); g.predict(C, return_std=True); best = min(best, time.perf_counter() - t)
out["predict"] = dict(candidates=65536, seconds=best, per_second=65536 / best)
print(json.dumps(out, indent=1))
