"""The benchmarks run as the README says, `python bench/<name>.py`: as scripts, their folder
comes first on the path, where bench/queue.py would hide the standard library's `queue`."""

import subprocess
import sys
from pathlib import Path

import pytest

from testimony.models import Story

BENCH = Path(__file__).resolve().parent.parent / "bench"
SCRIPTS = [
    "feed",
    "feed_proxy",
    "intake",
    "pipeline",
    "pow_solve",
    "queue",
    "receipts",
    "results",
    "rotation",
    "screening",
    "statistics_release",
    "tell_page_weight",
]

# What `python bench/<name>.py` does to the path, then the script's own top level (its
# argument parsing stops at --help), then what psycopg and concurrent.futures import.
PROBE = """
import runpy, sys
sys.path.insert(0, {bench!r})
sys.argv = [{script!r}, "--help"]
try:
    runpy.run_path({script!r}, run_name="__not_main__")
except SystemExit:
    pass
import queue
assert hasattr(queue, "Queue"), queue.__file__
"""


@pytest.mark.parametrize("name", SCRIPTS)
def test_a_benchmark_run_as_a_script_sees_the_standard_library(name):
    script = str(BENCH / f"{name}.py")
    probe = PROBE.format(bench=str(BENCH), script=script)
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]


@pytest.mark.parametrize("name", ["feed", "rotation"])
def test_the_seeding_benchmarks_fill_every_required_column_of_a_story(name):
    """They seed rows with COPY, past the model's defaults: a new column must be named."""
    import importlib

    module = importlib.import_module(f"bench.{name}")
    named = getattr(module, "STORY_COLUMNS", None) or module.COLUMNS
    columns = {name.strip() for name in named.split(",")}
    required = {f.column for f in Story._meta.concrete_fields if not f.null}
    assert required <= columns, required - columns
