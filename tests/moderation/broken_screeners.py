"""Screeners that misbehave, for the fail-closed tests."""

from celery.exceptions import SoftTimeLimitExceeded
from django.db import OperationalError


class Raising:
    @staticmethod
    def screen(text, language):
        raise RuntimeError("a bug in a screener")


class OutOfTime:
    @staticmethod
    def screen(text, language):
        raise SoftTimeLimitExceeded()


class DatabaseDown:
    @staticmethod
    def screen(text, language):
        raise OperationalError("the database went away")
