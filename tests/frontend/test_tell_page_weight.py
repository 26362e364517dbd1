"""The tell page transfers under 100 KB on first load, proof-of-work widget included."""

import gzip
import re

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db

BUDGET = 100 * 1024


def first_load(client, path: str = "/ru/tell/") -> dict[str, tuple[int, int]]:
    """Every resource a browser fetches for the page: url -> (bytes, gzip bytes).

    Static files are served compressed (whitenoise serves the .gz that collectstatic writes);
    the page itself is counted uncompressed (HTML with a form token is not compressed).
    """
    html = client.get(path).content
    text = html.decode()
    sizes = {path: (len(html), len(html))}
    urls = re.findall(
        r'<(?:link rel="stylesheet"|script[^>]*) (?:href|src)="(/static/[^"]+)"', text
    )
    urls += re.findall(r'data-worker="(/static/[^"]+)"', text)
    for url in dict.fromkeys(urls):
        path_on_disk = finders.find(url.removeprefix("/static/"))
        assert path_on_disk, url
        raw = open(path_on_disk, "rb").read()
        sizes[url] = (len(raw), len(gzip.compress(raw, 9)))
    if 'data-challenge="' in text:
        challenge = client.get(re.search(r'data-challenge="([^"]+)"', text).group(1)).content
        sizes["challenge"] = (len(challenge), len(challenge))
    return sizes


def test_the_tell_page_loads_under_100_kb(client, settings):
    settings.POW_ENABLED = True
    sizes = first_load(client)
    assert any("altcha" in url for url in sizes)  # the widget is counted
    transferred = sum(compressed for _, compressed in sizes.values())
    assert transferred < BUDGET, sizes


def test_no_web_font_is_loaded(client, settings):
    settings.POW_ENABLED = True
    assert not any(url.endswith((".woff", ".woff2", ".ttf", ".otf")) for url in first_load(client))
