"""Read a JSON request body: every endpoint that takes JSON reads it here, through `loads`.

Python's json parser recurses once per nested array or object: a body of 50,000 "[" makes it
raise RecursionError, which no caller expected (a 500). Here it is a clear error instead, and
so is any nesting deeper than MAX_DEPTH, which no request of ours needs (the deepest, the
moderation decision, nests three levels).
"""

import json

from django.utils.translation import gettext_lazy as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_DEPTH = 32


class BodyRefused(ValueError):
    """The body is not JSON we read. `message` says why, in the active language."""

    message = _("The request body is not valid JSON.")
    code = "invalid_json"


class NotJson(BodyRefused):
    pass


class TooDeep(BodyRefused):
    message = _("The request body is nested too deeply. Send a flat JSON object.")
    code = "too_deep"


def _refuse_constant(name: str):
    raise NotJson(f"{name} is not JSON")  # NaN and Infinity: Python accepts them, JSON does not


def _object_without_duplicates(pairs: list) -> dict:
    # Python keeps the last of two equal names; another reader may keep the first. A body that
    # names a field twice could mean one thing to a proxy or a log and another to us: refused.
    value = dict(pairs)
    if len(value) != len(pairs):
        raise NotJson("a name appears twice in one object")
    return value


def _depth_exceeds(value, limit: int) -> bool:
    """Whether any container in `value` is nested deeper than `limit` (no recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def loads(raw: bytes | str) -> object:
    """The value of a JSON body, or BodyRefused (NotJson, TooDeep); never another exception.

    Bytes must be UTF-8 (RFC 8259). An empty body is not JSON either: callers that allow no
    body check for it before calling.
    """
    if isinstance(raw, bytes | bytearray):
        try:
            raw = bytes(raw).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise NotJson("not UTF-8") from exc
    try:
        value = json.loads(
            raw, parse_constant=_refuse_constant, object_pairs_hook=_object_without_duplicates
        )
    except RecursionError as exc:
        raise TooDeep("nested beyond the parser's recursion limit") from exc
    except BodyRefused:
        raise
    except ValueError as exc:  # JSONDecodeError, and lone surrogates in some builds
        raise NotJson(str(exc)) from exc
    if _depth_exceeds(value, MAX_DEPTH):
        raise TooDeep(f"nested deeper than {MAX_DEPTH}")
    return value


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, reading through `loads` (config/settings.py installs it everywhere)."""

    def parse(self, stream, media_type=None, parser_context=None):
        if stream is None:
            return None
        try:
            return loads(stream.read())
        except BodyRefused as exc:
            raise ParseError(exc.message, code=exc.code) from exc
