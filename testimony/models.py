import uuid

from django.conf import settings
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from testimony.sealing import SealedTextField


class Region(models.TextChoices):
    """The 17 regions and the 3 cities of republican significance of Kazakhstan."""

    ASTANA = "astana", _("Astana")
    ALMATY_CITY = "almaty-city", _("Almaty")
    SHYMKENT = "shymkent", _("Shymkent")
    ABAI = "abai", _("Abai Region")
    AKMOLA = "akmola", _("Akmola Region")
    AKTOBE = "aktobe", _("Aktobe Region")
    ALMATY = "almaty", _("Almaty Region")
    ATYRAU = "atyrau", _("Atyrau Region")
    EAST = "east-kazakhstan", _("East Kazakhstan Region")
    JAMBYL = "jambyl", _("Jambyl Region")
    JETISU = "jetisu", _("Jetisu Region")
    KARAGANDA = "karaganda", _("Karaganda Region")
    KOSTANAY = "kostanay", _("Kostanay Region")
    KYZYLORDA = "kyzylorda", _("Kyzylorda Region")
    MANGYSTAU = "mangystau", _("Mangystau Region")
    NORTH = "north-kazakhstan", _("North Kazakhstan Region")
    PAVLODAR = "pavlodar", _("Pavlodar Region")
    TURKISTAN = "turkistan", _("Turkistan Region")
    ULYTAU = "ulytau", _("Ulytau Region")
    WEST = "west-kazakhstan", _("West Kazakhstan Region")


class Consent(models.TextChoices):
    WALL = "wall", _("May be shown on the wall after review")
    PRIVATE = "private", _("Private: reviewed for safety and counted, never shown")


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    PENDING = "pending", _("Waiting for review")
    HELD = "held", _("Held")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Channel(models.TextChoices):
    WEB = "web", _("Web form")
    API = "api", _("API")
    KIOSK = "kiosk", _("Kiosk")


class Layout(models.TextChoices):
    SINGLE = "single", _("One story at a time")
    MOSAIC = "mosaic", _("A mosaic of stories")


class LabelPolicy(models.TextChoices):
    SHOW = "show", pgettext_lazy("content-warning policy of a label", "Show")
    WARN = "warn", _("Show behind a warning card")
    EXCLUDE = "exclude", _("Do not show")


def _all_languages() -> list[str]:
    return ["kk", "ru", "en"]


class Label(models.TextChoices):
    """Content warnings an approved story carries on the wall."""

    PHYSICAL = "physical-violence", _("Physical violence")
    SEXUAL = "sexual-violence", _("Sexual violence")
    CHILDREN = "violence-against-children", _("Violence against children")
    SELF_HARM = "self-harm", _("Self-harm")


class Installation(models.Model):
    """A place with screens (and perhaps a kiosk) that shows the wall.

    Everything here is public: it shapes what the screens and the web wall show.
    """

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), unique=True)
    languages = models.JSONField(
        _("languages shown"),
        default=_all_languages,
        help_text=_("Stories in these languages are shown (kk, ru, en)."),
    )
    rotation_seconds = models.PositiveSmallIntegerField(
        _("seconds per story"), default=12, help_text=_("How long each story stays on a screen.")
    )
    layout = models.CharField(_("layout"), max_length=8, choices=Layout.choices, default="single")
    label_policy = models.JSONField(
        _("content-warning policy"),
        default=dict,
        blank=True,
        help_text=_(
            'Per label: "show", "warn" (behind a warning card) or "exclude". '
            "Labels not listed are shown behind a warning card."
        ),
    )
    helplines = models.JSONField(
        _("helpline text per language"),
        default=dict,
        blank=True,
        help_text=_('Per language code, e.g. {"kk": "...", "ru": "...", "en": "..."}.'),
    )
    on_web = models.BooleanField(_("shown on the web wall"), default=False)
    # One statistic shown between stories (figures: a question's key), or none.
    statistic = models.CharField(
        _("statistic between stories"),
        max_length=16,
        blank=True,
        choices=[
            ("relation", _("Who did it")),
            ("forms", _("Forms of violence")),
            ("age_band", _("Age")),
            ("police", _("The police")),
            ("knew_help", _("Knew where to get help")),
        ],
        help_text=_("Shown now and then between stories, from the latest published numbers."),
    )
    # Bumped in the same transaction as every change to what this installation's feed shows.
    feed_version = models.PositiveBigIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("installation")
        verbose_name_plural = _("installations")
        permissions = [("operate_wall", _("Can pause the walls and intake, and see the screens"))]

    def __str__(self) -> str:
        return self.name

    def policy_for(self, label: str) -> str:
        value = (self.label_policy or {}).get(label, LabelPolicy.WARN)
        return value if value in LabelPolicy.values else LabelPolicy.WARN

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        known = {code for code, _name in settings.LANGUAGES}
        if not isinstance(self.languages, list) or not set(self.languages) <= known:
            raise ValidationError({"languages": _("A list of language codes: kk, ru, en.")})
        policy = self.label_policy or {}
        if not isinstance(policy, dict) or not set(policy.values()) <= set(LabelPolicy.values):
            raise ValidationError(
                {"label_policy": _('Each label maps to "show", "warn" or "exclude".')}
            )
        if not isinstance(self.helplines, dict):
            raise ValidationError({"helplines": _("A mapping from language code to text.")})
        if self.rotation_seconds < 3:
            raise ValidationError({"rotation_seconds": _("At least 3 seconds.")})


class KioskDevice(models.Model):
    """A kiosk machine registered to an installation. It names a machine, never a person.

    Both the one-time setup code and the device token are stored as SHA-256 digests only.
    """

    installation = models.ForeignKey(
        Installation,
        on_delete=models.CASCADE,
        related_name="kiosks",
        verbose_name=_("installation"),
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("e.g. “Hall A, left”"))
    setup_code_hash = models.CharField(max_length=64, blank=True, editable=False)
    setup_code_expires = models.DateTimeField(null=True, blank=True, editable=False)
    token_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    registered_on = models.DateField(_("registered on"), null=True, blank=True, editable=False)
    revoked = models.BooleanField(_("revoked"), default=False)

    class Meta:
        verbose_name = _("kiosk device")
        verbose_name_plural = _("kiosk devices")

    def __str__(self) -> str:
        return f"{self.installation} / {self.name}"


class Screen(models.Model):
    """A wall screen, known by the random id it made for itself, and when it was last seen."""

    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="screens")
    screen_id = models.CharField(max_length=32)
    last_seen = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["installation", "screen_id"], name="one_screen_per_id")
        ]

    def __str__(self) -> str:
        return f"{self.installation} / {self.screen_id}"


class Switches(models.Model):
    """The lead's pause switches. One row."""

    walls_paused = models.BooleanField(_("all walls paused"), default=False)
    intake_paused = models.BooleanField(_("intake paused"), default=False)

    class Meta:
        verbose_name = _("pause switches")
        verbose_name_plural = _("pause switches")

    def __str__(self) -> str:
        return str(_("pause switches"))


class StoryQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        # Sealing a text made each new story a data key; bulk_create sends no post_save.
        from testimony import keys

        with transaction.atomic(using=self.db):
            made = super().bulk_create(objs, *args, **kwargs)
            keys.store_new_keys(made, using=self.db)
        return made


class Story(models.Model):
    """An anonymous story: it keeps the day it arrived and nothing finer (invariant 2)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Sealed under the story's own data key (testimony.sealing); reads as plain text.
    text = SealedTextField(_("text"), story_attr="pk")
    language = models.CharField(_("language"), max_length=8, blank=True)
    region = models.CharField(_("region"), max_length=32, choices=Region.choices, blank=True)
    consent = models.CharField(_("consent"), max_length=16, choices=Consent.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.RECEIVED, db_index=True
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    received_on = models.DateField(_("received on"))
    receipt_key_id = models.CharField(max_length=16)
    receipt_hash = models.CharField(max_length=64, unique=True)
    urgent = models.BooleanField(_("urgent"), default=False)
    screening_incomplete = models.BooleanField(_("screening incomplete"), default=False)
    # Sent without a proof of work (no JavaScript, or a browser that cannot run it): only the
    # form's time lock slowed it down, so moderators look at it with that in mind.
    no_proof_of_work = models.BooleanField(_("sent without proof of work"), default=False)
    version = models.PositiveIntegerField(default=1)
    # Review flags beside the status: waits for a lead; needs a second moderator's approval.
    escalated = models.BooleanField(_("escalated"), default=False)
    second_review_needed = models.BooleanField(_("second review needed"), default=False)

    # Review and publication. The wall shows `published_text` (the redacted text), never `text`.
    published_text = SealedTextField(_("published text"), story_attr="pk")
    labels = models.JSONField(_("content-warning labels"), default=list, blank=True)
    installations = models.ManyToManyField(
        Installation, blank=True, related_name="stories", verbose_name=_("shown at")
    )
    # The kiosk's installation, when told there: that installation's screens wait longer.
    told_at = models.ForeignKey(
        Installation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The one exact time on a story (approval plus a random delay); cleared on publication.
    publish_at = models.DateTimeField(null=True, blank=True, db_index=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    # The one-time token of her optional answers (figures): kept only until the review
    # decides, then erased here and on the answers' side (README, "Numbers for advocates").
    statistics_token = models.CharField(max_length=64, blank=True, editable=False)

    objects = StoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("story")
        verbose_name_plural = _("stories")
        indexes = [
            # The review queue's keyset order: urgent first, oldest day first, then the random id.
            models.Index(
                fields=["status", "-urgent", "received_on", "id"], name="story_queue_order"
            ),
            # The queue's counts read only this (an index-only scan of the waiting stories).
            models.Index(
                fields=["status", "language", "urgent", "escalated", "second_review_needed"],
                condition=models.Q(status__in=["pending", "held"]),
                name="story_queue_counts",
            ),
            # The walls' order: newest day first, then the random id (never arrival order).
            models.Index(
                fields=["-published_on", "id"],
                name="story_wall_order",
                condition=models.Q(status="published"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()} ({self.received_on})"

    def save(self, *args, **kwargs):
        # The row and its new data key (testimony.keys) are written together or not at all:
        # one transaction, and inside a caller's, the caller's (no savepoint: nothing here is
        # retried on its own, and a savepoint is two round trips on every story told).
        using = kwargs.get("using") or self._state.db or "default"
        with transaction.atomic(using=using, savepoint=False):
            super().save(*args, **kwargs)

    @property
    def text_damaged(self) -> bool:
        """Its text did not open under its own key: changed on disk, or moved from another row."""
        from testimony.sealing import sealed_damaged

        self.text, self.published_text  # noqa: B018 (reading opens them)
        return sealed_damaged(self)


class StoryKey(models.Model):
    """A story's data key, wrapped by its epoch's key-encryption key (kept in the keystore,
    never here). Deleting this row erases every copy of the story's sealed texts."""

    story = models.OneToOneField(
        Story, on_delete=models.CASCADE, primary_key=True, related_name="sealing_key"
    )
    epoch = models.PositiveIntegerField(db_index=True)
    wrapped = models.BinaryField()

    def __str__(self) -> str:
        return f"key (epoch {self.epoch})"


class WallReport(models.Model):
    """Someone on the web wall asked a lead to look at a published story again.

    Holds the story and a count only: who reported is not known and not kept.
    """

    story = models.OneToOneField(Story, on_delete=models.CASCADE, related_name="wall_report")
    count = models.PositiveIntegerField(default=1)
    reported_on = models.DateField()

    def __str__(self) -> str:
        return f"{self.count} report(s)"


class AuditAction(models.TextChoices):
    """Everything the audit log records. testimony.audit.audit_record is its one writer."""

    # A story's way through intake, screening and review (these carry the day only).
    SCREENED = "screened", _("screened")
    HELD = "held", _("held")
    CLAIMED = "claimed", _("claimed")
    SKIPPED = "skipped", _("skipped")
    REDACTED = "redacted", _("redacted")
    APPROVED_FIRST = "approved_first", _("first approval")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")
    ESCALATED = "escalated", _("escalated")
    RELEASED = "released", _("released")
    URGENCY_MARKED = "urgency_marked", _("urgency marked by a moderator")
    PUBLISHED = "published", _("published")
    UNPUBLISHED = "unpublished", _("unpublished")
    REPORTED = "reported", _("reported on the web wall")
    REPORT_DISMISSED = "report_dismissed", _("report dismissed")
    WITHDRAWN = "withdrawn", _("withdrawn")
    ERASED = "erased", _("erased")
    # Accounts, logins and settings (these carry their exact time).
    LOGIN = "login", _("login")
    LOGOUT = "logout", _("logout")
    LOGIN_FAILED = "login_failed", _("failed login")
    OTP_VERIFIED = "otp_verified", _("code verified")
    OTP_FAILED = "otp_failed", _("wrong code")
    TOTP_ENROLLED = "totp_enrolled", _("code device enrolled")
    TOTP_RESET = "totp_reset", _("code device reset")
    TOKEN_ISSUED = "token_issued", _("API token issued")
    TOKENS_REVOKED = "tokens_revoked", _("API tokens revoked")
    MODERATOR_CREATED = "moderator_created", _("account created")
    ROLE_CHANGED = "role_changed", _("role changed")
    LANGUAGES_CHANGED = "languages_changed", _("languages changed")
    DAILY_CAP_CHANGED = "daily_cap_changed", _("daily cap changed")
    ACCOUNT_ENABLED = "account_enabled", _("account enabled")
    ACCOUNT_DISABLED = "account_disabled", _("account deactivated")
    PREFERENCES_CHANGED = "preferences_changed", _("preferences changed")
    ADMIN_ADDED = "admin_added", _("added in the admin")
    ADMIN_CHANGED = "admin_changed", _("changed in the admin")
    ADMIN_DELETED = "admin_deleted", _("deleted in the admin")
    WALLS_PAUSED = "walls_paused", _("walls paused")
    WALLS_RESUMED = "walls_resumed", _("walls resumed")
    INTAKE_PAUSED = "intake_paused", _("intake paused")
    INTAKE_RESUMED = "intake_resumed", _("intake resumed")


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("audit events are append-only")

    def delete(self):
        raise PermissionError("audit events are append-only")


class AuditEvent(models.Model):
    """An append-only record of one action. Events naming a story carry the day only."""

    # Erasing a story keeps its audit trail: it holds no text, only what was done and why.
    kept_on_story_erasure = True

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    action = models.CharField(max_length=32, choices=AuditAction.choices)
    # PROTECT: an account with a trail is deactivated, never deleted (nothing rewrites the log).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    story_id = models.UUIDField(null=True, blank=True, db_index=True)
    day = models.DateField(null=True, blank=True)
    at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=64, blank=True)
    # How long the moderator held the story before this event (claim to decision).
    duration = models.DurationField(null=True, blank=True)
    # What an event that names no story is about: an account, a setting.
    subject = models.CharField(max_length=150, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        constraints = [
            # A story event never carries an exact time (DESIGN.md, invariant 2).
            models.CheckConstraint(
                condition=models.Q(story_id__isnull=True) | models.Q(at__isnull=True),
                name="story_events_carry_day_only",
            )
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.day or self.at}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("audit events are append-only")


class ResourceKind(models.TextChoices):
    EMERGENCY = "emergency", _("Emergency")
    POLICE = "police", _("Police")
    HELPLINE = "helpline", _("Helpline")
    CRISIS_CENTRE = "crisis-centre", _("Crisis centre")
    LEGAL = "legal", _("Legal help")
    SHELTER = "shelter", _("Shelter")


class HelpResource(models.Model):
    """A helpline or crisis centre shown to survivors, per region (blank: the whole country)
    and language. Managed by the operator in the admin; each entry is checked before going live.
    """

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=ResourceKind.choices)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    url = models.URLField(_("web address"), blank=True)
    description = models.TextField(_("description"), blank=True)
    hours = models.CharField(_("hours"), max_length=100, blank=True)
    region = models.CharField(
        _("region"),
        max_length=32,
        choices=Region.choices,
        blank=True,
        help_text=_("Leave empty for the whole country."),
    )
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        help_text=_("The language of this entry's name and description."),
    )
    # Shown first, with a plain sentence about immediate help, when a story speaks of danger.
    emergency = models.BooleanField(_("call first in danger"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    active = models.BooleanField(_("shown"), default=True)
    # Only a verified entry is shown to survivors. A check is good for HELP_VERIFY_DAYS: past it
    # the entry drops back to unverified (testimony.help) until someone checks it again.
    verified = models.BooleanField(
        _("verified"),
        default=False,
        help_text=_(
            "Call the number and check every detail, then tick this. Only verified entries are "
            "shown to survivors."
        ),
    )
    verified_on = models.DateField(
        _("last verified on"),
        null=True,
        blank=True,
        help_text=_("Set when it is marked verified; it must be checked again after a while."),
    )

    class Meta:
        verbose_name = _("help resource")
        verbose_name_plural = _("help resources")
        ordering = ["-emergency", "order", "name"]
        indexes = [models.Index(fields=["language", "region"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.phone or self.url})"
