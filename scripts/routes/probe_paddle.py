"""Probe: PaddlePaddle's `paddle.optimizer.Rprop`, and PaConvert on a torch Rprop line.

Run by scripts/other_routes.py in `.cache/routes/paddle/` with the problem file; prints one JSON
line: the defaults, the parameter after every step when configured like torch's defaults (fed the
problem's gradients exactly: the gradient of sum(w * g) is g), what an initial step size outside
the range does, and what PaConvert writes for three torch lines.
"""

import importlib.metadata
import inspect
import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
import _trajectory  # noqa: E402

import paddle  # noqa: E402

TORCH_LINES = [  # what a reader's script holds; PaConvert converts a file
    "optimizer = torch.optim.Rprop(model.parameters())",
    "optimizer = torch.optim.Rprop(model.parameters(), lr=0.01, etas=(0.5, 1.2), step_sizes=(1e-06, 50))",
    "optimizer = torch.optim.Rprop(model.parameters(), maximize=True)",
]


def steps(w0, grads, **kwargs) -> list[str]:
    w = paddle.create_parameter(list(w0.shape), "float32",
                                default_initializer=paddle.nn.initializer.Assign(w0))
    opt = paddle.optimizer.Rprop(parameters=[w], **kwargs)
    out = []
    for g in grads:
        (w * paddle.to_tensor(g)).sum().backward()
        assert w.grad.numpy().tobytes() == g.tobytes()  # the optimizer sees exactly the gradient
        opt.step()
        opt.clear_grad()
        out.append(_trajectory.record(w.numpy()))
    return out


def refused(w0, **kwargs) -> str:
    w = paddle.create_parameter(list(w0.shape), "float32")
    try:
        paddle.optimizer.Rprop(parameters=[w], **kwargs)
    except Exception as err:  # noqa: BLE001
        return f"{type(err).__name__}: {err}"
    return "accepted"


def paconvert() -> list[str]:
    source = Path("torch_script.py")
    source.write_text("import torch\nmodel = torch.nn.Linear(2, 3)\n" + "\n".join(TORCH_LINES) + "\n")
    result = subprocess.run([str(Path(sys.executable).parent / "paconvert"), "--in_dir", str(source), "--out_dir", "paddle_script.py"],
                            capture_output=True, text=True)
    if result.returncode:
        return [f"paconvert exited with {result.returncode}: {result.stderr[-500:]}"]
    # one line per statement (PaConvert formats long calls over several lines); `>>>>>>` marks a
    # line it could not convert
    text = Path("paddle_script.py").read_text()
    statements = re.findall(r"^(?:>>>>>>)?optimizer = .*?(?=^(?:>>>>>>)?optimizer = |\Z)", text, re.M | re.S)
    return [re.sub(r",\s*\)", ")", re.sub(r"\(\s+", "(", " ".join(s.split()))) for s in statements]


def main() -> None:
    paddle.set_device("cpu")
    w0, grads = _trajectory.load(sys.argv[1])
    signature = inspect.signature(paddle.optimizer.Rprop)
    print(json.dumps({
        "versions": {p: importlib.metadata.version(p) for p in ("paddlepaddle", "paconvert")},
        "defaults": {k: list(v.default) if isinstance(v.default, tuple) else v.default
                     for k, v in signature.parameters.items() if k in ("learning_rate", "learning_rate_range", "etas")},
        "like_torch": {"arguments": {"learning_rate": 0.01, "learning_rate_range": [1e-6, 50.0], "etas": [0.5, 1.2]},
                       "params": steps(w0, grads, learning_rate=0.01, learning_rate_range=(1e-6, 50.0), etas=(0.5, 1.2))},
        "initial_step_outside_range": [
            {"call": "Rprop(learning_rate=100.0, learning_rate_range=(1e-6, 50.0))",
             "outcome": refused(w0, learning_rate=100.0, learning_rate_range=(1e-6, 50.0))},
            {"call": "Rprop(learning_rate=0.0)", "outcome": refused(w0, learning_rate=0.0)}],
        "paconvert": {"torch": TORCH_LINES, "paddle": paconvert()},
    }))


if __name__ == "__main__":
    sys.exit(main())
