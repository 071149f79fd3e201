"""Which dtype each convention computes in, per parameter dtype.

| parameter dtype | `parameter-dtype` (torch) | `mindspore-nn` (CPU) | `mindspore-experimental` |
|---|---|---|---|
| float16 | float16 | float16 (0-d: rejected) | rejected |
| bfloat16 | bfloat16 | rejected (no CPU `Sign` kernel) | rejected |
| float32 | float32 | float32 | float32 |
| float64 | float64 | float32, stored as float64 | float64; lr, etas and step size via float32 |
| complex64/128 | real and imaginary parts as float32/64 | rejected | rejected |
| subnormal float32/float64 values | kept | read and written as zero | read and written as zero |

`mindspore-nn-2.7` is `mindspore.nn.Rprop` of MindSpore 2.7.0–2.7.2 (on CPU), which casts every
parameter to float32 (2.8.0 introduced the per-dtype `compute_dtype`): float16 parameters, 0-d ones
included, are computed in float32 and rounded to float16 once, when stored; float64 parameters
cannot step (the first step fails to compile: "Cannot join the return values of different
branches"; in 2.7's code the step-1 branch `ones_like(step_size) * lr` stays float64, the other
casts to float32) and are rejected; bfloat16 is rejected (no bfloat16 CPU `Assign` kernel);
float32 as `mindspore-nn`. Found by `make matrix`; checked bit for bit against the real MindSpore
2.7.0 and 2.7.2 (random float16 and float32 problems, 0-d to 2-d, with and without weight decay).

Low-precision arithmetic follows what the frameworks' CPU kernels do: each elementwise op is
computed in float32 and rounded once (round to nearest even) to float16/bfloat16. NumPy's own
float16 ufuncs and `ml_dtypes.bfloat16` ufuncs do exactly that, so the core step can simply
compute in the 16-bit dtype. Python scalars (lr, etas) reach a 16-bit tensor through float32
(`c10::Half`/`c10::BFloat16` are built from a float in torch; MindSpore's learning rate is a
float32 Parameter), which is why `scalars_via_float32` is True there too.

中文:
    每个变体对每种参数 dtype 以什么 dtype 计算。

    | 参数 dtype | `parameter-dtype`（torch） | `mindspore-nn`（CPU） | `mindspore-experimental` |
    |---|---|---|---|
    | float16 | float16 | float16（0 维：拒绝） | 拒绝 |
    | bfloat16 | bfloat16 | 拒绝（CPU 上没有 `Sign` 内核） | 拒绝 |
    | float32 | float32 | float32 | float32 |
    | float64 | float64 | float32，按 float64 存储 | float64；lr、etas 和步长经 float32 |
    | complex64/128 | 实部和虚部分别按 float32/64 | 拒绝 | 拒绝 |
    | float32/float64 的次正规数 | 保留 | 读入和写出时都当作零 | 读入和写出时都当作零 |

    `mindspore-nn-2.7` 是 MindSpore 2.7.0–2.7.2 的 `mindspore.nn.Rprop`（CPU 上），它把每个参数都
    转换为 float32 计算（2.8.0 才引入按 dtype 决定的 `compute_dtype`）：float16 参数（包括 0 维的）
    以 float32 计算，存储时舍入到 float16 一次；float64 参数无法执行更新（第 1 步编译
    失败：`Cannot join the return values of different branches`；在 2.7 的代码中，第 1 步的分支
    `ones_like(step_size) * lr` 仍是 float64，另一分支则转换为 float32），因而被拒绝；bfloat16
    被拒绝（CPU 上没有 bfloat16 的 `Assign` 内核）；float32 与 `mindspore-nn` 相同。这些行为由
    `make matrix` 发现，并与真实的 MindSpore 2.7.0 和 2.7.2 逐位核对过（随机的 float16 和 float32
    问题，0 维到 2 维，有无权重衰减）。

    低精度运算遵循框架 CPU 内核的做法：每个逐元素运算以 float32 计算，再舍入（就近舍入到偶数）
    一次到 float16/bfloat16。NumPy 自己的 float16 `ufunc` 和 `ml_dtypes.bfloat16` 的 `ufunc` 正是如此，
    所以核心更新步可以直接在 16 位 dtype 中计算。Python 标量（lr、etas）进入 16 位张量时要经过
    float32（torch 中 `c10::Half`/`c10::BFloat16` 由 float 构造；MindSpore 的学习率是 float32 的
    `Parameter`），所以这时 `scalars_via_float32` 也为 True。
"""

from __future__ import annotations

from dataclasses import dataclass

import ml_dtypes
import numpy as np

BFLOAT16 = np.dtype(ml_dtypes.bfloat16)
FLOAT16 = np.dtype(np.float16)
FLOAT32 = np.dtype(np.float32)
FLOAT64 = np.dtype(np.float64)
COMPLEX = {np.dtype(np.complex64): FLOAT32, np.dtype(np.complex128): FLOAT64}
REAL_DTYPES = (FLOAT16, BFLOAT16, FLOAT32, FLOAT64)


@dataclass(frozen=True)
class Plan:
    """How one parameter is computed.

    Attributes:
        compute: the dtype every elementwise result is rounded to.
        scalars_via_float32: lr, etas and weight decay are rounded to float32 before the
            compute dtype.
        step_size_via_float32: the stored step size is rounded to float32 when it is read,
            float32 subnormals flushed to zero (MindSpore experimental, float64 parameters).
        complex_as_real: the parameter is complex and is updated as a real array of twice the
            length (torch's `view_as_real`).
        flush_subnormals: subnormal inputs and results count as zero (MindSpore's CPU kernels
            run with denormals-are-zero / flush-to-zero; checked: a float32 gradient of 1e-39
            moves nothing, and a sign product of 1e-40 is no sign flip, unlike in torch).

    中文:
        一个参数的计算方式。

        Attributes:
            compute: 每个逐元素运算结果所舍入到的 dtype。
            scalars_via_float32: lr、etas 和权重衰减先舍入到 float32，再转换为计算 dtype。
            step_size_via_float32: 每次读取存下的步长时都先舍入到 float32，float32 的次正规数
                当作零（MindSpore 实验性优化器的 float64 参数）。
            complex_as_real: 参数为复数，作为长度加倍的实数数组更新（torch 的 `view_as_real`）。
            flush_subnormals: 次正规的输入和结果都当作零（MindSpore 的 CPU 内核开启了
                `denormals-are-zero` / `flush-to-zero`；已核实：1e-39 的 float32 梯度不会移动参数，
                1e-40 的符号乘积也不算符号翻转，这两点都与 torch 不同）。
    """

    compute: np.dtype
    scalars_via_float32: bool
    step_size_via_float32: bool = False
    complex_as_real: bool = False
    flush_subnormals: bool = False


def plan_for(precision: str, dtype: np.dtype, shape: tuple[int, ...]) -> Plan:
    """The computation plan for a parameter of `dtype` and `shape`, or `TypeError` if the
    framework this precision mirrors cannot update such a parameter (`ValueError` for an empty
    one in MindSpore, whose optimizers cannot create state for a zero-size Parameter).

    中文:
        给定 `dtype` 和 `shape` 的参数的计算方式；如果该精度策略所对应的框架无法更新这样的参数，
        抛出 `TypeError`（参数为空时抛出 `ValueError`：MindSpore 的优化器无法为大小为零的
        `Parameter` 创建状态）。
    """
    dtype, ndim = np.dtype(dtype), len(shape)
    if precision.startswith("mindspore") and 0 in shape:
        raise ValueError(f"MindSpore optimizers cannot hold an empty parameter (shape {shape}): "
                         "creating its state fails in the initializer")
    if precision == "parameter-dtype":
        if dtype in COMPLEX:
            return Plan(COMPLEX[dtype], scalars_via_float32=COMPLEX[dtype] != FLOAT64,
                        complex_as_real=True)
        _require(dtype in REAL_DTYPES, dtype, "torch.optim.Rprop",
                 "floating-point or complex parameters")
        return Plan(dtype, scalars_via_float32=dtype != FLOAT64)
    if precision == "mindspore-nn":
        _require(dtype != BFLOAT16, dtype, "mindspore.nn.Rprop",
                 "float16, float32 or float64 parameters on CPU (there is no bfloat16 Sign kernel)")
        _require(dtype in REAL_DTYPES, dtype, "mindspore.nn.Rprop",
                 "float16, float32 or float64 parameters")
        _require(not (dtype == FLOAT16 and ndim == 0), dtype, "mindspore.nn.Rprop",
                 "float16 parameters with at least one dimension on CPU (a 0-d float16 "
                 "Parameter fails with a data type conversion error)")
        if dtype == FLOAT16:  # computed in float32 from float16 values: none of them is subnormal there
            return Plan(FLOAT16, scalars_via_float32=True)
        return Plan(FLOAT32, scalars_via_float32=True, flush_subnormals=True)
    if precision == "mindspore-nn-2.7":
        _require(dtype in (FLOAT16, FLOAT32), dtype, "mindspore.nn.Rprop 2.7",
                 "float16 or float32 parameters (bfloat16 has no CPU Assign kernel; a float64 "
                 "parameter's first step fails: \"Cannot join the return values of different branches\")")
        return Plan(FLOAT32, scalars_via_float32=True, flush_subnormals=True)  # float16 stored once
    if precision == "mindspore-experimental":
        _require(dtype in (FLOAT32, FLOAT64), dtype, "mindspore.experimental.optim.Rprop",
                 "float32 or float64 parameters (float16 and bfloat16 raise a data type "
                 "conversion TypeError)")
        return Plan(dtype, scalars_via_float32=True, step_size_via_float32=dtype == FLOAT64,
                    flush_subnormals=True)
    raise ValueError(f"unknown precision policy {precision!r}")


def _require(ok: bool, dtype: np.dtype, framework: str, supported: str) -> None:
    if not ok:
        raise TypeError(f"{framework} cannot update a parameter of dtype {dtype.name}: "
                        f"it supports {supported}.")


def scalar(value: float, plan: Plan) -> np.ndarray:
    """A Python hyper-parameter as a 0-d array of the compute dtype, rounded the framework's way.

    中文:
        把一个 Python 超参数转换为计算 dtype 的 0 维数组，舍入方式与框架相同。
    """
    if plan.scalars_via_float32:
        value = np.float32(value)
    return np.asarray(value, dtype=plan.compute)
