#!/usr/bin/python3
"""Reference numbers for tests/Search/GpReferenceTests.cs from Debian's python3-sklearn.

Our exponentiated-Hamming kernel sigma2*exp(-w*H(a,b)) on 0/1 vectors equals sklearn's
ConstantKernel(sigma2)*RBF(l) with w = 1/(2 l^2); the ARD kernel equals RBF with one length scale per site.
Noise goes in `alpha` (added to the training diagonal only) so predictions are of the latent function, as ours.
normalize_y=True matches our standardization. Run: /usr/bin/python3 tools/gp_sklearn_reference.py
"""
import json
import numpy as np
import sklearn
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import ConstantKernel, RBF

train = ["1111111111", "1111111110", "0111111111", "1011011011", "1110111101",
         "1010101010", "0101010101", "1100110011", "1111100000", "0000011111"]
y = np.array([92.1, 91.8, 90.2, 89.7, 91.0, 85.3, 84.9, 88.2, 87.5, 86.1])
test = ["1111111111", "1011111111", "0000000000", "1101101101", "1010101011"]

def X(ms):
    return np.array([[float(c) for c in m] for m in ms])

cases = []
for name, sigma2, noise, w in [
    ("iso", 1.7, 0.05, 0.3),
    ("ard", 0.9, 0.01, [0.1, 0.5, 0.2, 0.05, 0.9, 0.3, 0.3, 0.15, 0.6, 0.25]),
]:
    ls = 1 / np.sqrt(2 * np.array(w, dtype=float))
    k = ConstantKernel(sigma2, "fixed") * RBF(ls if np.ndim(ls) else float(ls), "fixed")
    gp = GaussianProcessRegressor(k, alpha=noise, normalize_y=True, optimizer=None).fit(X(train), y)
    mean, std = gp.predict(X(test), return_std=True)
    cases.append(dict(name=name, sigma2=sigma2, noise=noise, w=w, lml=gp.log_marginal_likelihood_value_,
                      mean=list(mean), var=list(std ** 2)))
print(json.dumps(dict(sklearn=sklearn.__version__, train=train, y=list(y), test=test, cases=cases), indent=1))
