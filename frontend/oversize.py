"""What can be kept of a form too large to read (over MAX_REQUEST_BYTES).

Django refuses to read such a body (RequestDataTooBig). A survivor who pasted a very long
story must not lose it to a bare error page: the start of the body, up to the limit, is read
and parsed here, so the tell page can give back what fits. Nothing here stores or logs.
"""

import re
from dataclasses import dataclass, field
from urllib.parse import unquote_plus

from django.conf import settings

# A percent escape the limit cut in two ("%", "%D").
_CUT_ESCAPE = re.compile(rb"%[0-9A-Fa-f]?$")


@dataclass(frozen=True)
class Start:
    """The fields at the start of the body: complete ones, and the name of the one cut off."""

    fields: dict[str, str] = field(default_factory=dict)
    cut: str | None = None


def _decode(raw: bytes, *, cut: bool) -> str:
    if cut:
        raw = _CUT_ESCAPE.sub(b"", raw)
    value = unquote_plus(raw.decode("ascii", "replace"), encoding="utf-8", errors="replace")
    # A character whose bytes the limit split ends in replacement characters: drop them.
    return value.rstrip("\ufffd") if cut else value


def form_start(request) -> Start:
    """The start of an urlencoded form body that is over the limit (read once, up to it)."""
    if request.content_type != "application/x-www-form-urlencoded":
        return Start()
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    try:
        raw = request.read(limit)
    except OSError:  # the client went away
        return Start()
    body_cut = len(raw) >= limit
    pieces = raw.split(b"&")
    fields: dict[str, str] = {}
    cut = None
    for index, piece in enumerate(pieces[: settings.DATA_UPLOAD_MAX_NUMBER_FIELDS or 1000]):
        last = body_cut and index == len(pieces) - 1
        name, _, value = piece.partition(b"=")
        name = _decode(name, cut=False)
        if last:
            cut = name
        fields.setdefault(name, _decode(value, cut=last))
    return Start(fields=fields, cut=cut)
