"""Protection from reading trauma all day: a break is suggested after a number of stories or
minutes of work (settings BREAK_AFTER_STORIES, BREAK_AFTER_MINUTES).

The count lives in the moderator's own session: it is about her, never about a story.
"""

import time

from django.conf import settings

_STARTED, _COUNT = "wellbeing_started", "wellbeing_decided"


class Wellbeing:
    def __init__(self, session):
        self.session = session

    def start(self) -> None:
        self.session[_STARTED] = time.time()
        self.session[_COUNT] = 0

    def decided(self) -> None:
        if _STARTED not in self.session:
            self.start()
        self.session[_COUNT] = self.session.get(_COUNT, 0) + 1

    def took_break(self) -> None:
        self.start()

    def minutes_working(self) -> float:
        started = self.session.get(_STARTED)
        return 0.0 if started is None else (time.time() - started) / 60

    def suggest_break(self) -> bool:
        count = self.session.get(_COUNT, 0)
        if settings.BREAK_AFTER_STORIES and count >= settings.BREAK_AFTER_STORIES:
            return True
        return bool(
            settings.BREAK_AFTER_MINUTES
            and count > 0
            and self.minutes_working() >= settings.BREAK_AFTER_MINUTES
        )
