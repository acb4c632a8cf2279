#!/usr/bin/env python3
"""The module layering, enforced (CTest `layering`).

Every `#include "tryggve/X/..."` in engine/, cli/ and (as an engine module) the server
must name the including module itself or a module it declares in its DEPENDS list in
engine/CMakeLists.txt (for the CLI: the tryggve:: targets it links in cli/CMakeLists.txt).

Direct declarations only, no transitive permission: the include path reaches every
module below through CMake's PUBLIC links, so the compiler cannot tell "declared" from
"happens to be reachable"; only this check can, and it keeps each DEPENDS list a true
account of what the module uses (removing a dependency lower down then cannot silently
leave a module above using it).

Also checked: the declared graph has no cycle, the README's "Modules, bottom to top"
paragraph names every module after all the modules it depends on, and oneTBB is used
only behind core/parallel.hpp (parallel_for, IndexRange, PerThread): the
ThreadSanitizer build swaps that header's back end for std::thread, and a loop that
went to TBB directly would escape it (TSan cannot see into Debian's libtbb.so).

usage: check_layering.py SOURCE_ROOT
"""
import re
import sys
from pathlib import Path

INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]tryggve/([A-Za-z0-9_]+)/')
TBB_INCLUDE = re.compile(r'^\s*#\s*include\s*[<"](oneapi/)?tbb/')
TBB_NAME = re.compile(r'\b(oneapi::)?tbb::')
# The only files that may use oneTBB: the parallel layer itself.
TBB_ALLOWED = {"engine/include/tryggve/core/parallel.hpp", "engine/src/core/parallel.cpp"}


def strip_comments(text):
    return "\n".join(line.split("#", 1)[0] for line in text.splitlines())


def declared_modules(engine_cmake):
    """name -> set of declared module dependencies, in declaration order."""
    text = strip_comments(engine_cmake.read_text())
    modules = {}
    for body in re.findall(r"tryggve_module\s*\(([^)]*)\)", text):
        words = body.split()
        if "NAME" not in words:
            raise SystemExit(f"{engine_cmake}: tryggve_module() without NAME: {body.strip()}")
        name = words[words.index("NAME") + 1]
        deps = set()
        if "DEPENDS" in words:
            for w in words[words.index("DEPENDS") + 1:]:
                if not w.startswith("tryggve::"):
                    break
                deps.add(w[len("tryggve::"):])
        modules[name] = deps
    return modules


def cli_dependencies(cli_cmake):
    text = strip_comments(cli_cmake.read_text())
    m = re.search(r"target_link_libraries\s*\(\s*tryggve\s+([^)]*)\)", text)
    if not m:
        raise SystemExit(f"{cli_cmake}: no target_link_libraries(tryggve ...)")
    return {w[len("tryggve::"):] for w in m.group(1).split() if w.startswith("tryggve::")}


def check_files(root, owner, files, allowed, modules, problems):
    for path in sorted(files):
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            m = INCLUDE.match(line)
            if not m:
                continue
            used = m.group(1)
            where = f"{path.relative_to(root)}:{number}"
            if used not in modules:
                problems.append(f"{where}: {owner} includes tryggve/{used}/, which is not a module "
                                f"declared in engine/CMakeLists.txt")
            elif used != owner and used not in allowed:
                problems.append(f"{where}: {owner} includes tryggve/{used}/ but does not declare "
                                f"tryggve::{used} (add it to {owner}'s DEPENDS or move the code)")


def check_tbb(root, files, problems):
    for path in sorted(files):
        rel = path.relative_to(root).as_posix()
        if rel in TBB_ALLOWED:
            continue
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            code = line.split("//", 1)[0]
            if TBB_INCLUDE.match(code) or TBB_NAME.search(code):
                problems.append(f"{rel}:{number}: oneTBB outside core/parallel.hpp (use tryggve::parallel_for, "
                                f"IndexRange, PerThread or limit_threads, so the ThreadSanitizer build sees the loop)")
                break


def find_cycle(modules):
    state = {}

    def visit(name, stack):
        state[name] = "open"
        for dep in sorted(modules.get(name, ())):
            if state.get(dep) == "open":
                return stack + [name, dep]
            if dep not in state:
                cycle = visit(dep, stack + [name])
                if cycle:
                    return cycle
        state[name] = "done"
        return None

    for name in modules:
        if name not in state:
            cycle = visit(name, [])
            if cycle:
                return cycle
    return None


def check_readme(readme, modules, problems):
    text = readme.read_text()
    start = text.find("Modules, bottom to top")
    if start < 0:
        problems.append(f"{readme.name}: no 'Modules, bottom to top' paragraph")
        return
    paragraph = text[start:text.find("\n\n", start)]
    order = []
    for name in re.findall(r"`([a-z_]+)`", paragraph):
        if name in modules and name not in order:
            order.append(name)
    for name in modules:
        if name not in order:
            problems.append(f"{readme.name}: the module order does not name `{name}`")
    for i, name in enumerate(order):
        for dep in sorted(modules[name]):
            if dep in order and order.index(dep) > i:
                problems.append(f"{readme.name}: `{name}` comes before `{dep}`, which it depends on")


def main():
    root = Path(sys.argv[1]).resolve()
    modules = declared_modules(root / "engine" / "CMakeLists.txt")
    problems = []
    for name, deps in modules.items():
        for dep in sorted(deps):
            if dep not in modules:
                problems.append(f"engine/CMakeLists.txt: {name} depends on unknown module {dep}")
    cycle = find_cycle(modules)
    if cycle:
        problems.append("engine/CMakeLists.txt: dependency cycle " + " -> ".join(cycle))

    engine = root / "engine"
    for name, deps in modules.items():
        files = list((engine / "include" / "tryggve" / name).glob("**/*.hpp"))
        files += [p for p in (engine / "src" / name).glob("**/*") if p.suffix in (".hpp", ".cpp", ".h")]
        check_files(root, name, files, deps, modules, problems)
    # Source folders that are not modules would escape the check.
    for folder in list((engine / "include" / "tryggve").iterdir()) + list((engine / "src").iterdir()):
        if folder.is_dir() and folder.name not in modules:
            problems.append(f"{folder.relative_to(root)}: a folder of no module in engine/CMakeLists.txt")

    cli = root / "cli"
    cli_deps = cli_dependencies(cli / "CMakeLists.txt")
    cli_files = [p for p in cli.glob("**/*") if p.suffix in (".hpp", ".cpp", ".h")]
    check_files(root, "cli", cli_files, cli_deps, modules, problems)

    check_tbb(root, [p for p in engine.glob("**/*") if p.suffix in (".hpp", ".cpp", ".h")] + cli_files, problems)

    check_readme(root / "README.md", modules, problems)

    for p in problems:
        print(p)
    checked = sum(1 for _ in engine.glob("**/*.[ch]pp")) + len(cli_files)
    print(f"layering: {len(modules)} modules, {checked} files, {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
