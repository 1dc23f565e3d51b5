"""``python -m bench [name ...]``: run every benchmark module (or the named ones) and print its tables."""

import importlib
import pkgutil
import sys

import bench


MACHINE = "machine_speed"  # printed first and last: how fast the machine ran meanwhile


def benchmark_names() -> list[str]:
    """Return the names of the modules in this package that define ``run()``."""
    names = [info.name for info in pkgutil.iter_modules(bench.__path__) if not info.name.startswith("_")]
    return [name for name in sorted(names) if hasattr(importlib.import_module(f"bench.{name}"), "run")]


def main(argv: list[str]) -> int:
    """Run the selected benchmarks; return the exit status."""
    available = benchmark_names()
    unknown = sorted(set(argv) - set(available))
    if unknown:
        print(f"unknown benchmark {', '.join(unknown)}; available: {', '.join(available)}", file=sys.stderr)
        return 2
    selected = [name for name in argv or available if name != MACHINE]
    for name in [MACHINE, *selected, MACHINE]:
        for table in importlib.import_module(f"bench.{name}").run():
            print(table.render(), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
