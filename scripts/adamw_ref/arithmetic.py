"""The elementary operations whose rounding the frameworks' kernels fix: fused multiply-add and
the square root.

- `fma(a, b, c)`: `a * b + c` rounded once, as the `vfmadd` instructions compute it. torch's CPU
  kernels use it in `lerp` (`aten/src/ATen/native/cpu/LerpKernel.cpp`, `lerp_vec`:
  `vec::fmadd(coeff, end - start, base)`) and `addcmul` (`self + value * t1 * t2`, contracted to one
  FMA by the compiler), in the vectorised body and the scalar tail alike; MindSpore's
  `AdamWeightDecay` CPU kernel (`nnacl/fp32/adam_fp32.c`, `AdamWeightDecayFp32`) has its
  `m += (g - m) * (1 - beta1)` and `v += (g * g - v) * (1 - beta2)` contracted the same way.
  NumPy has no FMA: float32 is emulated exactly in float64 with round-to-odd, float64 with the
  error-free transformations of Boldo and Melquiond ("Emulation of FMA and correctly rounded sums:
  proved algorithms using rounding to odd", IEEE TC 2008). Both are exact except where an
  intermediate overflows (|a·b| > 1e300 in float64), which no Adam state reaches.
- `mkl_sqrt(x)`: torch's CPU `sqrt` of float32/float64 tensors calls MKL's `vsSqrt`/`vdSqrt` in
  `VML_HA` mode (`ATen/cpu/vml.h`, `IMPLEMENT_VML_MKL(sqrt, Sqrt)`), which is *not* correctly
  rounded: measured here, 17 % of random float32 inputs and 1.2 % of float64 inputs come out
  1 ulp away from the correctly rounded root. The reference calls the very same MKL function, from
  torch's own `libtorch_cpu.so` (found without importing torch). Without torch installed it falls
  back to the correctly rounded `np.sqrt`, and the torch convention is then within the bound that
  `MKL_SQRT_BOUND` states instead of bit-identical.

中文:
    框架内核的舍入方式所决定的基本运算：融合乘加（FMA）与平方根。

    - `fma(a, b, c)`：`a * b + c` 只舍入一次，与 `vfmadd` 指令相同。torch 的 CPU 内核在
      `lerp`（`aten/src/ATen/native/cpu/LerpKernel.cpp` 的 `lerp_vec`）和 `addcmul`（编译器把
      `self + value * t1 * t2` 合并为一次 FMA）中使用它，向量化主体和标量尾部都是如此；MindSpore
      `AdamWeightDecay` 的 CPU 内核（`nnacl/fp32/adam_fp32.c`）中的 `m += (g - m) * (1 - beta1)` 和
      `v += (g * g - v) * (1 - beta2)` 也被这样合并。NumPy 没有 FMA：float32 用 float64 加“向奇数
      舍入”精确模拟，float64 用 Boldo 与 Melquiond 的无误差变换精确模拟；只有中间结果溢出时
      （float64 中 |a·b| > 1e300）才不精确，Adam 的状态不会到达这个范围。
    - `mkl_sqrt(x)`：torch 在 CPU 上对 float32/float64 张量求平方根时调用 MKL 的
      `vsSqrt`/`vdSqrt`（`VML_HA` 模式），其结果*不是*正确舍入的：在本机实测，随机 float32 输入中有
      17%、float64 输入中有 1.2% 与正确舍入的平方根相差 1 ulp。参考实现调用的正是同一个 MKL 函数，
      取自 torch 自带的 `libtorch_cpu.so`（无须导入 torch）。没有安装 torch 时退回到正确舍入的
      `np.sqrt`，torch 变体这时不再逐位一致，而是满足 `MKL_SQRT_BOUND` 给出的误差界。
"""

from __future__ import annotations

import ctypes
import functools
import importlib.util
from pathlib import Path

import numpy as np

# The largest difference, in ulps of the parameter, between the torch convention with a correctly
# rounded sqrt and real torch (MKL sqrt), per step of a fresh state (tests/test_adamw_ref.py).
MKL_SQRT_BOUND = 2

_SPLIT = 134217729.0  # 2**27 + 1: Veltkamp's splitting constant for float64


def _two_sum(a, b):
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


def _round_to_odd(s, e):
    """`s + e` (exact, `s` its nearest float64) rounded to odd: where inexact and `s` is even,
    the neighbour of `s` towards `e`."""
    even = (s.view(np.int64) & 1) == 0
    adjust = (e != 0) & even & np.isfinite(s)
    return np.where(adjust, np.nextafter(s, np.where(e > 0, np.inf, -np.inf)), s)


def _two_product(a, b):
    p = a * b
    c = _SPLIT * a
    ah = c - (c - a)
    c = _SPLIT * b
    bh = c - (c - b)
    al, bl = a - ah, b - bh
    return p, ((ah * bh - p) + ah * bl + al * bh) + al * bl


def fma(a, b, c):
    """`a * b + c` rounded once, in the dtype of the arrays (float32 or float64).

    中文:
        `a * b + c` 只舍入一次，结果的 dtype 与输入数组相同（float32 或 float64）。
    """
    dtype = np.result_type(a, b, c)
    with np.errstate(all="ignore"):
        if dtype == np.float32:
            a, b, c = (np.asarray(x, np.float64) for x in (a, b, c))
            s, e = _two_sum(a * b, c)  # a * b is exact in float64
            return _round_to_odd(s, e).astype(np.float32)
        a, b, c = (np.asarray(x, np.float64) for x in (a, b, c))
        high, low = _two_product(a, b)
        top, rest = _two_sum(c, high)
        s, e = _two_sum(rest, low)
        rest = _round_to_odd(s, e)
        exact = np.where(rest == 0, top, top + rest)  # a zero remainder keeps top's sign
        return np.where(np.isfinite(exact), exact, a * b + c)


@functools.cache
def _mkl():
    """torch's MKL (`vmsSqrt`/`vmdSqrt` are exported by `libtorch_cpu.so`), or None."""
    spec = importlib.util.find_spec("torch")
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / "lib" / "libtorch_cpu.so"
    try:
        library = ctypes.CDLL(str(path))
        return library.vmsSqrt, library.vmdSqrt
    except (OSError, AttributeError):
        return None


# VML_HA | VML_FTZDAZ_OFF | VML_ERRMODE_IGNORE, the mode torch passes (ATen/cpu/vml.h).
_VML_MODE = ctypes.c_int64(0x2 | 0x140000 | 0x100)


def mkl_available() -> bool:
    """True if torch's MKL is installed, so `mkl_sqrt` is torch's own sqrt.

    中文:
        如果安装了 torch 自带的 MKL（`mkl_sqrt` 即 torch 自己的平方根），返回 True。
    """
    return _mkl() is not None


def mkl_sqrt(x: np.ndarray) -> np.ndarray:
    """The square root as torch's CPU kernels compute it for float32/float64 (MKL VML, `VML_HA`);
    the correctly rounded `np.sqrt` if torch's MKL is not installed.

    中文:
        与 torch CPU 内核对 float32/float64 的计算相同的平方根（MKL VML，`VML_HA` 模式）；
        未安装 torch 的 MKL 时为正确舍入的 `np.sqrt`。
    """
    functions = _mkl()
    if functions is None or x.dtype not in (np.float32, np.float64) or x.size == 0:
        with np.errstate(invalid="ignore"):
            return np.sqrt(x)
    shape, x = x.shape, np.ascontiguousarray(x).reshape(-1)
    out = np.empty_like(x)
    function = functions[0] if x.dtype == np.float32 else functions[1]
    function(ctypes.c_int(x.size), x.ctypes.data_as(ctypes.c_void_p),
             out.ctypes.data_as(ctypes.c_void_p), _VML_MODE)
    return out.reshape(shape)
