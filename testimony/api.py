"""The public JSON API: intake and receipts. Thin: each view validates and calls a service."""

import copy

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.utils.formatting import lazy_format
from rest_framework.utils.serializer_helpers import ReturnDict
from rest_framework.validators import ProhibitSurrogateCharactersValidator
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from figures.questions import QUESTIONS, AnswersInvalid, answers_parse
from testimony import abuse, intake, receipts
from testimony.models import Channel, Consent, Region
from testimony.selectors import receipt_status
from testimony.services import story_withdraw

NO_DATA = _("The request body is empty: send a JSON object.")


class TextOnly(ProhibitSurrogateCharactersValidator):
    """DRF's refusal of a lone surrogate, in the caller's language (DRF's own has no Russian)."""

    message = _("Surrogate characters are not allowed: U+{code_point:X}.")


def _translated_validators(field: serializers.CharField) -> None:
    field.validators = [
        TextOnly() if isinstance(v, ProhibitSurrogateCharactersValidator) else v
        for v in field.validators
    ]


_NUMBERS = serializers.IntegerField | serializers.FloatField | serializers.DecimalField
UNKNOWN_FIELD = _("Unknown field.")  # in a body, or a query parameter an endpoint does not take


class _EachTime(lazy_format):
    """DRF's lazy_format formats its message once and keeps the result: in the language of the
    first caller it refuses, for every caller after, where its field is shared (below)."""

    __slots__ = ()

    def __str__(self):
        return self.format_string.format(*self.args, **self.kwargs)


def _messages_each_time(field: serializers.Field) -> None:
    for validator in getattr(field, "_validators", ()):
        message = getattr(validator, "message", None)
        if type(message) is lazy_format and message.result is None:
            validator.message = _EachTime(message.format_string, *message.args, **message.kwargs)


class StrictSerializer(serializers.Serializer):
    """Rejects any field it does not declare: an unexpected field is a mistake or a probe."""

    default_error_messages = {"unknown": UNKNOWN_FIELD, "not_text": _("This must be text.")}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # The declared flat fields' validators are shared by every request (get_fields): their
        # messages (a length, a value out of range) must be made in each caller's language.
        for field in cls._declared_fields.values():
            _messages_each_time(field)

    def get_fields(self):
        # DRF deep-copies every declared field for every request (each field's __init__ runs
        # again, its choices and validators rebuilt): a tenth of a story's intake. Binding a
        # field to this serializer only sets attributes on it, so a shallow copy of a flat field
        # is enough; a field holding fields (a list, a nested serializer) is copied deeply.
        return {
            name: copy.deepcopy(field)
            if hasattr(field, "child") or hasattr(field, "fields")
            else copy.copy(field)
            for name, field in self._declared_fields.items()
        }

    @property
    def errors(self):
        found = super().errors
        if [str(e) for e in found.get(api_settings.NON_FIELD_ERRORS_KEY, [])] == [
            "No data provided"
        ]:
            # DRF's words for a JSON null, never translated: ours instead.
            return ReturnDict({api_settings.NON_FIELD_ERRORS_KEY: [str(NO_DATA)]}, serializer=self)
        return found

    def validate(self, attrs):
        unknown = set(self.initial_data) - set(self.fields)
        if unknown:
            raise serializers.ValidationError(
                {name: [self.error_messages["unknown"]] for name in sorted(unknown)}
            )
        # DRF's CharField takes 0 for "0": a text field here takes text only, as the schema says.
        not_text = [
            name
            for name, field in self.fields.items()
            if isinstance(field, serializers.CharField)
            and name in self.initial_data
            and not isinstance(self.initial_data[name], str | None)
        ]
        if not_text:
            raise serializers.ValidationError(
                {name: [self.error_messages["not_text"]] for name in not_text}
            )
        too_long = self._too_long_as_sent()
        if too_long:
            raise serializers.ValidationError(too_long)
        # A query's `?size=`: DRF reads an optional parameter sent blank as not sent, which the
        # schema allows a text (or a choice) but not a number: a number sent blank is refused.
        blank = [
            name
            for name, field in self.fields.items()
            if isinstance(field, _NUMBERS) and self.initial_data.get(name) == ""
        ]
        if blank:
            raise serializers.ValidationError(
                {name: [self.fields[name].error_messages["invalid"]] for name in blank}
            )
        return attrs

    def _too_long_as_sent(self) -> dict[str, list[str]]:
        """DRF measures a text after trimming its whitespace, the schema's maxLength as sent: a
        text (or a list's text) longer than its limit as sent is refused, whatever it holds."""
        found = {}
        for name, field in self.fields.items():
            sent = self.initial_data.get(name)
            texts = sent if isinstance(sent, list) else [sent]
            field = getattr(field, "child", field)
            limit = field.max_length if isinstance(field, serializers.CharField) else None
            if limit and any(isinstance(text, str) and len(text) > limit for text in texts):
                found[name] = [field.error_messages["max_length"].format(max_length=limit)]
        return found


class StoryText(serializers.CharField):
    """Her story, passed on exactly as she sent it: intake checks and cleans it, once."""

    default_error_messages = {
        "invalid": _("The story must be text."),
        "required": intake.EMPTY_STORY,
        "blank": intake.EMPTY_STORY,
        "null": intake.EMPTY_STORY,
    }

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        _translated_validators(self)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return data


class ConsentChoice(serializers.ChoiceField):
    default_error_messages = {
        "required": intake.NO_CONSENT,
        "null": intake.NO_CONSENT,
        "invalid_choice": intake.UNKNOWN_CONSENT,
    }


class RegionChoice(serializers.ChoiceField):
    default_error_messages = {"invalid_choice": intake.UNKNOWN_REGION}


def _answers_schema() -> dict:
    def one(question) -> dict:
        values = {"type": "string", "enum": list(question.values), "nullable": True}
        if question.many:
            return {"type": "array", "items": {"type": "string", "enum": list(question.values)}}
        return values

    return {
        "type": "object",
        "nullable": True,
        "additionalProperties": False,
        "properties": {question.key: one(question) for question in QUESTIONS},
    }


@extend_schema_field(_answers_schema())
class AnswersField(serializers.Field):
    """The optional answers (figures.questions): unknown keys or values are refused, so the
    story is not stored either."""

    def to_internal_value(self, data):
        try:
            return answers_parse(data)
        except AnswersInvalid as invalid:
            raise serializers.ValidationError(invalid.errors) from invalid

    def to_representation(self, value):
        return None


class IntakeClosed(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = _("We are not taking new stories right now. Please come back later.")
    default_code = "intake_paused"


def story_intake_answer(serializer: serializers.Serializer, door: intake.Door, body) -> Response:
    """Intake for a JSON door (the API, the kiosk): the serializer's errors go to intake as the
    door's problem (a paused intake still says so first), and its answer becomes a response.
    `body(answer)` is what an accepted story answers with."""
    valid = serializer.is_valid()
    fields = dict(serializer.validated_data) if valid else {}
    answer = intake.story_intake(
        draft=intake.Draft(
            text=fields.get("text", ""),
            consent=fields.get("consent", ""),
            region=fields.get("region", ""),
            answers=fields.get("answers"),
            problem=None if valid else serializer.errors,
        ),
        door=door,
    )
    match answer.outcome:
        case intake.Outcome.ACCEPTED:
            return Response(body(answer), status=status.HTTP_201_CREATED)
        case intake.Outcome.CLOSED:
            raise IntakeClosed()
        case intake.Outcome.REFUSED_AT_DOOR:
            raise exceptions.ValidationError(answer.problem)
        case intake.Outcome.INVALID:
            raise exceptions.ValidationError(answer.errors)
        case intake.Outcome.PROOF_REFUSED:
            raise exceptions.ValidationError({"altcha": [answer.message]})
        case _:
            raise exceptions.Throttled(detail=answer.message)


class StoryCreateApi(APIView):
    class Input(StrictSerializer):
        text = StoryText(trim_whitespace=False, max_length=settings.STORY_MAX_CHARS * 4)
        region = RegionChoice(choices=Region.choices, required=False, allow_blank=True)
        consent = ConsentChoice(choices=Consent.choices)
        # Optional, coarse answers for the statistics: every one may be left out.
        answers = AnswersField(required=False, allow_null=True)
        # A solved challenge from GET /api/v1/challenge/ (required unless POW_ENABLED=false).
        altcha = serializers.CharField(required=False, allow_blank=True, trim_whitespace=True)

    class Output(serializers.Serializer):
        receipt = serializers.CharField(help_text="The receipt as a code.")
        words = serializers.DictField(
            child=serializers.ListField(child=serializers.CharField()),
            help_text="The same receipt as eight words, in each language (kk, ru, en).",
        )
        status = serializers.CharField()

    @extend_schema(request=Input, responses={201: Output})
    def post(self, request):
        door = intake.Door(
            channel=Channel.API,
            caller=abuse.Caller.of(request),
            proof=str(request.data.get("altcha") or "").strip()
            if isinstance(request.data, dict)
            else "",
            once_key=request.headers.get("Idempotency-Key", ""),
        )
        return story_intake_answer(
            self.Input(data=request.data),
            door,
            lambda answer: {
                "receipt": answer.receipt,
                "words": {
                    lang: receipts.words_of(answer.receipt, lang)
                    for lang in receipts.WORD_LANGUAGES
                },
                "status": answer.status,
            },
        )


class ChallengeApi(APIView):
    """A proof-of-work challenge for POST /api/v1/stories/ (the `altcha` field)."""

    @extend_schema(
        responses={
            200: inline_serializer(
                "Challenge",
                {"parameters": serializers.DictField(), "signature": serializers.CharField()},
            )
        }
    )
    def get(self, request):
        return Response(abuse.challenge_for(abuse.Caller.of(request)))


class ReceiptCode(serializers.CharField):
    default_error_messages = {"invalid": _("The receipt code must be text.")}

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        _translated_validators(self)


class ReceiptInput(StrictSerializer):
    # the code, or the eight words (in any of the three languages, one per line or not)
    receipt = ReceiptCode(max_length=300)


def _check_receipt_rate(request) -> None:
    if not abuse.receipt_lookup_allowed(abuse.Caller.of(request)):
        raise exceptions.Throttled(detail=abuse.TOO_MANY_TRIES)


class ReceiptStatusApi(APIView):
    @extend_schema(
        request=ReceiptInput,
        responses={
            200: inline_serializer(
                "ReceiptStatus",
                {"status": serializers.CharField(), "message": serializers.CharField()},
            )
        },
    )
    def post(self, request):
        data = ReceiptInput(data=request.data)
        data.is_valid(raise_exception=True)
        _check_receipt_rate(request)
        found = receipt_status(receipt=data.validated_data["receipt"])
        if found is None:
            raise exceptions.NotFound(receipts.NOT_FOUND)
        code, words = found
        return Response({"status": code, "message": words})


class ReceiptWithdrawApi(APIView):
    @extend_schema(
        request=ReceiptInput,
        responses={200: inline_serializer("Withdrawn", {"status": serializers.CharField()})},
    )
    def post(self, request):
        data = ReceiptInput(data=request.data)
        data.is_valid(raise_exception=True)
        _check_receipt_rate(request)
        if not story_withdraw(receipt=data.validated_data["receipt"]):
            raise exceptions.NotFound(receipts.NOT_FOUND)
        return Response({"status": "withdrawn"})


def exception_handler(exc, context):
    """DRF's shape for every error, including the ones Django raises before DRF parses."""
    from django.core.exceptions import RequestDataTooBig

    if isinstance(exc, RequestDataTooBig):
        exc = exceptions.ValidationError({"detail": [_("The request is too large.")]})
        exc.status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    return drf_exception_handler(exc, context)
