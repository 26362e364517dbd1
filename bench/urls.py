"""config.urls plus the baseline: a bare Django view that returns the feed's own bytes.

bench/feed.py saves a feed response (body and ETag) to BENCH_BARE_FILE before it starts
gunicorn; this view answers with exactly those bytes and headers (or 304), through the
same middleware, and does nothing else.
"""

import json
import os
from pathlib import Path

from django.http import HttpResponse, HttpResponseNotModified
from django.urls import path

from config.urls import urlpatterns as untold

_saved = json.loads(Path(os.environ["BENCH_BARE_FILE"]).read_text())
BODY = _saved["body"].encode()
ETAG = _saved["etag"]
CACHE_CONTROL = _saved["cache_control"]


def bare(request):
    if request.META.get("HTTP_IF_NONE_MATCH") == ETAG:
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(BODY, content_type="application/json")
    response["ETag"] = ETAG
    response["Cache-Control"] = CACHE_CONTROL
    return response


urlpatterns = [path("bench/bare/", bare), *untold]
