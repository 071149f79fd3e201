"""Record a torch training run for port_check.py.

    recording = record(torch_model, torch_optimizer, path=None)   # before the loop ...
    recording.close()                                              # ... and after it

`record` hooks into the optimizer's step: it keeps, per step, the gradients the optimizer read (a
parameter without one is marked missing: torch skips it, MindSpore would be fed zeros) and the
weights after the step, plus, at the first step, every weight and buffer and the optimizer state
(so a recording may start in the middle of a run). With `path` it writes a folder as it goes
(meta.json, start.npz, and per step step-NNNNNN.bin with its index step-NNNNNN.json), straight from
the tensors' memory with no copy in between, else it keeps copies of the steps in memory
(`.save(path)` writes them); `Recording.load(path)` reads one back. It also keeps
each key's module path, layer type and settings, so map_names can match a net against it.
"""
import json
import os
import queue
import threading
from collections.abc import Mapping

import numpy as np

from port_names import PortError
from port_optimizers import OPTIMIZERS, Slot, View, supported


class Recording:
    """A recorded torch run: `torch_layers`, `groups`, `start` and `steps` (see record)."""

    def __init__(self, meta, start, steps, folder=None):
        self.meta, self.start, self._steps, self.folder = meta, start, steps, folder
        self.torch_layers = meta["torch_layers"]
        self._hooks, self._file, self._release = [], None, _Release()

    def __len__(self):
        return self.meta["steps"]

    def step(self, number):
        """(gradients, weights after) of step `number` (1 = the first recorded step)."""
        if not 1 <= number <= len(self):
            raise PortError(f"step {number}: the recording has steps 1 to {len(self)}",
                            f"第 {number} 步：该记录只有第 1 到第 {len(self)} 步")
        if self.folder is None:
            return self._steps[number - 1]
        base = os.path.join(self.folder, f"step-{number:06d}")
        with open(base + ".json", encoding="utf-8") as f:
            index = json.load(f)
        out = {"grad": {k: None for k in index["missing"]}, "after": {}}
        for kind, key, dtype, shape, offset in index["arrays"]:   # read lazily, as the replay needs them
            out[kind][key] = np.memmap(base + ".bin", dtype=dtype, mode="r", offset=offset, shape=tuple(shape))
        return out["grad"], out["after"]

    def close(self):
        """Stop recording (remove the hooks) and finish writing."""
        for hook in self._hooks:
            hook.remove()
        self._hooks = []
        if self._file is not None and not self._file.file.closed:   # a step that raised midway
            self._file.file.close()
        self._release.finish()
        if self.folder is not None and self._steps is not None:
            self._write_meta(self.folder)

    def save(self, path):
        """Write the recording as a folder that Recording.load reads."""
        os.makedirs(path, exist_ok=True)
        np.savez(os.path.join(path, "start.npz"), **self.start)
        for number in range(1, len(self) + 1):
            _save_step(path, number, *self.step(number))
        self._write_meta(path)

    def _write_meta(self, path):
        with open(os.path.join(path, "meta.json"), "w", encoding="utf-8") as f:
            json.dump(self.meta, f, indent=1)

    @classmethod
    def load(cls, path):
        with open(os.path.join(path, "meta.json"), encoding="utf-8") as f:
            meta = json.load(f)
        # start.npz stays open: each array is read when it is used, not all at once
        return cls(meta, np.load(os.path.join(path, "start.npz")), None, path)


class _StepFile:
    """step-NNNNNN.bin: the raw bytes of every array one after the other (np.savez's zip checksum
    took longer than the write); step-NNNNNN.json: what lies where, and the missing gradients."""

    def __init__(self, folder, number):
        self.base, self.index, self.missing, self.offset = os.path.join(folder, f"step-{number:06d}"), [], [], 0
        self.file = open(self.base + ".bin", "wb")

    def add(self, kind, arrays):
        for key, array in arrays:
            if array is None:
                self.missing.append(key)
                continue
            array = np.ascontiguousarray(array)
            array.tofile(self.file)
            self.index.append([kind, key, array.dtype.str, list(array.shape), self.offset])
            self.offset += array.nbytes

    def close(self):
        self.file.flush()
        fd = os.dup(self.file.fileno())
        self.file.close()
        with open(self.base + ".json", "w", encoding="utf-8") as f:
            json.dump({"arrays": self.index, "missing": self.missing}, f)
        return fd


class _Release:
    """Takes each written step file to the disk and out of the page cache, in the background, so
    that a long recording neither fills the page cache (the system's memory for files) nor slows
    the steps down: writing into reused pages is several times faster than into fresh ones. Waits
    for the disk once two files are queued. Where the system has no posix_fadvise (macOS,
    Windows), files are left to the system."""

    def __init__(self):
        self.queue = queue.Queue(maxsize=2) if hasattr(os, "posix_fadvise") else None
        self.thread = None

    def put(self, fd):
        if self.queue is None:
            return os.close(fd)
        if self.thread is None:
            self.thread = threading.Thread(target=self._run, daemon=True)
            self.thread.start()
        self.queue.put(fd)

    def _run(self):
        while (fd := self.queue.get()) is not None:
            try:
                os.fdatasync(fd)
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(fd)

    def finish(self):
        if self.thread is not None:
            self.queue.put(None)
            self.thread.join()
            self.thread = None


def _save_step(folder, number, grads, after):
    out = _StepFile(folder, number)
    out.add("grad", grads.items())
    out.add("after", after.items())
    os.close(out.close())


def _numpy(tensor):
    """The tensor's memory as an array, without a copy where it is already on the CPU."""
    return tensor.detach().cpu().numpy()


def record(torch_model, torch_optimizer, path=None):
    """Start recording `torch_optimizer`'s steps on `torch_model` (see the module's docstring)."""
    from port_names import describe_torch
    kind = supported(torch_optimizer)
    layers = describe_torch(torch_model)
    tensors = torch_model.state_dict(keep_vars=True)
    keys = {}
    for entry in layers:
        keys.setdefault(id(tensors[entry["key"]]), entry["key"])
    held = [(keys[id(p)], p) for g in torch_optimizer.param_groups for p in g["params"] if id(p) in keys]
    if len(held) != sum(len(g["params"]) for g in torch_optimizer.param_groups):
        raise PortError("the optimizer holds tensors that are not in the model's state_dict: record the "
                        "model the optimizer trains", "优化器持有的张量不在该模型的 state_dict 中：请记录该优化器所训练的模型")
    for entry in layers:
        entry.pop("tensor_id", None)
    meta = {"optimizer": kind, "torch_layers": layers, "steps": 0, "groups": []}
    rec = Recording(meta, {}, [], path)
    if path is not None:
        os.makedirs(path, exist_ok=True)
    pending = {}

    # With a path, each step's file is written while the step runs: the gradients before it (the
    # optimizer may change them in place), the weights after it; nothing is copied on the way.
    def before(optimizer, args, kwargs):
        if meta["steps"] == 0:
            _record_start(rec, torch_model, optimizer, keys, path)
        grads = [(k, None if p.grad is None else _numpy(p.grad)) for k, p in held]
        if path is None:
            pending["grads"] = {k: None if g is None else g.copy() for k, g in grads}
        else:
            rec._file = _StepFile(path, meta["steps"] + 1)
            rec._file.add("grad", grads)

    def after(optimizer, args, kwargs):
        meta["steps"] += 1
        if path is None:
            rec._steps.append((pending.pop("grads"), {k: _numpy(p).copy() for k, p in held}))
        else:
            rec._file.add("after", [(k, _numpy(p)) for k, p in held])
            rec._release.put(rec._file.close())

    rec._hooks = [torch_optimizer.register_step_pre_hook(before),
                  torch_optimizer.register_step_post_hook(after)]
    return rec


def _record_start(rec, torch_model, optimizer, keys, path):
    for key, tensor in torch_model.state_dict().items():
        rec.start[f"weight/{key}"] = tensor.detach().cpu().numpy().copy()
    for group in optimizer.param_groups:
        rec.meta["groups"].append({
            "keys": [keys[id(p)] for p in group["params"]],
            "trained": [bool(p.requires_grad) for p in group["params"]],
            "lr": float(group["lr"]), "etas": [float(v) for v in group["etas"]],
            "step_sizes": [float(v) for v in group["step_sizes"]],
            "maximize": bool(group.get("maximize", False))})
        for p in group["params"]:
            for name, value in optimizer.state.get(p, {}).items():
                rec.start[f"state/{keys[id(p)]}/{name}"] = value.detach().cpu().numpy().copy()
    if path is not None:
        np.savez(os.path.join(path, "start.npz"), **rec.start)


class _Stored(Mapping):
    """One parameter's recorded optimizer state, read from the recording when a value is used."""

    def __init__(self, start, keys):
        self._start, self._keys = start, {k.split("/")[-1]: k for k in keys}

    def __getitem__(self, name):
        return self._start[self._keys[name]]

    def __iter__(self):
        return iter(self._keys)

    def __len__(self):
        return len(self._keys)


def recorded_view(rec):
    """The torch optimizer at the recording's start, as port_transfer reads a live one."""
    table = OPTIMIZERS[rec.meta["optimizer"]]
    slots = {}
    for group in rec.meta["groups"]:
        fixed = {"etas": tuple(group["etas"]), "step_sizes": tuple(group["step_sizes"]),
                 "maximize": group["maximize"], "weight_decay": 0.0}
        for key, trained in zip(group["keys"], group["trained"]):
            state = _Stored(rec.start, [s for s in rec.start if s.startswith(f"state/{key}/")])
            slots[key] = Slot(key=key, trained=trained, lr=group["lr"], fixed=fixed, state=state)
    return View(f"torch.optim.{rec.meta['optimizer']}", table, slots)
