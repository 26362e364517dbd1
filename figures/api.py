"""GET /api/v1/statistics/: the latest release, suppressed cells absent."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from figures.selectors import release_latest


def release_document(release) -> dict:
    if release is None:
        return {"released_on": None, "k": None, "rounding": None, "cells": []}
    return {
        "released_on": release.released_on.isoformat(),
        "k": release.k,
        "rounding": release.rounding,
        "cells": release.cells,
    }


class StatisticsApi(APIView):
    @extend_schema(
        responses={
            200: inline_serializer(
                "Statistics",
                {
                    "released_on": serializers.DateField(allow_null=True),
                    "k": serializers.IntegerField(allow_null=True),
                    "rounding": serializers.IntegerField(allow_null=True),
                    "cells": serializers.ListField(child=serializers.DictField()),
                },
            )
        }
    )
    def get(self, request):
        return Response(release_document(release_latest()))
