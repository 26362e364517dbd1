"""Untold's settings plus one bare view for bench/intake.py's baseline."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.intake_urls"
