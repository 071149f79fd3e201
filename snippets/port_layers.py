"""Per-layer rules for port_names.py, port_transfer.py and port_check.py: data, one entry per torch
layer type (a subclass of a listed type, e.g. MultiheadAttention's NonDynamicallyQuantizableLinear,
takes its base's rule).

    mindspore  the MindSpore cell types that may stand at the same place
    names      torch attribute -> MindSpore attribute of that cell (None: MindSpore has no such
               tensor, e.g. BatchNorm's num_batches_tracked)
    layouts    torch attribute -> a named transform (LAYOUTS) from torch's array to MindSpore's;
               every transfer, replay and check applies it, and its inverse going back
    missing    torch attribute -> (English, Chinese) advice when the MindSpore cell lacks the tensor
    cell       where the MindSpore tensors live, below the layer's cell (default: in it)
    settings   (torch attribute, MindSpore argument, relation[, stored]) that must agree: the
               relation is how MindSpore's constructor argument follows from torch's value
               (RELATIONS); `stored` says how the cell keeps that argument, where not as given
               (MindSpore's BatchNorm keeps 1 - momentum in `momentum`); a mismatch is refused

Facts measured with torch 2.13 and MindSpore 2.10 on CPU (tests/test_port_layers.py proves every
entry by copying weights with these rules and comparing the two layers' outputs).
"""
import numpy as np

_SAME = {"weight": "weight", "bias": "bias"}
_CONV = [("groups", "group", "same"), ("stride", "stride", "same"), ("dilation", "dilation", "same")]
# MindSpore's 1-D convolutions are 2-D ones with a height of 1: stride (1, s), dilation (1, d)
_CONV1D = [("groups", "group", "same"), ("stride", "stride", "leading-1"), ("dilation", "dilation", "leading-1")]
_BATCH_FIRST = [("batch_first", "batch_first", "same")]
_HAS_BIAS = {"bias": ("build it with has_bias=True (MindSpore's default is has_bias=False)",
                      "构造时请传入 has_bias=True（MindSpore 默认 has_bias=False）")}
_BATCHNORM = {
    "mindspore": None,   # filled below: BatchNorm1d -> BatchNorm1d, ...
    "names": {"weight": "gamma", "bias": "beta", "running_mean": "moving_mean",
              "running_var": "moving_variance", "num_batches_tracked": None},
    # torch: running = (1 - momentum) * running + momentum * batch; MindSpore the other way round.
    # momentum=None (a cumulative average that reads num_batches_tracked) has no MindSpore form.
    "settings": [("eps", "eps", "same"), ("momentum", "momentum", "one-minus", "one-minus")],
}
_RNN_NAMES = {f"{kind}_{part}_l{layer}{suffix}": f"{kind}_{part}_l{layer}{suffix}"
              for kind in ("weight", "bias") for part in ("ih", "hh") for layer in range(8)
              for suffix in ("", "_reverse")}

LAYERS = {
    "Linear": {"mindspore": ["Dense"], "names": _SAME},
    "Conv1d": {"missing": _HAS_BIAS, "mindspore": ["Conv1d"], "names": _SAME, "layouts": {"weight": "insert-axis-2"},
               "settings": _CONV1D},
    "Conv2d": {"missing": _HAS_BIAS, "mindspore": ["Conv2d"], "names": _SAME, "settings": _CONV},
    "Conv3d": {"missing": _HAS_BIAS, "mindspore": ["Conv3d"], "names": _SAME, "settings": _CONV},
    "ConvTranspose1d": {"missing": _HAS_BIAS, "mindspore": ["Conv1dTranspose"], "names": _SAME,
                        "layouts": {"weight": "insert-axis-2"}, "settings": _CONV1D},
    "ConvTranspose2d": {"missing": _HAS_BIAS, "mindspore": ["Conv2dTranspose"], "names": _SAME,
                        "settings": _CONV},
    "ConvTranspose3d": {"missing": _HAS_BIAS, "mindspore": ["Conv3dTranspose"], "names": _SAME,
                        "settings": _CONV},
    "BatchNorm1d": {**_BATCHNORM, "mindspore": ["BatchNorm1d"]},
    "BatchNorm2d": {**_BATCHNORM, "mindspore": ["BatchNorm2d"]},
    # MindSpore's BatchNorm3d keeps its tensors and settings in an inner BatchNorm2d cell `bn2d`
    "BatchNorm3d": {**_BATCHNORM, "mindspore": ["BatchNorm3d"], "cell": "bn2d"},
    "LayerNorm": {"mindspore": ["LayerNorm"], "names": {"weight": "gamma", "bias": "beta"},
                  "settings": [("eps", "epsilon", "same")]},   # MindSpore's default is 1e-7
    "GroupNorm": {"mindspore": ["GroupNorm"], "names": {"weight": "gamma", "bias": "beta"},
                  "settings": [("eps", "eps", "same"), ("num_groups", "num_groups", "same")]},
    "Embedding": {"mindspore": ["Embedding"], "names": {"weight": "embedding_table"},
                  "settings": [("padding_idx", "padding_idx", "same")]},
    "PReLU": {"mindspore": ["PReLU"], "names": {"weight": "w"}},
    "LSTM": {"mindspore": ["LSTM"], "names": _RNN_NAMES, "settings": _BATCH_FIRST},
    "GRU": {"mindspore": ["GRU"], "names": _RNN_NAMES, "settings": _BATCH_FIRST},
    "RNN": {"mindspore": ["RNN"], "names": _RNN_NAMES, "settings": _BATCH_FIRST},
    "MultiheadAttention": {"mindspore": ["MultiheadAttention"],
                           "names": {n: n for n in ("in_proj_weight", "in_proj_bias", "q_proj_weight",
                                                    "k_proj_weight", "v_proj_weight", "bias_k", "bias_v")},
                           "settings": _BATCH_FIRST},
}

# Modules that wrap a model without being part of it: their child's name is not part of a path
# (DataParallel and DistributedDataParallel add `module.`, torch.compile `_orig_mod.`).
WRAPPERS = ("DataParallel", "DistributedDataParallel", "OptimizedModule")

# torch array -> MindSpore array, and back.
LAYOUTS = {
    # MindSpore's 1-D convolutions keep a 4-D weight (out, in, 1, width); torch's is 3-D.
    "insert-axis-2": (lambda a: np.expand_dims(a, 2), lambda a: np.squeeze(a, 2)),
}

# How MindSpore's setting follows from torch's value.
RELATIONS = {
    "same": lambda value: value,
    "one-minus": lambda value: None if value is None else 1.0 - value,
    "leading-1": lambda value: (1, *value),
}


def rule_name(torch_type):
    """The LAYERS entry of a torch module class (its own name or the nearest base class's), or None."""
    return next((cls.__name__ for cls in torch_type.__mro__ if cls.__name__ in LAYERS), None)
