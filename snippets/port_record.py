"""Record a torch training run for port_check.py.

    recording = record(torch_model, torch_optimizer, path=None)   # before the loop ...
    recording.close()                                              # ... and after it

`record` hooks into the optimizer's step: it keeps, per step, the gradients the optimizer read (a
parameter without one is marked missing: torch skips it, MindSpore would be fed zeros) and the
weights after the step, plus, at the first step, every weight and buffer and the optimizer state
(so a recording may start in the middle of a run). With `path` it writes a folder as it goes
(meta.json, start.npz, and per step step-NNNNNN.bin with its index step-NNNNNN.json; a background
thread does the writing), else it keeps the
steps in memory (`.save(path)` writes them); `Recording.load(path)` reads one back. It also keeps
each key's module path, layer type and settings, so map_names can match a net against it.
"""
import json
import os
from collections.abc import Mapping
import queue
import threading

import numpy as np

from port_names import PortError
from port_optimizers import OPTIMIZERS, Slot, View


class Recording:
    """A recorded torch run: `torch_layers`, `groups`, `start` and `steps` (see record)."""

    def __init__(self, meta, start, steps, folder=None):
        self.meta, self.start, self._steps, self.folder = meta, start, steps, folder
        self.torch_layers = meta["torch_layers"]
        self._queue = self._thread = None
        self._hooks = []

    def __len__(self):
        return self.meta["steps"]

    def step(self, number):
        """(gradients, weights after) of step `number` (1 = the first recorded step)."""
        if not 1 <= number <= len(self):
            raise PortError(f"step {number}: the recording has steps 1 to {len(self)}",
                            f"第 {number} 步：该录制只有第 1 到第 {len(self)} 步")
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
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread = None
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


def _save_step(folder, number, grads, after):
    """step-NNNNNN.bin: the raw bytes of every array one after the other (np.savez's zip checksum
    took longer than the write); step-NNNNNN.json: what lies where, and the missing gradients."""
    base, index, offset = os.path.join(folder, f"step-{number:06d}"), [], 0
    with open(base + ".bin", "wb") as f:
        for kind, arrays in (("grad", grads), ("after", after)):
            for key, array in arrays.items():
                if array is None:
                    continue
                array = np.ascontiguousarray(array)
                array.tofile(f)
                index.append([kind, key, array.dtype.str, list(array.shape), offset])
                offset += array.nbytes
    with open(base + ".json", "w", encoding="utf-8") as f:
        json.dump({"arrays": index, "missing": [k for k, v in grads.items() if v is None]}, f)


def _writer(recording):
    while True:
        item = recording._queue.get()
        if item is None:
            return
        _save_step(recording.folder, *item)


def record(torch_model, torch_optimizer, path=None):
    """Start recording `torch_optimizer`'s steps on `torch_model` (see the module's docstring)."""
    from port_names import describe_torch
    kind = type(torch_optimizer).__name__
    if kind not in OPTIMIZERS:
        raise PortError(f"torch optimizer {kind} is not supported: these tools know {sorted(OPTIMIZERS)}",
                        f"不支持 torch 优化器 {kind}：这些工具只支持 {sorted(OPTIMIZERS)}")
    layers = describe_torch(torch_model)
    tensors = torch_model.state_dict(keep_vars=True)
    keys = {}
    for entry in layers:
        keys.setdefault(id(tensors[entry["key"]]), entry["key"])
    held = [(keys[id(p)], p) for g in torch_optimizer.param_groups for p in g["params"] if id(p) in keys]
    if len(held) != sum(len(g["params"]) for g in torch_optimizer.param_groups):
        raise PortError("the optimizer holds tensors that are not in the model's state_dict: record the "
                        "model the optimizer trains", "优化器持有的张量不在该模型的 state_dict 中：请录制该优化器所训练的模型")
    for entry in layers:
        entry.pop("tensor_id", None)
    meta = {"optimizer": kind, "torch_layers": layers, "steps": 0, "groups": []}
    rec = Recording(meta, {}, [], path)
    if path is not None:
        os.makedirs(path, exist_ok=True)
        rec._queue, rec._thread = queue.Queue(maxsize=2), threading.Thread(target=_writer, args=(rec,))
        rec._thread.start()
    pending = {}

    def before(optimizer, args, kwargs):
        if meta["steps"] == 0:
            _record_start(rec, torch_model, optimizer, keys, path)
        pending["grads"] = {k: None if p.grad is None else p.grad.detach().cpu().numpy().copy()
                            for k, p in held}

    def after(optimizer, args, kwargs):
        meta["steps"] += 1
        weights = {k: p.detach().cpu().numpy().copy() for k, p in held}
        if path is None:
            rec._steps.append((pending.pop("grads"), weights))
        else:
            rec._queue.put((meta["steps"], pending.pop("grads"), weights))

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
