"""Time one reference Rprop step against real torch and a memory-copy floor, side by side.

    python scripts/bench_step.py            # 1e4, 1e6, 1e7 float32 elements

All timings are measured in this one run on this machine; the ratios are what to read.
"copy floor" is `np.copyto` of the three arrays a pure step must write (parameters, stored
gradient, step size) from the ones it reads: no step can move less memory.
"""

from __future__ import annotations

import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rprop_ref  # noqa: E402


def best_of(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main(sizes=(10**4, 10**6, 10**7)) -> None:
    import torch
    print(f"numpy {np.__version__}, torch {torch.__version__} ({torch.get_num_threads()} threads), "
          f"{os.cpu_count()} cores")
    header = ("elements", "reference", "torch single", "torch foreach", "copy floor",
              "ref/foreach", "ref/single", "ref/copy")
    print(("{:>10} " * len(header)).format(*header))
    for n in sizes:
        repeat = 30 if n <= 10**6 else 8
        rng = np.random.default_rng(0)
        w = rng.standard_normal(n).astype(np.float32)
        grads = [rng.standard_normal(n).astype(np.float32) for _ in range(2)]

        opt = rprop_ref.make("torch")
        state = opt.init({"w": w})
        params, state = opt.step({"w": w}, {"w": grads[0]}, state)  # past the seeding step
        t_ref = best_of(lambda: opt.step(params, {"w": grads[1]}, state), repeat)

        def torch_step(foreach):
            p = torch.nn.Parameter(torch.from_numpy(w.copy()))
            o = torch.optim.Rprop([p], foreach=foreach)
            p.grad = torch.from_numpy(grads[0]); o.step()
            p.grad = torch.from_numpy(grads[1])
            return best_of(o.step, repeat)  # state keeps evolving: every call is a real step
        t_single, t_foreach = torch_step(False), torch_step(True)

        sources = [w, grads[0], grads[1]]
        targets = [np.empty_like(w) for _ in sources]
        t_copy = best_of(lambda: [np.copyto(t, s) for t, s in zip(targets, sources)], repeat)
        # ratios in 3 significant digits: on a busy machine one side can be 100x slower, and a fixed
        # 2 decimals printed that as 0.00
        print(("{:>10} " + "{:>9.3f}ms " * 4 + "{:>10.3g} " * 3).format(
            f"{n:.0e}", t_ref * 1e3, t_single * 1e3, t_foreach * 1e3, t_copy * 1e3,
            t_ref / t_foreach, t_ref / t_single, t_ref / t_copy))


if __name__ == "__main__":
    main()
