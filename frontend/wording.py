"""Sentences that state a setting (a delay, a limit), rendered from the setting itself, so that
what a survivor reads stays true when an operator changes it."""

import math

from django.conf import settings
from django.utils.translation import ngettext


def _whole_hours(seconds: float) -> int | None:
    hours = seconds / 3600
    return int(hours) if hours >= 2 and hours == int(hours) else None


def wall_delay_earliest() -> str:
    """The shortest wait, after a moderator approves a story, before it is on the wall."""
    seconds = settings.WALL_DELAY_MIN_SECONDS
    hours = _whole_hours(seconds)
    if hours:
        return ngettext(
            "If you allow the wall, your story appears there no sooner than %(n)d hour after "
            "a moderator approves it, mixed with other stories, never right away.",
            "If you allow the wall, your story appears there no sooner than %(n)d hours after "
            "a moderator approves it, mixed with other stories, never right away.",
            hours,
        ) % {"n": hours}
    minutes = math.ceil(seconds / 60)
    return ngettext(
        "If you allow the wall, your story appears there no sooner than %(n)d minute after a "
        "moderator approves it, mixed with other stories, never right away.",
        "If you allow the wall, your story appears there no sooner than %(n)d minutes after a "
        "moderator approves it, mixed with other stories, never right away.",
        minutes,
    ) % {"n": minutes}


def wall_delay_latest() -> str:
    """The longest random wait after approval."""
    seconds = settings.WALL_DELAY_MAX_SECONDS
    hours = _whole_hours(seconds)
    if hours:
        return ngettext(
            "The delay is random and can be up to %(n)d hour.",
            "The delay is random and can be up to %(n)d hours.",
            hours,
        ) % {"n": hours}
    minutes = math.ceil(seconds / 60)
    return ngettext(
        "The delay is random and can be up to %(n)d minute.",
        "The delay is random and can be up to %(n)d minutes.",
        minutes,
    ) % {"n": minutes}


def wall_delay() -> str:
    return f"{wall_delay_earliest()} {wall_delay_latest()}"


def kiosk_hall_delay() -> str:
    """A story told at a kiosk stays off that installation's own screens at least this long."""
    days = math.ceil(settings.WALL_KIOSK_HOLD_HOURS / 24)
    return ngettext(
        "The screens in this hall show it no sooner than %(n)d day after that.",
        "The screens in this hall show it no sooner than %(n)d days after that.",
        days,
    ) % {"n": days}


def withdrawn_leaves_screens() -> str:
    """A withdrawn story leaves every screen within a poll plus the feed's max-age."""
    minutes = max(1, math.ceil((settings.WALL_POLL_SECONDS + settings.WALL_FEED_MAX_AGE) / 60))
    return ngettext(
        "Its text has been erased. If it was on the wall, it leaves the screens within %(n)d "
        "minute.",
        "Its text has been erased. If it was on the wall, it leaves the screens within %(n)d "
        "minutes.",
        minutes,
    ) % {"n": minutes}


def kiosk_countdown(seconds: float) -> list[str]:
    """The countdown's sentence for every second it shows, each with its own plural form."""
    return [
        ngettext(
            "Everything will be wiped in %(n)d second.",
            "Everything will be wiped in %(n)d seconds.",
            n,
        )
        % {"n": n}
        for n in range(math.ceil(seconds) + 1)
    ]
