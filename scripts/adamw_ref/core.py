r"""The AdamW update of one tensor, written once for every convention.

$$
\begin{aligned}
m &\leftarrow \beta_1 m + (1-\beta_1)\,g \qquad v \leftarrow \beta_2 v + (1-\beta_2)\,g^2
  \qquad (v^{\max} \leftarrow \max(v^{\max}, v) \text{ with amsgrad})\\
\text{torch, experimental:}\quad
\theta &\leftarrow \theta\,(1-\gamma\lambda) - \frac{\gamma}{1-\beta_1^t}\,
  \frac{m}{\sqrt{v}/\sqrt{1-\beta_2^t} + \epsilon}\\
\text{nn.AdamWeightDecay:}\quad
\theta &\leftarrow \theta - \gamma\Big(\frac{m}{\sqrt{v} + \epsilon} + \lambda\theta\Big)
\end{aligned}
$$

The formulas agree; the bits do not. Each convention evaluates them in its own order, with its own
fused multiply-adds and its own roundings (`Switches`), and the reference repeats each rounding:
the `Plan` of a parameter says in which dtype every operation is computed and to which it is
rounded.

中文:
    单个张量的 AdamW 更新，所有变体共用这一份代码。

    上式在数学上相同，逐位结果却不同：每个变体以自己的顺序、自己的融合乘加和自己的舍入计算这些
    公式（见 `Switches`），参考实现逐一重复这些舍入：参数的 `Plan` 规定每个运算以什么 dtype 计算、
    结果舍入到什么 dtype。
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path

import ml_dtypes
import numpy as np

from .arithmetic import fma, mkl_sqrt
from .switches import Switches

BFLOAT16 = np.dtype(ml_dtypes.bfloat16)
FLOAT16, FLOAT32, FLOAT64 = np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64)
F32 = np.float32


@dataclass(frozen=True)
class Plan:
    """How one parameter is computed.

    Attributes:
        storage: the dtype the parameter and its state are stored in.
        compute: the dtype each operation is computed in; its result is rounded to `rounding`.
        rounding: the dtype every operation's result is rounded to.
        fused: the kernel forms use fused multiply-adds (False: MindSpore's float16 kernel, whose
            `float16` operators round each `+`, `-`, `*`, `/`).
        moments_via_float32: the stored moments are read through float32 (MindSpore experimental,
            float64 parameters: measured, every read of `exp_avg`/`exp_avg_sq` is rounded).
        vector_block: torch only: elements in one `Vectorized` register (measured: 16 float32,
            8 float64, 32 float16/bfloat16 with AVX512); the elements past the last whole register
            take the scalar `lerp`, whose large-weight branch `end - (end - self)*(1 - w)` gives
            +0.0 where the vector branch `fmadd(w - 1, end - self, end)` gives -0.0).

    中文:
        一个参数的计算方式。

        Attributes:
            storage: 参数及其状态的存储 dtype。
            compute: 每个运算的计算 dtype，结果舍入到 `rounding`。
            rounding: 每个运算结果所舍入到的 dtype。
            fused: 内核形式使用融合乘加（False：MindSpore 的 float16 内核，其 `float16` 运算符对每个
                `+`、`-`、`*`、`/` 都舍入一次）。
            moments_via_float32: 存下的矩估计经 float32 读取（MindSpore 实验性优化器的 float64 参数：
                实测每次读取 `exp_avg`/`exp_avg_sq` 都被舍入）。
            vector_block: 仅 torch：一个 `Vectorized` 寄存器中的元素数（实测 AVX512 下 float32 为
                16、float64 为 8、float16/bfloat16 为 32）；最后一个完整寄存器之后的元素走标量 `lerp`，其大权重分支
                `end - (end - self)*(1 - w)` 得到 +0.0，而向量分支 `fmadd(w - 1, end - self, end)`
                得到 -0.0）。
    """

    storage: np.dtype
    compute: np.dtype
    rounding: np.dtype
    fused: bool = True
    moments_via_float32: bool = False
    vector_block: int = 0


def plan_for(precision: str, dtype, shape) -> Plan:
    """The plan of a parameter of `dtype` and `shape`; `TypeError` where the framework cannot
    update it on CPU, `ValueError` for an empty MindSpore parameter.

    中文:
        给定 `dtype` 和 `shape` 的参数的计算方式；框架在 CPU 上无法更新这样的参数时抛出
        `TypeError`，MindSpore 的参数为空时抛出 `ValueError`。
    """
    dtype = np.dtype(dtype)
    if precision.startswith("mindspore") and 0 in shape:
        raise ValueError(f"MindSpore optimizers cannot hold an empty parameter (shape {tuple(shape)})")
    if precision == "torch":
        _require(dtype in (FLOAT16, BFLOAT16, FLOAT32, FLOAT64), dtype, "torch.optim.AdamW",
                 "float16, bfloat16, float32 and float64 (complex parameters are not modelled)")
        return Plan(dtype, FLOAT64 if dtype == FLOAT64 else FLOAT32, dtype,
                    vector_block=vector_bytes() // dtype.itemsize)
    if precision == "mindspore-nn":
        _require(dtype in (FLOAT16, FLOAT32, FLOAT64), dtype, "mindspore.nn.AdamWeightDecay",
                 "float16, float32 and float64 on CPU (no bfloat16 AdamWeightDecay kernel)")
        if dtype == FLOAT16:
            return Plan(dtype, FLOAT32, FLOAT16, fused=False)
        return Plan(dtype, FLOAT32, FLOAT32)  # float64: the float32 kernel, stored back as float64
    if precision == "mindspore-experimental":
        if dtype == FLOAT16 and len(shape) > 0:
            raise NotImplementedError("mindspore.experimental.optim.AdamW updates float16 parameters "
                                      "of 1 or more dimensions in an order the reference does not model")
        _require(dtype in (FLOAT32, FLOAT64), dtype, "mindspore.experimental.optim.AdamW",
                 "float32 and float64 (bfloat16 has no CPU kernel; a 0-d float16 parameter raises "
                 "TypeError: its update is promoted to float32, which cannot be assigned back)")
        return Plan(dtype, dtype, dtype, moments_via_float32=dtype == FLOAT64)
    raise ValueError(f"unknown precision policy {precision!r}")


@functools.cache
def vector_bytes() -> int:
    """The width of torch's `Vectorized` registers on this CPU: 64 bytes where torch's CPU
    capability is AVX512 (avx512f, bw, vl and dq), else 32 (AVX2).

    中文:
        本机上 torch `Vectorized` 寄存器的宽度：torch 的 CPU 能力为 AVX512（avx512f、bw、vl、dq）时为
        64 字节，否则为 32 字节（AVX2）。
    """
    # torch's own override (`ATEN_CPU_CAPABILITY=avx2` or `default`: 32-byte registers)
    if os.environ.get("ATEN_CPU_CAPABILITY", "").lower() in ("avx2", "default"):
        return 32
    try:
        flags = set(Path("/proc/cpuinfo").read_text().split())
    except OSError:
        return 32
    return 64 if {"avx512f", "avx512bw", "avx512vl", "avx512dq"} <= flags else 32


def _require(ok, dtype, framework, supported):
    if not ok:
        raise TypeError(f"{framework} cannot update a parameter of dtype {dtype.name} here: "
                        f"the reference models {supported}.")


@dataclass(frozen=True)
class Scalars:
    """The scalars of one step, as the convention computes them (`Switches.hyper_precision`)."""

    one_minus_beta1: float
    one_minus_beta2: float
    beta1: float
    beta2: float
    decay: float        # 1 - lr*wd (decoupled forms); wd itself for the kernel form
    lr: float
    step_size: float    # lr / (1 - beta1**t)
    bc2_sqrt: float     # sqrt(1 - beta2**t)
    eps: float


def scalars(lr, beta1, beta2, eps, weight_decay, step, switches: Switches) -> Scalars:
    """The step's scalars: Python floats (torch) or float32 values (MindSpore).

    中文:
        本步的标量：Python 浮点数（torch）或 float32 值（MindSpore）。
    """
    kernel = switches.parameter_update == "kernel"
    if switches.hyper_precision == "float64":
        bc1, bc2 = 1 - beta1 ** step, 1 - beta2 ** step
        decay = weight_decay if kernel else 1 - lr * weight_decay
        return Scalars(1 - beta1, 1 - beta2, beta1, beta2, decay, lr, lr / bc1, bc2 ** 0.5, eps)
    lr32, b1, b2, t = F32(lr), F32(beta1), F32(beta2), F32(step)
    with np.errstate(all="ignore"):
        decay = F32(weight_decay) if kernel else F32(1) - lr32 * F32(weight_decay)
        bc1, bc2 = F32(1) - b1 ** t, F32(1) - b2 ** t  # scalar `powf`, as MindSpore; np.power differs
        return Scalars(F32(1) - b1, F32(1) - b2, b1, b2, decay, lr32, lr32 / bc1, np.sqrt(bc2), F32(eps))


def adamw_update(param, grad, m, v, vmax, s: Scalars, switches: Switches, plan: Plan,
                 apply_decay: bool):
    """Return `(param, m, v, vmax)` after one update, in the storage dtype. Pure. `vmax` is None
    without amsgrad. `apply_decay`: False skips torch's `param.mul_(1 - lr*wd)` (weight decay 0).

    中文:
        返回一次更新后的 `(param, m, v, vmax)`，dtype 为存储 dtype。纯函数。不使用 amsgrad 时
        `vmax` 为 None。`apply_decay` 为 False 时跳过 torch 的 `param.mul_(1 - lr*wd)`（权重衰减为 0）。
    """
    C = plan.compute

    def r(x):  # one operation's result, rounded
        return np.asarray(x).astype(plan.rounding).astype(C)

    def k(x):  # a scalar as the kernel sees it
        return np.asarray(x, C)

    def param_dtype(x):  # a Python scalar rounded to the parameter's dtype first (torch eps, foreach)
        return np.asarray(x).astype(plan.storage).astype(C)

    def read(x):  # a stored moment as the update reads it
        x = np.asarray(x).astype(C)
        return x.astype(F32).astype(C) if plan.moments_via_float32 else x

    with np.errstate(all="ignore"):
        p, g = np.asarray(param).astype(C), np.asarray(grad).astype(C)
        if plan.storage == FLOAT16 and not plan.fused:  # MindSpore's float16 kernel: float16 scalars
            k = r
        m = _first_moment(read(m), g, s, switches, plan, r, k)
        v = _second_moment(read(v), g, s, switches, plan, r, k, param_dtype)
        source = v
        if vmax is not None:
            vmax = np.maximum(read(vmax), read(v) if plan.moments_via_float32 else v)
            source = vmax
        m_used = read(m) if plan.moments_via_float32 else m
        source = read(source) if plan.moments_via_float32 else source
        p = _parameter(p, m_used, source, s, switches, plan, r, k, param_dtype, apply_decay)
    out = (p, m, v, vmax)
    return tuple(None if x is None else np.asarray(x).astype(plan.storage) for x in out)


def _first_moment(m, g, s, switches, plan, r, k):
    how = switches.first_moment
    if how == "lerp":  # torch lerp_vec: one FMA on the opmath values
        w = k(s.one_minus_beta1)
        if abs(float(w)) < 0.5:
            return r(fma(w, g - m, m))
        vector = fma(w - k(1.0), g - m, g)
        scalar = fma(-(g - m), k(1.0) - w, g)  # the scalar tail: `end - (end - self)*(1 - w)`
        flat = np.arange(m.size).reshape(m.shape)
        return r(np.where(flat < m.size - m.size % plan.vector_block, vector, scalar))
    if how == "mul-add":
        return r(r(m * k(s.beta1)) + r(g * k(s.one_minus_beta1)))
    if how == "kernel":
        if plan.fused:
            return fma(g - m, k(s.one_minus_beta1), m)
        return r(m + r(r(g - m) * r(k(1.0) - k(s.beta1))))
    raise ValueError(f"unknown first_moment {how!r}")


def _second_moment(v, g, s, switches, plan, r, k, param_dtype):
    how = switches.second_moment
    if how == "mul-addcmul":
        beta2 = param_dtype(s.beta2) if switches.multipliers_in_parameter_dtype else k(s.beta2)
        v = r(v * beta2)
        return r(fma(k(s.one_minus_beta2) * g, g, v))
    if how == "mul-add":
        return r(r(v * k(s.beta2)) + r(r(g * g) * k(s.one_minus_beta2)))
    if how == "kernel":
        if plan.fused:
            return fma(fma(g, g, -v), k(s.one_minus_beta2), v)
        return r(v + r(r(r(g * g) - v) * r(k(1.0) - k(s.beta2))))
    raise ValueError(f"unknown second_moment {how!r}")


def _sqrt(x, switches, plan, r):
    if switches.sqrt == "mkl" and plan.storage in (FLOAT32, FLOAT64):
        return mkl_sqrt(x.astype(plan.storage)).astype(plan.compute)
    return r(np.sqrt(x))


def _parameter(p, m, source, s, switches, plan, r, k, param_dtype, apply_decay):
    how = switches.parameter_update
    if how == "addcdiv":  # torch: mul_, sqrt, div_, add_(eps), addcdiv_(value=-step_size)
        if apply_decay:
            decay = param_dtype(s.decay) if switches.multipliers_in_parameter_dtype else k(s.decay)
            p = r(p * decay)
        denom = r(_sqrt(source, switches, plan, r) / k(s.bc2_sqrt))
        denom = r(denom + param_dtype(s.eps))
        return r(p + (k(-s.step_size) * m) / denom)
    if how == "div-mul":  # MindSpore experimental `_run_adamw_opt`
        p = r(p * k(s.decay))
        denom = r(r(_sqrt(source, switches, plan, r) / k(s.bc2_sqrt)) + k(s.eps))
        return r(p - r(r(m / denom) * k(s.step_size)))
    if how == "kernel":  # MindSpore AdamWeightDecay CPU kernel
        if plan.fused:  # nnacl AdamWeightDecayFp32: `sqrt` of a float is a double in C
            d = np.sqrt(source.astype(FLOAT64)) + np.float64(k(s.eps))
            update = m.astype(FLOAT64) / d + (k(s.decay) * p).astype(FLOAT64)
            return fma(np.float64(-k(s.lr)), update, p.astype(FLOAT64)).astype(F32)
        root = r(np.sqrt(source))  # float16: static_cast<T>(std::sqrt(static_cast<double>(v)))
        update = r(r(m / r(root + k(s.eps))) + r(k(s.decay) * p))
        return r(p - r(k(s.lr) * update))
    raise ValueError(f"unknown parameter_update {how!r}")
