"""The one-way dependencies (DESIGN.md, "Layout"): stories below, the wall on stories,
moderation on both, the pages on top. Read from every module's imports, at any depth (an
import inside a function counts too)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Each layer, and the packages it must never import.
LAYERS = {
    # answers and releases: below stories, knowing none (testimony hands it the answers)
    "figures": ("testimony", "moderation", "frontend"),
    "testimony": ("testimony.wall", "moderation", "frontend"),  # stories, outside the wall
    "testimony/wall": ("moderation", "frontend"),
    "moderation": ("frontend",),
}


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def _modules(layer: str):
    for path in sorted((ROOT / layer).rglob("*.py")):
        inner = path.relative_to(ROOT).as_posix()
        if "/migrations/" in inner:
            continue
        if layer == "testimony" and inner.startswith("testimony/wall/"):
            continue  # the wall is a layer of its own, above stories
        if inner == "testimony/apps.py":
            continue  # the app's wiring (its ready()), like config/
        yield path


@pytest.mark.parametrize("layer", LAYERS)
def test_no_layer_imports_one_above_it(layer):
    crossing = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in _modules(layer)
        for name in _imports(path)
        if any(name == above or name.startswith(above + ".") for above in LAYERS[layer])
    ]
    assert not crossing


def test_every_layer_has_modules():
    assert all(list(_modules(layer)) for layer in LAYERS)


def test_every_periodic_job_and_its_task_are_registered_by_the_apps():
    """Beat names tasks by their names: each must be registered by the apps themselves (a
    worker imports nothing else), not by a test that happened to import its module."""
    import subprocess
    import sys

    from django.conf import settings

    names = sorted({entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()})
    script = (
        "import django; django.setup(); from config.celery import app; "
        f"missing = [n for n in {names!r} if n not in app.tasks]; print(missing)"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert out.stdout.strip() == "[]", out.stderr
