"""Reads of the releases: what the API, the page, the downloads and the wall show."""

from figures.models import Release


def release_latest() -> Release | None:
    return Release.objects.first()


def release_cells(
    *,
    release: Release,
    question: str | None = None,
    region: str | None = None,
    period: str | None = None,
) -> list[dict]:
    return [
        cell
        for cell in release.cells
        if (question is None or cell["question"] == question)
        and (region is None or cell["region"] == region)
        and (period is None or cell["period"] == period)
    ]
