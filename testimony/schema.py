"""What /api/v1/schema/ says about errors and about what a body may hold, for every endpoint.

drf-spectacular describes the answer an endpoint gives when all goes well. Every endpoint can
also refuse: a body that does not validate (400), a missing or wrong token (401, 403), an id or
slug that names nothing (404), a method it does not take (405), a body too large (413), a body
that is not JSON (415), too many requests (429). This hook describes those answers on every
operation, so a client (or a schema fuzzer) can tell a documented refusal from a broken server,
and declares what the serializers enforce: a body that names a field the serializer does not
declare is refused (`additionalProperties: false`, StrictSerializer), and a text field that may
not be blank has `minLength: 1`.
"""

from rest_framework import serializers

_JSON = "application/json"
ERROR = {
    "type": "object",
    "description": '`{"detail": "..."}` or `{"<field>": ["..."]}`, in the caller\'s language.',
    "additionalProperties": True,
}
WHY = {
    "400": "The request does not validate: each field's problem, or `detail`.",
    "401": "No valid token.",
    "403": "The token's account may not do this.",
    "404": "Nothing has this id or slug.",
    "405": "The endpoint does not take this method.",
    "413": "The body is larger than MAX_REQUEST_BYTES.",
    "415": "The body is not JSON.",
    "429": "Too many requests for now: `detail` says when to try again.",
}


def _strict_serializers() -> dict[str, serializers.Serializer]:
    from testimony.api import StrictSerializer

    found, todo = {}, [StrictSerializer]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls is not StrictSerializer:
            found[cls.__name__.removesuffix("Serializer")] = cls
    return found


def _declare_strictness(schema: dict, serializer: type[serializers.Serializer]) -> None:
    schema["additionalProperties"] = False
    fields = serializer().fields
    for name, prop in schema.get("properties", {}).items():
        field = fields.get(name)
        if (
            isinstance(field, serializers.CharField)
            and not field.allow_blank
            and prop.get("type") == "string"
            and "enum" not in prop
        ):
            prop["minLength"] = max(1, prop.get("minLength", 0))


def _blank_is_omitted(parameter: dict) -> None:
    """DRF reads an optional query parameter sent blank (`?region=`) as not sent at all."""
    schema = parameter.get("schema", {})
    if (
        parameter.get("in") != "query"
        or parameter.get("required")
        or schema.get("type") != "string"
    ):
        return
    schema.pop("minLength", None)
    if "enum" in schema and "" not in schema["enum"]:
        schema["enum"] = [*schema["enum"], ""]


def describe_errors(result: dict, generator, request, public) -> dict:
    components = result.get("components", {}).get("schemas", {})
    strict = _strict_serializers()
    for name, serializer in strict.items():
        if name in components:
            _declare_strictness(components[name], serializer)
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                _blank_is_omitted(parameter)
            responses = operation.setdefault("responses", {})
            # 404 everywhere: an id, a slug or a receipt that names nothing.
            codes = ["400", "404", "405", "429"]
            if method in ("post", "put", "patch"):
                codes += ["413", "415"]
            secured = operation.get("security") and any(operation["security"])
            if secured or "/kiosk/" in path:  # a token, or a kiosk's device token
                codes += ["401", "403"]
            for code in codes:
                responses.setdefault(
                    code, {"description": WHY[code], "content": {_JSON: {"schema": ERROR}}}
                )
    return result
