#!/usr/bin/python3
"""Builds the small ONNX models the ONNX reader tests read (tests/models/test_onnx_reader.cpp,
tests/validation/onnx/). Run at test time by the CTest fixture "onnx models generated":

    /usr/bin/python3 tests/models/onnx/make_models.py OUT_DIR

Each good model has a hand-written YAML equivalent next to this script (<model>.yaml); the bad_*
models each hold one thing the reader must refuse. Weights are zeros: the reader needs shapes only.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper

OPSET = 13


class Graph:
    """Nodes, initializers and the graph input, with names made up as nodes are added."""

    def __init__(self, name, input_shape, input_name="input", dtype=TensorProto.FLOAT):
        self.name = name
        self.nodes = []
        self.inits = []
        self.inputs = [helper.make_tensor_value_info(input_name, dtype, input_shape)]
        self.count = 0

    def tensor(self, prefix):
        self.count += 1
        return "%s_%d" % (prefix, self.count)

    def weight(self, name, shape, dtype=TensorProto.FLOAT):
        self.inits.append(helper.make_tensor(name, dtype, shape, [0] * int(np.prod(shape))))
        return name

    def quant(self, name):
        """A scale and a zero point, the pair every QLinear* input and output takes."""
        return [self.weight(name + ".scale", [], TensorProto.FLOAT), self.weight(name + ".zp", [], TensorProto.INT8)]

    def shape(self, name, values):
        self.inits.append(helper.make_tensor(name, TensorProto.INT64, [len(values)], values))
        return name

    def index(self, name, value):
        self.inits.append(helper.make_tensor(name, TensorProto.INT64, [], [value]))
        return name

    def node(self, op, inputs, name, outputs=1, **attrs):
        outs = [self.tensor(name + "_out") for _ in range(outputs)]
        self.nodes.append(helper.make_node(op, inputs, outs, name=name, **attrs))
        return outs[0]

    def conv(self, x, name, in_c, out_c, kernel, group=1, bias=False, **attrs):
        kernel = list(kernel) if isinstance(kernel, (list, tuple)) else [kernel, kernel]
        inputs = [x, self.weight(name + ".weight", [out_c, in_c // group] + kernel)]
        if bias:
            inputs.append(self.weight(name + ".bias", [out_c]))
        return self.node("Conv", inputs, name, group=group, **attrs)

    def save(self, out_dir, *outputs, output_shape=None):
        outs = [helper.make_tensor_value_info(o, TensorProto.FLOAT, output_shape) if output_shape
                else helper.make_empty_tensor_value_info(o) for o in outputs]
        graph = helper.make_graph(self.nodes, self.name, self.inputs, outs, self.inits)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                                  producer_name="acv tests/models/onnx/make_models.py")
        # The checker wants the outputs' types and shapes; the inner tensors' shapes are left to
        # the reader's shape inference, as many exporters leave them.
        inferred = onnx.shape_inference.infer_shapes(model)
        shapes = {v.name: v for v in list(inferred.graph.value_info) + list(inferred.graph.output)}
        for i, o in enumerate(outputs):
            if o in shapes and shapes[o].type.tensor_type.HasField("shape"):
                model.graph.output[i].CopyFrom(shapes[o])
            elif not output_shape:
                sys.exit("%s: Python's shape inference cannot infer output %s; pass output_shape" % (self.name, o))
        onnx.save(model, os.path.join(out_dir, self.name + ".onnx"))


def convs(out_dir):
    """Every way the reader maps a convolution (equivalent: convs.yaml)."""
    g = Graph("convs", [1, 3, 11, 13])
    x = g.conv("input", "conv_pad_stride2", 3, 8, 3, bias=True, pads=[1, 1, 1, 1], strides=[2, 2])  # 8x6x7
    x = g.node("Relu", [x], "relu1")
    x = g.conv(x, "conv_rect", 8, 6, [3, 2], pads=[0, 1, 0, 1], strides=[1, 2])  # 6x4x4
    x = g.conv(x, "conv_same", 6, 8, 3, auto_pad="SAME_UPPER")  # 8x4x4
    x = g.conv(x, "conv_grouped", 8, 12, 3, group=4, pads=[1, 1, 1, 1], dilations=[1, 1])  # 12x4x4
    x = g.conv(x, "conv_dw", 12, 12, 3, group=12, pads=[1, 1, 1, 1], strides=[2, 2])  # 12x2x2
    x = g.conv(x, "conv_dw_multiplier", 12, 24, 1, group=12)  # 24x2x2: two filters per channel
    x = g.conv(x, "conv_valid", 24, 5, 2, auto_pad="VALID")  # 5x1x1
    x = g.node("Flatten", [x], "flatten")
    g.save(out_dir, x)


def conv1d(out_dir):
    """1-D convolutions and a 1-D pool, input [N, C, L] (equivalent: conv1d.yaml)."""
    g = Graph("conv1d", [1, 7, 29])
    x = g.conv("input", "tc1", 7, 5, [5], pads=[2, 2], strides=[2])  # 5x15
    x = g.node("Sigmoid", [x], "act")
    x = g.conv(x, "tc2", 5, 10, [3], group=5)  # 10x13
    x = g.node("MaxPool", [x], "pool", kernel_shape=[2])  # ONNX strides default to 1: 10x12
    g.save(out_dir, x)


def gemms(out_dir):
    """Gemm and MatMul, batched MatMul one GEMM per batch (equivalent: gemms.yaml)."""
    g = Graph("gemms", [3, 37])
    fc = g.node("Gemm", ["input", g.weight("fc.weight", [11, 37]), g.weight("fc.bias", [11])], "fc", transB=1)
    at = g.node("Transpose", [fc], "t")  # 11x3
    h = g.node("Gemm", [at, g.weight("fc2.weight", [11, 5])], "fc_transA", transA=1)  # A^T: 3x11 -> 3x5
    q = g.node("MatMul", [h, g.weight("proj", [5, 8])], "proj")  # a MatMul by weights: dense 3x5 -> 3x8
    qk = g.node("MatMul", [q, g.node("Transpose", [q], "kt")], "qk")  # activations both: gemm 3x3x8
    q4 = g.node("Reshape", [qk, g.shape("heads.shape", [1, 3, 3, 1])], "heads")
    # [1, 3, 3, 1] x [2, 1, 1, 6]: broadcast batch dims [2, 3]: six GEMMs of 3 x 1 x 6.
    bmm = g.node("MatMul", [q4, g.weight("per_batch", [2, 1, 1, 6])], "bmm")
    g.save(out_dir, bmm)


def pools(out_dir):
    """Max, average and global pools (equivalent: pools.yaml)."""
    g = Graph("pools", [1, 4, 9, 9])
    x = g.node("MaxPool", ["input"], "pool_overlap", kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])  # 4x5x5
    x = g.node("AveragePool", [x], "pool_avg", kernel_shape=[2, 3], strides=[2, 3])  # 4x2x1
    x = g.node("AveragePool", [x], "pool_avg_pad", kernel_shape=[2, 2], pads=[1, 1, 1, 1], count_include_pad=1)  # 4x3x2
    x = g.node("MaxPool", [x], "pool_ceil_exact", kernel_shape=[3, 2], ceil_mode=1)  # 4x1x1: ceil = floor here
    x = g.node("GlobalAveragePool", [g.conv(x, "widen", 4, 6, 1)], "gap")  # 6x1x1
    g.save(out_dir, x)


def quantized(out_dir):
    """The int8 operators: QLinearConv, ConvInteger, MatMulInteger, QLinearMatMul (equivalent:
    quantized.yaml)."""
    i8 = TensorProto.INT8
    g = Graph("quantized", [1, 3, 8, 8], dtype=i8)
    g.inputs.append(helper.make_tensor_value_info("tokens", i8, [5, 16]))
    x = g.node("QLinearConv", ["input"] + g.quant("x") + [g.weight("qc.w", [4, 3, 3, 3], i8)] + g.quant("w")
               + g.quant("y"), "qconv", pads=[1, 1, 1, 1])  # 4x8x8, int8
    y = g.node("ConvInteger", [x, g.weight("ci.w", [8, 4, 3, 3], i8)], "iconv", strides=[2, 2])  # 8x3x3, int32
    m = g.node("MatMulInteger", ["tokens", g.weight("mi.b", [16, 4], i8)], "imatmul")  # 5x4
    q = g.node("QLinearMatMul", ["tokens"] + g.quant("a") + [g.weight("qm.b", [16, 6], i8)] + g.quant("b")
               + g.quant("c"), "qmatmul")  # 5x6
    # QDQ form: float MatMul by int8 weights through DequantizeLinear: still weights, a dense layer.
    w = g.node("DequantizeLinear", [g.weight("dq.w", [16, 3], i8)] + g.quant("dq"), "dequant_w")
    t = g.node("DequantizeLinear", ["tokens"] + g.quant("t"), "dequant_tokens")
    d = g.node("MatMul", [t, w], "qdq_matmul")  # 5x3
    g.save(out_dir, y, m, q, d)


def names(out_dir):
    """Node names are optional and need not be unique in ONNX (no YAML: the test checks names)."""
    g = Graph("names", [1, 2, 6, 6])
    x = g.node("Conv", ["input", g.weight("w1", [2, 2, 1, 1])], "c")
    x = g.node("Conv", [x, g.weight("w2", [2, 2, 1, 1])], "c")
    x = g.node("Conv", [x, g.weight("w3", [2, 2, 1, 1])], "")
    g.save(out_dir, g.node("Relu", [x], ""))


def dynamic_reshape(out_dir):
    """A target shape computed in the graph, as PyTorch exports x.view(x.size(0), -1): Shape ->
    Gather -> Unsqueeze -> Concat -> Reshape (equivalent: dynamic_reshape.yaml)."""
    g = Graph("dynamic_reshape", [1, 3, 6, 6])
    x = g.conv("input", "conv", 3, 8, 3, strides=[2, 2])  # 8x2x2
    n = g.node("Gather", [g.node("Shape", [x], "shape"), g.index("zero", 0)], "batch_size", axis=0)
    n = g.node("Unsqueeze", [n, g.shape("axes", [0])], "unsqueeze")
    flat = g.node("Reshape", [x, g.node("Concat", [n, g.shape("rest", [-1])], "target", axis=0)], "view")
    # ONNX 1.12's Reshape inference does not follow the computed target: the output shape is given.
    g.save(out_dir, g.node("MatMul", [flat, g.weight("fc.weight", [32, 10])], "fc"), output_shape=[1, 10])


def batched(out_dir):
    """Batch 2: acv's layers are batch 1, so one layer per batch element (no YAML: the test
    checks names and shapes)."""
    g = Graph("batched", [2, 3, 6, 6])
    x = g.conv("input", "c", 3, 4, 3, pads=[1, 1, 1, 1])
    g.save(out_dir, g.node("MaxPool", [x], "p", kernel_shape=[2, 2], strides=[2, 2]))


def basic_block(g, x, name, in_c, out_c, stride):
    y = g.conv(x, name + ".conv1", in_c, out_c, 3, pads=[1, 1, 1, 1], strides=[stride, stride])
    y = g.node("BatchNormalization", [y] + [g.weight(name + ".bn1." + p, [out_c]) for p in ("g", "b", "m", "v")],
               name + ".bn1")
    y = g.node("Relu", [y], name + ".relu1")
    y = g.conv(y, name + ".conv2", out_c, out_c, 3, pads=[1, 1, 1, 1])
    if stride != 1 or in_c != out_c:
        x = g.conv(x, name + ".downsample", in_c, out_c, 1, strides=[stride, stride])
    y = g.node("Add", [y, x], name + ".add")
    return g.node("Relu", [y], name + ".relu2")


def resnet18_small(out_dir):
    """ResNet-18's graph (7x7/2 stem, 3x3/2 max pool, 4 stages of 2 basic blocks with residual
    adds, global average pool, classifier) at 32x32 input and channels 8-64, so every view runs it
    in seconds (equivalent: resnet18_small.yaml)."""
    g = Graph("resnet18_small", [1, 3, 32, 32])
    x = g.conv("input", "conv1", 3, 8, 7, pads=[3, 3, 3, 3], strides=[2, 2])  # 8x16x16
    x = g.node("Relu", [x], "relu")
    x = g.node("MaxPool", [x], "maxpool", kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])  # 8x8x8
    in_c = 8
    for stage, out_c in enumerate([8, 16, 32, 64], start=1):
        for block in range(2):
            stride = 2 if stage > 1 and block == 0 else 1
            x = basic_block(g, x, "layer%d.%d" % (stage, block), in_c, out_c, stride)
            in_c = out_c
    x = g.node("GlobalAveragePool", [x], "avgpool")  # 64x1x1
    x = g.node("Flatten", [x], "flatten", axis=1)
    x = g.node("Gemm", [x, g.weight("fc.weight", [10, 64]), g.weight("fc.bias", [10])], "fc", transB=1)
    g.save(out_dir, x)


def tc_resnet8(out_dir):
    """TC-ResNet8 as a 1-D network (Conv with 1-D kernels, residual Add, Relu, average pool over
    time, classifier), nodes named as models/workloads/tc_resnet8.yaml's layers so the reader's
    input / residual / relu can be compared with it."""
    g = Graph("tc_resnet8", [1, 40, 101])
    x = g.node("Conv", ["input", g.weight("conv1.weight", [16, 40, 3])], "conv1")  # 16 x 99
    in_c = 16
    for block, out_c in enumerate([24, 32, 48], start=1):
        name = "block%d" % block
        y = g.node("Conv", [x, g.weight(name + "_conv1.weight", [out_c, in_c, 9])], name + "_conv1",
                   strides=[2], pads=[4, 4])
        y = g.node("Relu", [y], name + "_relu1")
        s = g.node("Conv", [x, g.weight(name + "_shortcut.weight", [out_c, in_c, 1])], name + "_shortcut",
                   strides=[2])
        s = g.node("Relu", [s], name + "_relu_shortcut")
        y = g.node("Conv", [y, g.weight(name + "_conv2.weight", [out_c, out_c, 9]),
                            g.weight(name + "_conv2.bias", [out_c])], name + "_conv2", pads=[4, 4])
        y = g.node("Add", [y, s], name + "_add")
        x = g.node("Relu", [y], name + "_relu2")
        in_c = out_c
    x = g.node("AveragePool", [x], "pool", kernel_shape=[13], strides=[13])  # 48 x 1
    x = g.node("Flatten", [x], "flatten", axis=1)
    x = g.node("Gemm", [x, g.weight("fc.weight", [12, 48]), g.weight("fc.bias", [12])], "fc", transB=1)
    g.save(out_dir, x)


def bad_models(out_dir):
    """One thing the reader must refuse per model; the test checks the message names it."""
    g = Graph("bad_dilation", [1, 3, 9, 9])
    g.save(out_dir, g.conv("input", "c_dilated", 3, 4, 3, dilations=[2, 2]))

    g = Graph("bad_asymmetric_pads", [1, 3, 9, 9])
    g.save(out_dir, g.conv("input", "c_asym", 3, 4, 3, pads=[0, 0, 1, 1]))

    g = Graph("bad_same_odd", [1, 3, 8, 8])  # SAME_UPPER, stride 2, kernel 3 on 8: total padding 1
    g.save(out_dir, g.conv("input", "c_same", 3, 4, 3, strides=[2, 2], auto_pad="SAME_UPPER"))

    g = Graph("bad_symbolic_batch", ["batch", 3, 9, 9])
    g.save(out_dir, g.conv("input", "c_sym", 3, 4, 3))

    g = Graph("bad_conv3d", [1, 2, 4, 4, 4])
    g.save(out_dir, g.node("Conv", ["input", g.weight("w3", [2, 2, 3, 3, 3])], "c3d"))

    g = Graph("bad_unmapped_op", [1, 4, 5, 5])  # multiply-accumulate work acv has no layer for
    g.save(out_dir, g.node("ConvTranspose", ["input", g.weight("wt", [4, 2, 3, 3])], "deconv"))

    g = Graph("bad_ceil_pool", [1, 2, 8, 8])  # ceil_mode makes it 4x4, acv's floor 3x3
    g.save(out_dir, g.node("MaxPool", ["input"], "p_ceil", kernel_shape=[3, 3], strides=[2, 2], ceil_mode=1))

    g = Graph("bad_avg_exclude_pad", [1, 2, 8, 8])
    g.save(out_dir, g.node("AveragePool", ["input"], "p_excl", kernel_shape=[3, 3], pads=[1, 1, 1, 1]))

    g = Graph("bad_no_layers", [1, 2, 8, 8])
    g.save(out_dir, g.node("Relu", ["input"], "only_relu"))

    g = Graph("bad_matmul_mismatch", [2, 5])  # inner sizes 5 and 6: shape inference refuses it
    g.save(out_dir, g.node("MatMul", ["input", g.weight("wm", [6, 3])], "mm"), output_shape=[2, 3])

    g = Graph("bad_runtime_shape", [1, 12])  # the target shape is an input: known only at run time
    g.inputs.append(helper.make_tensor_value_info("target", TensorProto.INT64, [2]))
    flat = g.node("Reshape", ["input", "target"], "view")
    g.save(out_dir, g.node("MatMul", [flat, g.weight("wr", [4, 5])], "mm_after_view"), output_shape=[3, 5])

    with open(os.path.join(out_dir, "bad_not_onnx.onnx"), "wb") as f:
        f.write(b"layers:\n  - name: not a protobuf\n")


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make_models.py OUT_DIR")
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    for make in (convs, conv1d, gemms, pools, quantized, names, dynamic_reshape, batched, resnet18_small,
                 tc_resnet8, bad_models):
        make(out_dir)


if __name__ == "__main__":
    main()
