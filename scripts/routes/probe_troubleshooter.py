"""Probe: TroubleShooter (MindSpore's migration troubleshooting kit) beside the pinned pair.

Run by scripts/other_routes.py in `.cache/routes/troubleshooter/` (pip cannot resolve it together
with MindSpore 2.10.0, so it is installed without its dependencies; the build records the
conflict). Prints one JSON line: whether it imports, what its weight converter does with a torch
model's state and with a torch Rprop's state, the tolerance its comparisons default to, and what
its API dump does with optimizers (read from the installed source).
"""

import importlib.metadata
import importlib.util
import inspect
import json
import sys
from pathlib import Path


SITE = ""  # this machine's site-packages folder, left out of recorded messages


def error(err: BaseException) -> str:
    return f"{type(err).__name__}: {err}".replace(SITE, "")


def shim() -> list[str]:
    """Placeholders for the two MindSpore internals TroubleShooter 1.0.18 reads at import and
    MindSpore 2.10.0 no longer has (what a reader would have to add to get further)."""
    import types

    import mindspore
    import mindspore.common.api as api
    mindspore.common._stub_tensor = types.SimpleNamespace(StubTensor=type("StubTensor", (), {}))
    api._MindsporeFunctionExecutor = type("_MindsporeFunctionExecutor", (), {})
    return ["mindspore.common._stub_tensor.StubTensor", "mindspore.common.api._MindsporeFunctionExecutor"]


def convert(ts, torch, state, name: str) -> str:
    """What `ts.migrator.convert_weight` does with a .pth file holding `state`."""
    torch.save(state, f"{name}.pth")
    try:
        ts.migrator.convert_weight(pt_file_path=f"{name}.pth", ms_file_save_path=f"{name}.ckpt",
                                   weight_map_path="weight_map.json", print_conv_info=False)
    except Exception as err:  # noqa: BLE001  (recorded)
        return error(err)
    import mindspore
    return "wrote " + ", ".join(sorted(mindspore.load_checkpoint(f"{name}.ckpt")))


def dump_source(package: Path) -> list[str]:
    source = (package / "migrator" / "api_dump" / "pt_dump" / "hook_module" / "wrap_module.py").read_text()
    lines = source.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("def wrap_optimizer"))
    return [f"wrap_module.py:{start + 1 + i}: {line.strip()}" for i, line in enumerate(lines[start:start + 6])
            if line.strip()]


def main() -> None:
    versions = {p: importlib.metadata.version(p) for p in ("troubleshooter", "mindspore", "torch", "protobuf")}
    global SITE
    package = Path(importlib.util.find_spec("troubleshooter").origin).parent
    SITE = str(package.parent) + "/"
    out = {"versions": versions, "dump_optimizer_source": dump_source(package)}
    try:
        import troubleshooter as ts
        out["import"] = {"imports": True}
    except Exception as err:  # noqa: BLE001
        out["import"] = {"imports": False, "error": error(err)}
        for name in [m for m in sys.modules if m.startswith("troubleshooter")]:
            del sys.modules[name]
        out["import"]["shims"] = shim()
        import troubleshooter as ts
        out["import"]["imports_with_shims"] = True
    import torch
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.BatchNorm1d(3))
    ts.migrator.get_weight_map(pt_net=model, weight_map_save_path="weight_map.json", print_map=False)
    optimizer = torch.optim.Rprop(model.parameters())
    model(torch.randn(4, 2)).sum().backward()
    optimizer.step()
    out["convert_model_state"] = convert(ts, torch, model.state_dict(), "model")
    out["convert_optimizer_state"] = convert(ts, torch, optimizer.state_dict(), "optimizer")
    out["compare_defaults"] = {f: {k: v.default for k, v in inspect.signature(getattr(ts.migrator, f)).parameters.items()
                                   if k in ("rtol", "atol")} for f in ("compare_grads_dir", "compare_npy_dir")}
    print(json.dumps(out))


if __name__ == "__main__":
    sys.exit(main())
