"""How long a browser takes to solve Untold's proof of work, in Debian's Chromium.

    .venv/bin/python bench/pow_solve.py [--runs 5]

Serves the vendored ALTCHA widget and fresh challenges from this process (Playwright routes a
made-up https origin, so no server and no network), and times `widget.verify()` at the
configured difficulty (POW_MAX_NUMBER), at the raised difficulty (x POW_FLOOD_FACTOR), and at a
baseline of difficulty 1 (widget start-up and worker overhead only). Also prints the hash rate
the work implies, to estimate a slower device: a low-end phone hashes several times slower.
(Chromium's CPU throttling does not reach Web Workers, so it cannot stand in for a phone.)
"""

import argparse
import json
import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, bench/ would come first on the path, and bench/queue.py would hide the
# standard library's `queue` (which psycopg, concurrent.futures and others import).
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
from bench import throwaway_secrets  # noqa: E402

throwaway_secrets()

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from testimony import proofofwork  # noqa: E402

ORIGIN = "https://bench.untold.invalid"
VENDOR = ROOT / "frontend" / "static" / "frontend" / "vendor" / "altcha"
PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<script type="module" src="/altcha.min.js"></script></head><body></body></html>"""
SOLVE = """async (maxNumber) => {
  $altcha.algorithms.set("SHA-256", () => new Worker("/sha.js"));
  const widget = document.createElement("altcha-widget");
  widget.setAttribute("challenge", "/challenge?max=" + maxNumber + "&r=" + Math.random());
  widget.setAttribute("display", "invisible");
  widget.setAttribute("configuration",
    JSON.stringify({minDuration: 0, humanInteractionSignature: false}));
  document.body.appendChild(widget);
  await new Promise(r => setTimeout(r, 50));
  const started = performance.now();
  await new Promise((resolve, reject) => {
    widget.addEventListener("verified", resolve, {once: true});
    widget.addEventListener("statechange",
      e => e.detail.state === "error" && reject(e.detail));
    widget.verify();
  });
  const took = performance.now() - started;
  widget.remove();
  return took;
}"""


def serve(route):
    url = route.request.url
    if "/challenge" in url:
        max_number = int(url.split("max=")[1].split("&")[0])
        settings.POW_MAX_NUMBER = max_number
        body = json.dumps(proofofwork.challenge_issue(raised=False))
        return route.fulfill(status=200, content_type="application/json", body=body)
    name = url.split("/")[-1] or "index.html"
    if name == "index.html":
        return route.fulfill(status=200, content_type="text/html", body=PAGE)
    return route.fulfill(
        status=200, content_type="text/javascript", body=(VENDOR / name).read_bytes()
    )


def main(runs: int) -> None:
    base = settings.POW_MAX_NUMBER
    raised = base * max(1, settings.POW_FLOOD_FACTOR)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox"]
        )
        page = browser.new_page()
        page.route(f"{ORIGIN}/**", serve)
        page.goto(f"{ORIGIN}/index.html")
        page.wait_for_function("window.$altcha !== undefined")
        levels = (("baseline", 1), ("normal", base), ("raised", raised))
        times = {}
        for label, difficulty in levels:
            samples = [page.evaluate(SOLVE, difficulty) for _ in range(runs)]
            times[label] = statistics.median(samples)
        print(f"median of {runs} solves, {page.evaluate('navigator.hardwareConcurrency')} workers:")
        for label, difficulty in levels:
            ratio = times[label] / times["baseline"]
            print(
                f"  {label:<8} max {difficulty:>9,}: {times[label]:8.0f} ms"
                f"  ({ratio:5.1f}x baseline)"
            )
        work = times["raised"] - times["baseline"]
        rate = (raised / 2) / (work / 1000) if work > 0 else float("nan")
        print(f"  implied rate: {rate:,.0f} hashes/s (a slow phone: perhaps a fifth of that)")
        browser.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    main(parser.parse_args().runs)
