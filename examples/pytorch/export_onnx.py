#!/usr/bin/env python3
"""Export a torchvision model, or your own nn.Module, to ONNX for DeepTrain (`deeptrain estimate --net model.onnx`).

The export is in TRAINING mode with constant folding off: an eval-mode export may fold each BatchNormalization
into the convolution before it, and with it the very normalization sites DeepTrain searches.

  python3 export_onnx.py resnet50 resnet50.onnx
  python3 export_onnx.py vgg16_bn vgg16_bn.onnx --shapes-only          # a few kB: shapes, no weights
  python3 export_onnx.py mynet.py:Net mynet.onnx --input 3x32x32       # class Net in mynet.py, built with Net()
  python3 export_onnx.py mynet.py:make_net mynet.onnx --input 1x28x28  # or any callable that returns a module

--shapes-only exports without the parameters (export_params=False): weights become graph inputs with their
shapes, which is all DeepTrain reads. Nothing is downloaded: torchvision models are built with random weights.
"""
import argparse
import importlib.util
import sys

import warnings

import torch
import torchvision


def build(spec: str, classes):
    if ":" in spec and spec.split(":", 1)[0].endswith(".py"):
        path, name = spec.split(":", 1)
        mod_spec = importlib.util.spec_from_file_location("user_module", path)
        module = importlib.util.module_from_spec(mod_spec)
        sys.modules["user_module"] = module
        mod_spec.loader.exec_module(module)
        return getattr(module, name)()
    factory = getattr(torchvision.models, spec, None)
    if factory is None or not callable(factory):
        sys.exit(f"export_onnx.py: '{spec}' is neither a torchvision model name nor FILE.py:NAME")
    kwargs = {} if classes is None else {"num_classes": classes}
    try:
        return factory(weights=None, **kwargs)
    except TypeError:  # torchvision before 0.13
        return factory(pretrained=False, **kwargs)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("model", help="torchvision model name (resnet50, vgg16_bn, ...) or FILE.py:NAME")
    p.add_argument("out", help="ONNX file to write")
    p.add_argument("--input", default="3x224x224", help="C x H x W of one image (default 3x224x224)")
    p.add_argument("--classes", type=int, default=None, help="num_classes for torchvision models")
    p.add_argument("--shapes-only", action="store_true", help="leave the weights out (export_params=False)")
    p.add_argument("--opset", type=int, default=14, help="ONNX opset (default 14)")
    a = p.parse_args()

    c, h, w = (int(x) for x in a.input.lower().split("x"))
    model = build(a.model, a.classes)
    warnings.filterwarnings("ignore", message=".*num_batches_tracked.*")  # BN counters: not part of the graph DeepTrain reads
    model.train()  # keep BatchNormalization nodes (see the module docstring)
    torch.onnx.export(
        model, torch.zeros(1, c, h, w), a.out,
        export_params=not a.shapes_only,
        training=torch.onnx.TrainingMode.TRAINING,
        do_constant_folding=False,
        opset_version=a.opset,
        input_names=["input"], output_names=["logits"],
        dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}},
    )
    print(f"wrote {a.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
