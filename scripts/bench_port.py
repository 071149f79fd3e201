"""Benchmark the port tools (snippets/port_*.py) on a 25-million-parameter model, side by side in one
run, and print the ratios issue 21 sets targets for:

- torch's training step with and without record(path=...) (target: at most +25 %); a recording
  copies and writes the gradients and the weights of every step (a background thread writes), so
  its cost is those bytes against the step's time;
- check_port's time per replayed step against MindSpore's own nn.Rprop step on the same recorded
  gradients (target: at most 2x; its time depends on them: signs that flip cost more),
  both in the steady state: check_port's time on all steps less its time on the first two (each
  in a fresh process), per step; the median of MindSpore's steps after its first (which compiles). check_port reads the
  recording from the disk (record drops it from the page cache as it writes);
- peak memory while checking (target: at most 3x the model), each in a fresh process (the peak
  resident set, VmHWM in /proc/self/status: ru_maxrss would carry over the parent's peak across
  fork and exec): check_port, MindSpore's own training, and MindSpore with the net built and
  nothing run. MindSpore's own nn.Rprop step already takes about 11x the model on the CPU (its
  memory pool), so the target is read as what checking adds to MindSpore's own training.

The model: an MLP 2048 -> 4096 -> 4096 -> 10 (25.2 M float32 parameters, 96 MiB), MSE loss, batch
--batch (default 256); the recording goes to a temporary folder on the disk that holds --dir
(default: the system's).

    .venv/bin/python scripts/bench_port.py [--steps 6] [--batch 256] [--dir /tmp]
"""
import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WIDTHS = (2048, 4096, 4096, 10)
BATCH = 256


def torch_model(torch):
    torch.manual_seed(0)
    layers = []
    for a, b in zip(WIDTHS, WIDTHS[1:]):
        layers += [torch.nn.Linear(a, b), torch.nn.ReLU()]
    return torch.nn.Sequential(*layers[:-1])


def mindspore_net(ms):
    layers = []
    for a, b in zip(WIDTHS, WIDTHS[1:]):
        layers += [ms.nn.Dense(a, b), ms.nn.ReLU()]
    return ms.nn.SequentialCell(layers[:-1])


def train(record_to, steps):
    """Seconds per torch step (median), recording to `record_to` or not."""
    import torch
    sys.path.insert(0, str(ROOT / "snippets"))
    from port_check import record
    model = torch_model(torch)
    opt = torch.optim.Rprop(model.parameters(), lr=1e-3)
    x, y = torch.randn(BATCH, WIDTHS[0]), torch.randn(BATCH, WIDTHS[-1])
    recording = record(model, opt, record_to) if record_to else None
    times = []
    for _ in range(steps):
        start = time.perf_counter()
        opt.zero_grad()
        torch.nn.functional.mse_loss(model(x), y).backward()
        opt.step()
        times.append(time.perf_counter() - start)
    if recording:
        start = time.perf_counter()
        recording.close()
        times[-1] += time.perf_counter() - start       # the writes still queued count too
    return sorted(times)[len(times) // 2]


def child(kind, folder, steps):
    """Run in a fresh process: MindSpore's own steps or check_port; print seconds per step."""
    import mindspore as ms
    import numpy as np
    sys.path.insert(0, str(ROOT / "snippets"))
    net = mindspore_net(ms)
    make = lambda n: ms.nn.Rprop(n.trainable_params(), learning_rate=1e-3, weight_decay=0.0)  # noqa: E731
    if kind == "idle":
        per_step = 0.0
    elif kind == "mindspore":
        opt, times = make(net), []
        for n in range(1, 1 + len(list(Path(folder).glob("step-*.json")))):
            grads = read_gradients(Path(folder) / f"step-{n:06d}")  # torch's, as a MindSpore loop has them
            start = time.perf_counter()
            opt(grads)
            net.trainable_params()[0].asnumpy()      # waits for the step to finish
            times.append(time.perf_counter() - start)
            del grads
        per_step = sorted(times[1:])[len(times[1:]) // 2]      # the first step compiles
    else:
        from port_check import Recording, check_port
        recording = Recording.load(folder)
        if kind == "check-2":
            recording.meta["steps"] = 2
        start = time.perf_counter()
        report = check_port(recording, net, make)
        per_step = time.perf_counter() - start      # the whole check; main() takes the difference
        assert report.ok, str(report)
    print(json.dumps({"per_step": per_step, "peak_mb": peak_mib()}))


def read_gradients(base):
    """One recorded step's gradients as MindSpore tensors, read with plain reads (a memory map's
    pages would count in the peak)."""
    import mindspore as ms
    import numpy as np
    index, out = json.loads(base.with_suffix(".json").read_text()), []
    with open(base.with_suffix(".bin"), "rb") as f:
        for kind, _key, dtype, shape, offset in index["arrays"]:
            if kind == "grad":
                f.seek(offset)
                out.append(ms.Tensor.from_numpy(np.fromfile(f, dtype, int(np.prod(shape))).reshape(shape)))
    return tuple(out)


def peak_mib():
    try:
        with open("/proc/self/status") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("VmHWM:")) / 1024
    except OSError:     # not Linux: ru_maxrss (bytes on macOS), which may include the parent's peak
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


def run_child(kind, folder, steps):
    out = subprocess.run([sys.executable, __file__, "--child", kind, "--folder", folder, "--steps", str(steps),
                          "--batch", str(BATCH)],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    global BATCH
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=6)
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--dir", default=None)
    parser.add_argument("--child", default=None)
    parser.add_argument("--folder", default=None)
    args = parser.parse_args()
    BATCH = args.batch
    if args.child:
        return child(args.child, args.folder, args.steps)
    params = sum(a * b + b for a, b in zip(WIDTHS, WIDTHS[1:]))
    model_mb = params * 4 / 2**20
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        plain = train(None, args.steps)
        full = train(str(Path(tmp) / "run"), args.steps)
        base = min(plain, train(None, args.steps))
        idle = run_child("idle", "", 0)
        own = run_child("mindspore", str(Path(tmp) / "run"), 0)
        first_two = run_child("check-2", str(Path(tmp) / "run"), 0)
        checked = run_child("check", str(Path(tmp) / "run"), 0)
        checked["per_step"] = (checked["per_step"] - first_two["per_step"]) / (args.steps - 2)
    print(f"model: {params / 1e6:.1f} M parameters ({model_mb:.0f} MiB), batch {BATCH}, {args.steps} steps")
    print(f"torch step: {base * 1e3:.0f} ms; with record(path): {full * 1e3:.0f} ms -> {full / base:.2f}x "
          "(target <= 1.25)")
    print(f"check_port per step: {checked['per_step'] * 1e3:.0f} ms, MindSpore's own nn.Rprop step: "
          f"{own['per_step'] * 1e3:.0f} ms -> {checked['per_step'] / own['per_step']:.2f}x (target <= 2)")
    added = {k: (v["peak_mb"] - idle["peak_mb"]) / model_mb for k, v in (("check", checked), ("own", own))}
    print(f"peak memory (MiB): MindSpore with the net built {idle['peak_mb']:.0f}; its own training "
          f"{own['peak_mb']:.0f} (+{added['own']:.1f}x the model); check_port {checked['peak_mb']:.0f} "
          f"(+{added['check']:.1f}x the model) -> checking adds {added['check'] - added['own']:.1f}x the model "
          "to MindSpore's own training (target <= 3x)")


if __name__ == "__main__":
    main()
