"""OpenAPI descriptions of the wall's plain Django endpoints.

The feed, the installation list and the heartbeat are plain views (every screen polls the feed:
it skips DRF's machinery), so drf-spectacular cannot see them; this hook adds them to
/api/v1/schema/ so the schema still describes every endpoint.
"""

_SLUG = {"name": "installation", "in": "path", "required": True, "schema": {"type": "string"}}
_STORY = {
    "type": "object",
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "text": {"type": "string", "description": "The published (redacted) text."},
        "language": {"type": "string", "enum": ["kk", "ru", "en", "mixed", ""]},
        "labels": {"type": "array", "items": {"type": "string"}},
        "published_on": {"type": "string", "format": "date", "description": "A day, never a time."},
    },
}
_INSTALLATION = {
    "type": "object",
    "properties": {
        "slug": {"type": "string"},
        "name": {"type": "string"},
        "languages": {"type": "array", "items": {"type": "string"}},
    },
}
_JSON = "application/json"

PATHS = {
    "/api/v1/wall/": {
        "get": {
            "operationId": "wall_installations",
            "summary": "The installations the web wall shows.",
            "tags": ["wall"],
            "responses": {
                "200": {
                    "description": "Public installations.",
                    "content": {
                        _JSON: {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "installations": {"type": "array", "items": _INSTALLATION}
                                },
                            }
                        }
                    },
                }
            },
        }
    },
    "/api/v1/wall/{installation}/stories/": {
        "get": {
            "operationId": "wall_feed",
            "summary": "Published stories for an installation's policy, newest day first.",
            "description": "ETag from the feed version; send If-None-Match for a 304. "
            "Cache-Control: public, short max-age. `next` is the cursor of the next page.",
            "tags": ["wall"],
            "parameters": [
                _SLUG,
                {"name": "after", "in": "query", "required": False, "schema": {"type": "string"}},
                {
                    "name": "If-None-Match",
                    "in": "header",
                    "required": False,
                    "schema": {"type": "string"},
                },
            ],
            "responses": {
                "200": {
                    "description": "A page of the feed.",
                    "content": {
                        _JSON: {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "installation": _INSTALLATION,
                                    "paused": {"type": "boolean"},
                                    "warn_labels": {"type": "array", "items": {"type": "string"}},
                                    "stories": {"type": "array", "items": _STORY},
                                    "next": {"type": "string", "nullable": True},
                                },
                            }
                        }
                    },
                },
                "304": {"description": "Not modified since the ETag sent."},
                "400": {
                    "description": "Not a cursor from this feed, or a parameter it does not take."
                },
                "404": {"description": "No such installation."},
            },
        }
    },
    "/api/v1/wall/{installation}/heartbeat/": {
        "post": {
            "operationId": "wall_heartbeat",
            "summary": "A screen says it is alive (leads see when screens were last seen).",
            "tags": ["wall"],
            "parameters": [_SLUG],
            "requestBody": {
                "content": {
                    _JSON: {
                        "schema": {
                            "type": "object",
                            "properties": {
                                "screen": {
                                    "type": "string",
                                    "description": (
                                        "The id the screen page issued (signed for this "
                                        "installation); any other is refused."
                                    ),
                                }
                            },
                        }
                    }
                }
            },
            "responses": {
                "204": {"description": "Seen."},
                "400": {"description": "Refused: not JSON, or an id not issued here."},
                "404": {"description": "No such installation."},
                "429": {"description": "Too many heartbeats from this rate-limit key."},
            },
        }
    },
}


def add_wall_paths(result, generator, request, public):
    result.setdefault("paths", {}).update(PATHS)
    return result
