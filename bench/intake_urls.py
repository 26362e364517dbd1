"""config.urls plus bench/intake.py's baseline: a bare Django view that parses the same JSON
and inserts one row, through the same middleware, and does nothing else."""

import json
import secrets

from django.http import JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from config.urls import urlpatterns as untold
from testimony.models import Story


@csrf_exempt
def bare(request):
    body = json.loads(request.body)
    Story.objects.create(
        text=body["text"],
        consent=body["consent"],
        channel="api",
        received_on=timezone.localdate(),
        receipt_key_id="bench",
        receipt_hash=secrets.token_hex(32),
    )
    return JsonResponse({"receipt": secrets.token_urlsafe(16), "status": "received"}, status=201)


urlpatterns = [path("bench/bare-intake/", bare), *untold]
