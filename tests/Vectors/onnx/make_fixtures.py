#!/usr/bin/python3
"""Makes the ONNX test fixtures of Thestage.Models.Onnx.Tests with a real exporter.

Run with Debian 12's packages (apt-get install python3-onnx python3-torch: onnx 1.12.0, torch 1.13.1):

    /usr/bin/python3 tests/Vectors/onnx/make_fixtures.py

Deterministic (fixed seeds, one thread). It writes, next to this script:

- samples.csv / labels.csv: 300 synthetic 1x8x8 "images" (one per line, C order, 5 significant digits) of 10 classes
  (a fixed smooth pattern per class plus Gaussian noise), and their classes. The first 200 train the models here; the C#
  tests use rows 200-299 (not seen in training) as test samples and rows 0-99 as calibration samples.
- five models, each trained for a few epochs on rows 0-199 and exported by torch.onnx.export in eval mode:
    mlp_relu_opset13.onnx        Flatten, Gemm, BatchNormalization, Relu, Dropout (kept, see below), Gemm, Relu, Gemm
    mlp_square_opset9.onnx       Flatten, Gemm, Mul(x, x), Gemm, Pow(x, 2), Gemm; initializers rewritten to the typed
                                 float_data field (torch writes raw_data)
    cnn_square_opset11.onnx      Conv (pad 1), Mul(x, x), Pad (all zero: the exporter's), AveragePool 2x2, Conv (stride 2,
                                 pad 1), Mul(x, x), Flatten, Gemm
    cnn_maxpool_opset17.onnx     Conv, BatchNormalization (folded by the exporter into the Conv), Relu, MaxPool 2x2, Conv,
                                 Tanh, GlobalAveragePool, Reshape (static shape [-1, 8]), Gemm, Sigmoid
    mlp_matmul_opset21.onnx      MatMul + Add (explicit parameters), Sigmoid, Identity, MatMul + Add; exported at opset 17
                                 and re-stamped to opset 21 / IR 10 (these operators did not change from 17 to 21 for
                                 float tensors), with an Identity and a Dropout node inserted by the onnx API
- torch_outputs.csv: for each model (in the order above), the exporter-side PyTorch outputs on the 100 test rows, one row
  per sample, as a second reference beside ONNX Runtime (which the C# tests run).

Dropout: torch's exporter drops nn.Dropout in eval mode; mlp_relu_opset13 gets a Dropout node inserted after its first
Relu with the onnx API, as exporters that keep it (e.g. tf2onnx) emit one.
"""
import csv
import os

import numpy as np
import onnx
import torch
from onnx import helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
torch.manual_seed(2026)
torch.set_num_threads(1)
rng = np.random.default_rng(2026)


def data():
    classes = 10
    grid = np.linspace(0, 1, 8)
    yy, xx = np.meshgrid(grid, grid, indexing="ij")
    prototypes = []
    for c in range(classes):
        a, b, p = rng.uniform(1, 3), rng.uniform(1, 3), rng.uniform(0, np.pi)
        prototypes.append(np.sin(np.pi * a * xx + p) * np.cos(np.pi * b * yy + c))
    labels = rng.integers(0, classes, 300)
    x = np.stack([prototypes[c] + 0.6 * rng.standard_normal((8, 8)) for c in labels]).astype(np.float32)
    return x.reshape(300, 1, 8, 8), labels


X, Y = data()
XT = torch.tensor(X)
YT = torch.tensor(Y, dtype=torch.long)


def train(model, epochs=60):
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    model.train()
    for _ in range(epochs):
        for i in range(0, 200, 25):
            opt.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(XT[i:i + 25]), YT[i:i + 25])
            loss.backward()
            opt.step()
    model.eval()
    with torch.no_grad():
        accuracy = (model(XT[200:]).argmax(1) == YT[200:]).float().mean().item()
    return accuracy


class Square(torch.nn.Module):
    def forward(self, x):
        return x * x


class PowSquare(torch.nn.Module):
    def forward(self, x):
        return torch.pow(x, 2)


class Cnn(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(1, 4, 3, padding=1)
        self.bn = torch.nn.BatchNorm2d(4)
        self.conv2 = torch.nn.Conv2d(4, 8, 3, padding=1)
        self.fc = torch.nn.Linear(8, 10)
        self.sigmoid = False  # trained on logits, exported with the sigmoid

    def forward(self, x):
        x = torch.nn.functional.max_pool2d(torch.relu(self.bn(self.conv1(x))), 2)
        x = torch.nn.functional.adaptive_avg_pool2d(torch.tanh(self.conv2(x)), 1)
        x = self.fc(x.reshape(-1, 8))
        return torch.sigmoid(x) if self.sigmoid else x


class MatMulMlp(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.w1 = torch.nn.Parameter(torch.randn(64, 24) * 0.2)
        self.b1 = torch.nn.Parameter(torch.zeros(24))
        self.w2 = torch.nn.Parameter(torch.randn(24, 10) * 0.2)
        self.b2 = torch.nn.Parameter(torch.zeros(10))

    def forward(self, x):
        return torch.sigmoid(torch.flatten(x, 1) @ self.w1 + self.b1) @ self.w2 + self.b2


def export(model, name, opset):
    path = os.path.join(HERE, name)
    torch.onnx.export(model, XT[:1], path, opset_version=opset, input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}}, do_constant_folding=True)
    return path


def insert_after(model, op_type, new_op, name):
    graph = model.graph
    for i, node in enumerate(graph.node):
        if node.op_type == op_type:
            out = node.output[0]
            new_out = out + "_" + name
            for other in graph.node:
                for j, inp in enumerate(other.input):
                    if inp == out:
                        other.input[j] = new_out
            for o in graph.output:
                if o.name == out:
                    o.name = new_out
            graph.node.insert(i + 1, helper.make_node(new_op, [out], [new_out], name=name))
            return
    raise ValueError(op_type)


def typed_initializers(model):
    for i, t in enumerate(model.graph.initializer):
        array = numpy_helper.to_array(t)
        typed = helper.make_tensor(t.name, onnx.TensorProto.FLOAT, array.shape, array.flatten().tolist(), raw=False)
        model.graph.initializer[i].CopyFrom(typed)


models = []

mlp = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(64, 32), torch.nn.BatchNorm1d(32), torch.nn.ReLU(),
                          torch.nn.Dropout(0.1), torch.nn.Linear(32, 16), torch.nn.ReLU(), torch.nn.Linear(16, 10))
print("mlp_relu_opset13", train(mlp))
p = export(mlp, "mlp_relu_opset13.onnx", 13)
m = onnx.load(p)
insert_after(m, "Relu", "Dropout", "dropout")
onnx.checker.check_model(m)
onnx.save(m, p)
models.append(mlp)

square = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(64, 24), Square(), torch.nn.Linear(24, 16), PowSquare(),
                             torch.nn.Linear(16, 10))
with torch.no_grad():
    for layer in square:
        if isinstance(layer, torch.nn.Linear):
            layer.weight.mul_(0.5)
print("mlp_square_opset9", train(square))
p = export(square, "mlp_square_opset9.onnx", 9)
m = onnx.load(p)
typed_initializers(m)
onnx.checker.check_model(m)
onnx.save(m, p)
models.append(square)

cnn = torch.nn.Sequential(torch.nn.Conv2d(1, 4, 3, padding=1), Square(), torch.nn.AvgPool2d(2),
                          torch.nn.Conv2d(4, 8, 3, stride=2, padding=1), Square(), torch.nn.Flatten(), torch.nn.Linear(32, 10))
with torch.no_grad():
    for layer in cnn:
        if isinstance(layer, (torch.nn.Linear, torch.nn.Conv2d)):
            layer.weight.mul_(0.5)
print("cnn_square_opset11", train(cnn))
export(cnn, "cnn_square_opset11.onnx", 11)
models.append(cnn)

pooled = Cnn()
print("cnn_maxpool_opset17", train(pooled, epochs=120))
pooled.sigmoid = True
export(pooled, "cnn_maxpool_opset17.onnx", 17)
models.append(pooled)

matmul = MatMulMlp()
print("mlp_matmul_opset21", train(matmul))
p = export(matmul, "mlp_matmul_opset21.onnx", 17)
m = onnx.load(p)
insert_after(m, "Sigmoid", "Identity", "identity")
insert_after(m, "Identity", "Dropout", "dropout")
del m.opset_import[:]
m.opset_import.append(helper.make_opsetid("", 21))
m.ir_version = 10
onnx.save(m, p)
models.append(matmul)

with open(os.path.join(HERE, "samples.csv"), "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    for row in X.reshape(300, 64):
        w.writerow([f"{v:.5g}" for v in row])
with open(os.path.join(HERE, "labels.csv"), "w", newline="") as f:
    f.write("\n".join(str(int(v)) for v in Y) + "\n")

# The samples as written (rounded to 5 digits) are what the C# tests read: compute the references on those.
written = np.loadtxt(os.path.join(HERE, "samples.csv"), delimiter=",", dtype=np.float32).reshape(300, 1, 8, 8)
with open(os.path.join(HERE, "torch_outputs.csv"), "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    with torch.no_grad():
        for model in models:
            for row in model(torch.tensor(written[200:])).numpy():
                w.writerow([f"{v:.9g}" for v in row])
