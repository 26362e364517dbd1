"""Stories are made through the same services the product uses."""

import factory

from testimony.models import Channel, Consent
from testimony.services import story_submit


class SubmittedStoryFactory(factory.Factory):
    """Returns testimony.services.Submitted (the receipt is only known at submission)."""

    class Meta:
        model = dict

    text = factory.Sequence(lambda n: f"This happened to me, and I want it told. Story number {n}.")
    consent = Consent.WALL
    channel = Channel.WEB
    region = ""

    @classmethod
    def _create(cls, model_class, **kwargs):
        return story_submit(**kwargs)
