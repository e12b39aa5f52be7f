#!/usr/bin/python3
"""Golden values for the nn layer and Module tests (tests/nn/test_layers*.cpp, test_module*.cpp).

Run with the system Python that has torch 1.13:
    /usr/bin/python3 tests/golden/make_module.py
Writes small .npy files and two .safetensors files into tests/golden/data/module/.  Seeded and
deterministic.  The safetensors files are written by hand (struct + json + numpy, as the
format's spec says), since the `safetensors` package is not installed here.

    /usr/bin/python3 tests/golden/make_module.py --check FILE.safetensors
reads a file written by convis with the same plain-Python reader and prints its tensors.
"""
import json
import os
import struct
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "module")
torch.manual_seed(0)

DTYPES = {np.dtype("float32"): "F32", np.dtype("float64"): "F64", np.dtype("int64"): "I64", np.dtype("bool"): "BOOL"}
NP_DTYPES = {v: k for k, v in DTYPES.items()}


def save(name, t):
    np.save(os.path.join(OUT, name + ".npy"), t.detach().contiguous().numpy())


def write_safetensors(path, tensors, metadata=None):
    """tensors: list of (name, numpy array); data in list order, header keys in list order."""
    header, blobs, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name, a in tensors:
        raw = np.ascontiguousarray(a).astype(a.dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": DTYPES[a.dtype], "shape": list(a.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def read_safetensors(path):
    data = open(path, "rb").read()
    (n,) = struct.unpack("<Q", data[:8])
    assert 8 + n <= len(data), "header length past the end"
    header = json.loads(data[8:8 + n])
    body = data[8 + n:]
    out, ranges = {}, []
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        dt = NP_DTYPES[info["dtype"]]
        assert end - begin == int(np.prod(info["shape"], dtype=np.int64)) * dt.itemsize, name
        out[name] = np.frombuffer(body[begin:end], dtype=dt.newbyteorder("<")).reshape(info["shape"])
        ranges.append((begin, end))
    pos = 0
    for begin, end in sorted(ranges):
        assert begin == pos, "gap or overlap"
        pos = end
    assert pos == len(body), "trailing bytes"
    return header.get("__metadata__", {}), out


def linear_cases():
    lin = nn.Linear(3, 4)
    x, x3 = torch.randn(5, 3), torch.randn(2, 5, 3)
    save("linear_w", lin.weight), save("linear_b", lin.bias), save("linear_x", x), save("linear_x3", x3)
    save("linear_out", lin(x)), save("linear_out3", lin(x3))


def conv_cases():
    x = torch.randn(2, 2, 4, 5, 6)
    save("conv3d_x", x)
    for mode in ["zeros", "reflect", "replicate", "circular"]:
        conv = nn.Conv3d(2, 4, (3, 2, 3), stride=(1, 2, 1), padding=(1, 1, 2), groups=2, padding_mode=mode)
        save(f"conv3d_{mode}_w", conv.weight), save(f"conv3d_{mode}_b", conv.bias), save(f"conv3d_{mode}_out", conv(x))
    conv = nn.Conv1d(2, 3, 3, padding=1, dilation=2, bias=False)
    x1 = torch.randn(2, 2, 7)
    save("conv1d_x", x1), save("conv1d_w", conv.weight), save("conv1d_out", conv(x1))


def batchnorm_cases():
    bn = nn.BatchNorm1d(3)
    with torch.no_grad():
        bn.weight.copy_(torch.randn(3)), bn.bias.copy_(torch.randn(3))
    x1, x2, x3 = torch.randn(6, 3) * 2 + 1, torch.randn(6, 3, 4), torch.randn(4, 3)
    save("bn1d_w", bn.weight), save("bn1d_b", bn.bias), save("bn1d_x1", x1), save("bn1d_x2", x2), save("bn1d_x3", x3)
    save("bn1d_y1", bn(x1)), save("bn1d_y2", bn(x2))
    save("bn1d_mean", bn.running_mean), save("bn1d_var", bn.running_var)
    bn.eval()
    save("bn1d_y3", bn(x3))
    # BatchNorm2d with momentum=None (cumulative average), two steps.
    bn2 = nn.BatchNorm2d(2, momentum=None, eps=1e-3)
    a, b = torch.randn(3, 2, 2, 3), torch.randn(2, 2, 3, 1) + 3
    save("bn2d_x1", a), save("bn2d_x2", b), save("bn2d_y2", (bn2(a), bn2(b))[1])
    save("bn2d_mean", bn2.running_mean), save("bn2d_var", bn2.running_var)
    # BatchNorm3d, one step.
    bn3 = nn.BatchNorm3d(2)
    c = torch.randn(2, 2, 2, 2, 3)
    save("bn3d_x", c), save("bn3d_y", bn3(c)), save("bn3d_mean", bn3.running_mean), save("bn3d_var", bn3.running_var)


def layernorm_cases():
    ln = nn.LayerNorm([4, 5])
    with torch.no_grad():
        ln.weight.copy_(torch.randn(4, 5)), ln.bias.copy_(torch.randn(4, 5))
    x = torch.randn(3, 4, 5) * 3
    save("ln_w", ln.weight), save("ln_b", ln.bias), save("ln_x", x), save("ln_out", ln(x))


def activation_cases():
    x = torch.cat([torch.randn(40) * 3, torch.tensor([0.0, 5.0, 12.0, 25.0, -30.0])]).requires_grad_()
    save("act_x", x)
    cases = {
        "relu": F.relu(x), "leaky_relu": F.leaky_relu(x, 0.2), "sigmoid": torch.sigmoid(x), "tanh": torch.tanh(x),
        "softplus": F.softplus(x), "softplus_b2_t5": F.softplus(x, beta=2, threshold=5),
        "gelu": F.gelu(x), "gelu_tanh": F.gelu(x, approximate="tanh"),
    }
    for name, y in cases.items():
        save("act_" + name, y)
        (g,) = torch.autograd.grad(y.sum(), x)
        save("act_" + name + "_grad", g)


def pool_cases():
    x = torch.randn(1, 2, 4, 5, 6)
    save("pool_x", x)
    save("maxpool_out", F.max_pool3d(x, (2, 2, 3), stride=(1, 2, 2), padding=(1, 0, 1)))
    save("avgpool_out", F.avg_pool3d(x, 2, stride=1, padding=1, count_include_pad=False))


def safetensors_cases():
    arrays = [
        ("zeta", np.arange(6, dtype=np.float32).reshape(2, 3) / 4),
        ("alpha", np.array([1.5, -2.25, 1e300, -0.0], dtype=np.float64)),
        ("ints", np.array([[1, -2], [2**40, -(2**62)]], dtype=np.int64)),
        ("mask", np.array([True, False, True])),
        ("scalar", np.array(3.5, dtype=np.float32)),
        ("nothing", np.zeros((0, 3), dtype=np.float32)),
    ]
    write_safetensors(os.path.join(OUT, "python.safetensors"), arrays, {"format": "pt", "who": "make_module.py"})
    # A torch model's state dict after one training step, and its eval output.
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Tanh(), nn.Linear(4, 2))
    model(torch.randn(8, 3))
    model.eval()
    x = torch.randn(5, 3)
    save("model_x", x), save("model_out", model(x))
    write_safetensors(os.path.join(OUT, "model.safetensors"),
                      [(k, v.detach().numpy()) for k, v in model.state_dict().items()])


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--check":
        metadata, tensors = read_safetensors(sys.argv[2])
        print("metadata", metadata)
        for name, a in tensors.items():
            print(name, a.dtype, a.shape, a.ravel()[:6].tolist())
        return
    os.makedirs(OUT, exist_ok=True)
    linear_cases()
    conv_cases()
    batchnorm_cases()
    layernorm_cases()
    activation_cases()
    pool_cases()
    safetensors_cases()


if __name__ == "__main__":
    main()
