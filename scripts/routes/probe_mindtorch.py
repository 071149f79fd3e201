"""Probe: MindTorch (MSAdapter's PyPI release `mindtorch`) beside the pinned MindSpore.

Run by scripts/other_routes.py in `.cache/routes/mindtorch/`; prints one JSON line. What it
records: whether `import mindtorch.torch` works (the exact error if not), and, read from the
installed source because it cannot run, what its `torch.optim.Rprop` is built on, what its
state_dict carries and what its `step()` gives a parameter without a gradient.
"""

import ast
import importlib.metadata
import importlib.util
import json
import sys
import traceback
from pathlib import Path


def mindtorch_origin() -> str:
    return importlib.util.find_spec("mindtorch").origin


def import_outcome() -> dict:
    try:
        import mindtorch.torch  # noqa: F401  (MSAdapter's documented import)
    except Exception as err:  # noqa: BLE001  (recorded, whatever it is)
        frames = [f for f in traceback.extract_tb(err.__traceback__) if "mindtorch" in f.filename]
        where = frames[-1] if frames else traceback.extract_tb(err.__traceback__)[-1]
        site = str(Path(mindtorch_origin()).parent.parent) + "/"  # this machine's path, not the reader's
        return {"imports": False, "error": f"{type(err).__name__}: {err}".replace(site, ""),
                "raised_in": f"{where.filename.split('site-packages/')[-1]}:{where.lineno}"}
    return {"imports": True}


def source_facts(package: Path) -> dict:
    rprop = package / "torch" / "optim" / "rprop.py"
    tree = ast.parse(rprop.read_text())
    imports = {a.asname or a.name: f"{n.module}.{a.name}" for n in ast.walk(tree)
               if isinstance(n, ast.ImportFrom) for a in n.names}
    cls = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Rprop")
    init = next(n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == "__init__")
    names = [a.arg for a in init.args.args[1:]]
    defaults = dict(zip(names[len(names) - len(init.args.defaults):],
                        (ast.literal_eval(d) for d in init.args.defaults)))
    state_map = next(ast.literal_eval(n.value) for n in ast.walk(init) if isinstance(n, ast.Assign)
                     and ast.unparse(n.targets[0]) == "self._state_map")
    optimizer = (package / "torch" / "optim" / "optimizer.py").read_text().splitlines()
    at = next(i for i, line in enumerate(optimizer) if "zeros_like(param)" in line)
    missing = [f"optimizer.py:{i + 1}: {optimizer[i].strip()}" for i in (at - 1, at)]
    return {"file": "mindtorch/torch/optim/rprop.py",
            "bases": [imports.get(ast.unparse(b), ast.unparse(b)) for b in cls.bases],
            "defaults": defaults, "state_dict_keys": sorted(state_map),
            "grad_none_becomes": missing}


def main() -> None:
    package = Path(mindtorch_origin()).parent
    versions = {p: importlib.metadata.version(p) for p in ("mindtorch", "mindspore")}
    import mindspore  # the framework itself imports
    print(json.dumps({"versions": versions, "mindspore_imports": mindspore.__version__,
                      "import": import_outcome(), "source": source_facts(package)}))


if __name__ == "__main__":
    sys.exit(main())
