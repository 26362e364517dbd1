"""Untold's settings plus one bare view for bench/feed.py's baseline."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
