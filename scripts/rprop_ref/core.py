r"""The Rprop update of one tensor, written once for every convention.

Per element, with $g$ the gradient, $g^{\mathrm{prev}}$ the stored gradient, $\Delta$ the step size:

$$
\begin{aligned}
f &= \begin{cases}\eta^+ & g\,g^{\mathrm{prev}} > 0\\ \eta^- & g\,g^{\mathrm{prev}} < 0\\ 1 & \text{otherwise}\end{cases}\\
\Delta &\leftarrow \operatorname{clip}(\Delta\,f,\ \Delta_{\min},\ \Delta_{\max})\\
g &\leftarrow 0 \quad\text{where } g\,g^{\mathrm{prev}} < 0\\
  &\quad\text{(only if zeroing is on: iRprop⁻)}\\
w &\leftarrow w - \operatorname{sign}(g)\,\Delta\\
  &\quad(\operatorname{sign}(\mathrm{NaN}) = 0)\\
g^{\mathrm{prev}} &\leftarrow g
\end{aligned}
$$

All arrays are in the compute dtype, so NumPy rounds each operation once, exactly like the
frameworks' kernels (see `rprop_ref.precision`). The zeroing mask is `g * g_prev < 0`; torch and
MindSpore test `factor == etaminus`, which is the same set because validated etas satisfy
`0 < etaminus < 1 < etaplus`.

A NaN gradient element is "no information", as in the frameworks' `Sign` kernels (torch CPU
`sign`, MindSpore `Sign`: NaN → 0; checked in torch 2.13 single-tensor and foreach, MindSpore
2.10 `nn.Rprop` and `experimental.optim.Rprop`): its product with `prev` is NaN, neither > 0 nor
< 0, so the factor is 1 and Δ is unchanged; `sign(NaN)` is 0, so the parameter does not move; the
NaN is stored as `prev`, and at the next step that element again gets factor 1.

中文:
    单个张量的 Rprop 更新，所有变体共用这一份代码。

    对每个元素，记 $g$ 为梯度，$g^{\mathrm{prev}}$ 为存下的梯度，$\Delta$ 为步长：

    $$
    \begin{aligned}
    f &= \begin{cases}\eta^+ & g\,g^{\mathrm{prev}} > 0\\ \eta^- & g\,g^{\mathrm{prev}} < 0\\ 1 & \text{其他情况}\end{cases}\\
    \Delta &\leftarrow \operatorname{clip}(\Delta\,f,\ \Delta_{\min},\ \Delta_{\max})\\
    g &\leftarrow 0 \quad\text{当 } g\,g^{\mathrm{prev}} < 0 \text{ 时}\\
      &\quad\text{（仅在开启置零时，即 iRprop⁻）}\\
    w &\leftarrow w - \operatorname{sign}(g)\,\Delta\\
      &\quad(\operatorname{sign}(\mathrm{NaN}) = 0)\\
    g^{\mathrm{prev}} &\leftarrow g
    \end{aligned}
    $$

    所有数组都使用计算 dtype，因此 NumPy 对每个运算只舍入一次，与框架的内核完全相同（见
    `rprop_ref.precision`）。置零的掩码是 `g * g_prev < 0`；torch 和 MindSpore 判断的是
    `factor == etaminus`，两者是同一个集合，因为校验过的 etas 满足 `0 < etaminus < 1 < etaplus`。

    梯度元素为 NaN 时表示“没有信息”，与框架的 `Sign` 内核一致（torch CPU 的 `sign`、MindSpore 的
    `Sign`：NaN → 0；已在 torch 2.13 的单张量实现和多张量（`foreach`）实现、MindSpore 2.10 的
    `nn.Rprop` 和 `experimental.optim.Rprop` 中核实）：它与 `prev` 的乘积为 NaN，既不大于 0 也不小于 0，所以乘数
    为 1，Δ 不变；`sign(NaN)` 为 0，所以参数不动；NaN 被存为 `prev`，下一步该元素的乘数仍为 1。
"""

from __future__ import annotations

import numpy as np

# Elements per slice of a large tensor. The update makes about ten passes over its inputs;
# on slices that stay in the CPU cache those passes cost little, on whole 1e7-element
# arrays each one is a trip to main memory. 2**14 was the fastest of 2**12..2**16 here
# (scripts/bench_step.py). Slices on a thread pool were slower: the GIL changes hands at
# every one of the short NumPy calls.
CHUNK = 1 << 14


def rprop_update(param, grad, prev, step_size, *, etaminus, etaplus, step_min, step_max,
                 zero_gradient_on_sign_flip, flush_subnormals=False):
    """Return `(param, prev, step_size)` after one update. Pure: inputs are not modified.

    `etaminus`, `etaplus`, `step_min` and `step_max` are 0-d arrays of the compute dtype.
    `flush_subnormals`: read subnormal inputs and write subnormal results of every arithmetic
    operation as zero, as MindSpore's CPU kernels do (denormals-are-zero / flush-to-zero); the
    stored gradient is a copy, so a subnormal gradient is stored as it is. A NaN gradient element
    keeps its parameter and its step size and is stored as `prev` (see the module docstring).

    中文:
        返回一次更新后的 `(param, prev, step_size)`。纯函数：不修改输入。

        `etaminus`、`etaplus`、`step_min` 和 `step_max` 是计算 dtype 的 0
        维数组。`flush_subnormals`：每个算术运算都把次正规的输入和结果当作零，与 MindSpore 的 CPU 内核相同
        （`denormals-are-zero` / `flush-to-zero`）；存下的梯度是一份副本，所以次正规的梯度按原样存储。
        梯度元素为 NaN 时，对应的参数和步长保持不变，NaN 被存为 `prev`（见模块说明）。
    """
    flush = zero_subnormals if flush_subnormals else _unchanged
    # float16 products and steps overflow to ±inf, and NaN/inf gradients give NaN products and
    # comparisons, exactly as in the frameworks: no warning.
    with np.errstate(over="ignore", invalid="ignore"):
        product = flush(flush(grad) * flush(prev))
        flip = product < 0
        # The factor is looked up in a 3-entry table (0: no sign information, 1: same sign,
        # 2: sign flip); with random masks this is ~10x faster than nested np.where.
        which = (product > 0).view(np.uint8) + 2 * flip.view(np.uint8)
        factor = np.stack([np.ones_like(etaplus), etaplus, etaminus]).take(which)
        step_size = flush(np.clip(flush(flush(step_size) * factor), step_min, step_max))
        if zero_gradient_on_sign_flip:
            grad = _zero_where(flip, grad)
        else:
            grad = grad.copy()  # becomes the stored `prev`: must not alias the caller's gradient
        param = flush(flush(param) - sign(flush(grad)) * step_size)
    return param, grad, step_size


def sign(values):
    """-1, +0.0 or +1 in the dtype of `values`, with NaN → +0.0 (torch's CPU `sign` and
    MindSpore's `Sign`; `np.sign` keeps NaN). Both zeros give +0.0, as in all three.

    中文:
        返回与 `values` 同 dtype 的 -1、+0.0 或 +1，NaN → +0.0（与 torch CPU 的 `sign` 和
        MindSpore 的 `Sign` 相同；`np.sign` 则保留 NaN）。两种零都得到 +0.0，三者一致。
    """
    positive, negative = (values > 0).view(np.int8), (values < 0).view(np.int8)
    return (positive - negative).astype(values.dtype)


def _unchanged(values):
    return values


def zero_subnormals(values):
    """Subnormal values replaced by a zero of the same sign.

    中文:
        把次正规数替换为同符号的零。
    """
    tiny = np.finfo(values.dtype).tiny
    return np.where(np.abs(values) < tiny, values * 0, values)


def _zero_where(mask, values):
    """`np.where(mask, +0.0, values)`, bit-exact (a kept -0.0 stays -0.0), by clearing the bits
    of the masked elements: a bitwise AND runs at memory speed, np.where on random masks does not."""
    bits = values.view(f"u{values.dtype.itemsize}")
    keep = mask.astype(bits.dtype) - bits.dtype.type(1)  # all ones where kept, 0 where masked
    return (bits & keep).view(values.dtype)


def rprop_update_chunked(param, grad, prev, step_size, **hyper):
    """`rprop_update` on 1-d arrays, slice by slice, into freshly allocated outputs.

    中文:
        对一维数组逐片执行 `rprop_update`，结果写入新分配的输出数组。
    """
    if param.size <= CHUNK:
        return rprop_update(param, grad, prev, step_size, **hyper)
    outputs = tuple(np.empty_like(param) for _ in range(3))
    for start in range(0, param.size, CHUNK):
        part = slice(start, start + CHUNK)
        results = rprop_update(param[part], grad[part], prev[part], step_size[part], **hyper)
        for out, result in zip(outputs, results):
            out[part] = result
    return outputs
