"""The benchmarks run as the README says, `python bench/<name>.py`: as scripts, their folder
comes first on the path, where bench/queue.py would hide the standard library's `queue`, and
any other module there named like one of the standard library's would hide it too."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from testimony.models import Status, Story
from tests.conftest import require_service

BENCH = Path(__file__).resolve().parent.parent / "bench"
# Every script under bench/ (a module with a __main__ block); the others are its settings.
SCRIPTS = sorted(
    path.stem for path in BENCH.glob("*.py") if 'if __name__ == "__main__"' in path.read_text()
)
# The names under bench/ that the standard library uses too: each must be hidden from the
# scripts by the path they set (bench/queue.py is the one such name, on purpose).
SHADOWING = sorted(path.stem for path in BENCH.glob("*.py") if path.stem in sys.stdlib_module_names)


def test_no_new_module_under_bench_is_named_like_the_standard_library():
    """bench/statistics.py once hid `statistics` from every benchmark: none ran."""
    assert SHADOWING == ["queue"]


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
import importlib, sysconfig
for name in {shadowing!r}:
    module = importlib.import_module(name)
    assert module.__file__.startswith(sysconfig.get_paths()["stdlib"]), module.__file__
import statistics
assert hasattr(statistics, "median"), statistics.__file__
"""


@pytest.mark.parametrize("name", SCRIPTS)
def test_a_benchmark_run_as_a_script_sees_the_standard_library(name):
    script = str(BENCH / f"{name}.py")
    probe = PROBE.format(bench=str(BENCH), script=script, shadowing=SHADOWING)
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


def test_a_benchmark_seals_with_a_new_keystore_of_its_own(monkeypatch):
    """Whatever STORY_KEYSTORE says (a real keystore, or one never made): its keys never
    land beside real ones, and a fresh checkout (no var/keys) can run it."""
    from bench import throwaway_secrets

    monkeypatch.setenv("STORY_KEYSTORE", "/nonexistent/keys")
    throwaway_secrets()
    first = Path(os.environ["STORY_KEYSTORE"])
    throwaway_secrets()
    assert first.is_dir() and not any(first.iterdir()) and first.stat().st_mode & 0o077 == 0
    assert Path(os.environ["STORY_KEYSTORE"]) != first


@pytest.mark.integration
def test_the_queue_benchmark_runs_from_a_checkout_that_never_made_a_keystore():
    """It failed so in `make bench` on a fresh clone: KeystoreUnavailable, no figure."""
    url = os.environ.get("DATABASE_URL", "")
    require_service("PostgreSQL (DATABASE_URL)", url.startswith("postgres"))
    env = {**os.environ, "STORY_KEYSTORE": "/nonexistent/keys"}
    done = subprocess.run(
        [sys.executable, str(BENCH / "queue.py"), "--stories", "120", "--requests", "2"],
        capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert "queue page with 120 waiting stories: worst p95" in done.stdout


@pytest.mark.django_db
def test_the_proxy_benchmarks_seed_goes_through_the_factories_as_they_are():
    """It called factories.published(published_text=...) long after that argument was gone."""
    from bench import feed_proxy

    exec(feed_proxy.SEED, {})
    assert Story.objects.filter(status=Status.PUBLISHED).count() == 50


def test_the_page_weight_benchmark_keeps_to_its_own_database():
    """With DATABASE_URL naming a database that does not exist, it still runs (in memory)."""
    env = {**os.environ, "DATABASE_URL": "postgres://nobody@127.0.0.1:5432/no_such_database"}
    done = subprocess.run(
        [sys.executable, str(BENCH / "tell_page_weight.py")],
        capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert "ratio to baseline:" in done.stdout
