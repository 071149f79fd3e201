"""Shared by the optimizer probes (copied into no environment: each probe imports it from here).
A trajectory is recorded as the parameter's float32 bytes after each step, in hex."""

import numpy as np


def load(path: str) -> tuple[np.ndarray, np.ndarray]:
    problem = np.load(path)
    return problem["w0"], problem["g"]


def record(param) -> str:
    return np.ascontiguousarray(np.asarray(param, dtype=np.float32)).tobytes().hex()
