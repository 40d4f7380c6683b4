#!/usr/bin/env python3
"""Checks that every #include of our own headers points down the layers.

The layers, bottom to top (docs/ARCHITECTURE.md, "Layers"):
  quant/, noise-models/     depend on nothing of ours (not even each other)
  engine core               engine/*.h|cpp, engine/hardware/, engine/presets/
  engine/linalg             the GEMM wrappers shared by analog tiles and kernels
  engine/analog             crossbar emulation
  engine/kernels            int8 and float kernels (some run on analog tiles)
  engine/timing             cycles and energy of a placed graph
  engine/passes             graph rewrites, including placement
  engine/model.*            import + passes + executor
  models/                   data, network specs, study machinery
  demos/                    the command-line tool and plots
A file may include headers of its own layer or of any layer below it.
tests/ and benchmarks/ sit on top and are not checked.

Exit status 0 when every include points down; 1 after listing each one that
points up, as file:line: include (layer -> layer).
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
LAYERS = ["quant", "noise-models", "engine core", "engine/linalg", "engine/analog",
          "engine/kernels", "engine/timing", "engine/passes", "engine/model", "models", "demos"]
RANK = {name: i for i, name in enumerate(LAYERS)}
# The two bottom layers share no code: each may include only itself.
ISOLATED = {"quant", "noise-models"}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')
CHECKED = ("quant", "noise-models", "engine", "models", "demos")


def layer_of(rel: str):
    parts = rel.split("/")
    top = parts[0]
    if top in ("quant", "noise-models", "models", "demos"):
        return top
    if top != "engine":
        return None
    if len(parts) == 2:
        return "engine/model" if parts[1].startswith("model.") else "engine core"
    sub = "engine/" + parts[1]
    return sub if sub in RANK else "engine core"


def violations():
    found = []
    for top in CHECKED:
        for path in sorted((ROOT / top).rglob("*")):
            if path.suffix not in (".h", ".cpp", ".hpp", ".inc"):
                continue
            rel = path.relative_to(ROOT).as_posix()
            mine = layer_of(rel)
            for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
                m = INCLUDE.match(line)
                if not m:
                    continue
                target = layer_of(m.group(1))
                if target is None:
                    continue  # a system or test-support header
                upward = RANK[target] > RANK[mine]
                crossing = mine in ISOLATED and target != mine
                if upward or crossing:
                    found.append(f"{rel}:{number}: {m.group(1)} ({mine} -> {target})")
    return found


def main() -> int:
    found = violations()
    for v in found:
        print(v)
    if found:
        print(f"check-layers: {len(found)} include(s) point up the layers", file=sys.stderr)
        return 1
    print("check-layers: every include points down")
    return 0


if __name__ == "__main__":
    sys.exit(main())
