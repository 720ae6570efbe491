#!/usr/bin/env python3
"""Fails when a source includes a header of a part it must not depend on.

The arrows of DESIGN.md point one way: tools -> fuzz -> {inject, targets};
inject/core includes nothing else of the project; targets see only include/connfuzz/.
Headers are included by name (the build puts each part's folder on the include path),
so each name is resolved to the one file of the tree that has it.

    scripts/check-layering.py [ROOT]     exit 0: every include points the right way;
                                         1: some do not; 2: ROOT holds no part's sources
"""
import os
import re
import sys

# Each part, by its folder, and the parts it may include (itself always).
ALLOWED = {
    "include/connfuzz": [],
    "inject/core": [],
    "inject/interpose": ["inject/core"],
    "inject/seccomp": ["inject/core"],
    "targets": ["include/connfuzz"],
    "fuzz": ["fuzz", "inject/core", "inject/interpose", "targets", "include/connfuzz"],
    "tools": ["tools", "fuzz", "inject/core", "inject/seccomp", "include/connfuzz"],
}
# Not parts of the product: tests and benchmarks may look at anything.
UNCHECKED = ("tests", "bench", "examples", "build", ".git")
SOURCE = re.compile(r"\.(h|hpp|c|cc|cpp|def)$")
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def part_of(path):
    """The longest part folder that holds `path`, or None."""
    best = None
    for part in ALLOWED:
        if path == part or path.startswith(part + "/"):
            if best is None or len(part) > len(best):
                best = part
    return best


def sources(root):
    for top, dirs, files in os.walk(root):
        rel_top = os.path.relpath(top, root)
        dirs[:] = [d for d in dirs if os.path.join(rel_top, d).lstrip("./") not in UNCHECKED and d != ".git"]
        for name in files:
            if SOURCE.search(name):
                yield os.path.normpath(os.path.join(rel_top, name))


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
    files = [f for f in sources(root) if part_of(f)]
    if not files:
        # A wrong ROOT (a folder moved, a typo in CMake) would otherwise pass with nothing checked.
        print(f"check-layering: no source of any part under {root}")
        return 2
    by_name = {}
    for f in files:
        by_name.setdefault(os.path.basename(f), []).append(f)
    problems = []
    for f in files:
        part = part_of(f)
        with open(os.path.join(root, f), encoding="utf-8", errors="replace") as text:
            for number, line in enumerate(text, 1):
                m = INCLUDE.match(line)
                if not m:
                    continue
                name = m.group(1)
                beside = os.path.normpath(os.path.join(os.path.dirname(f), name))
                if beside in files:
                    target = beside
                elif name.startswith("connfuzz/") and os.path.join("include", name) in files:
                    target = os.path.join("include", name)
                else:
                    found = by_name.get(os.path.basename(name), [])
                    if len(found) > 1:
                        problems.append(f"{f}:{number}: \"{name}\" is ambiguous: {', '.join(found)}")
                        continue
                    if not found:
                        continue  # a system or generated header
                    target = found[0]
                to = part_of(target)
                if to != part and to not in ALLOWED[part]:
                    problems.append(f"{f}:{number}: {part} must not include {target} ({to})")
    for p in problems:
        print("check-layering: " + p)
    print(f"check-layering: {len(files)} sources, {len(problems)} includes against the arrows")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
