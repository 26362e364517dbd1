"""`manage.py keys status|rotate|destroy-all --yes`: the keystore's epochs, and what to do
with them (README, 'Keys and seizure')."""

import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from testimony import keys


class Command(BaseCommand):
    help = "The stories' encryption keys: status, rotate now, or destroy every unpublished story."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("status", help="Epochs present, data keys each wraps, the oldest epoch.")
        sub.add_parser("rotate", help="A new epoch now: re-wrap every key, destroy the old.")
        destroy = sub.add_parser(
            "destroy-all",
            help="Emergency: every story not on the wall becomes unreadable in every copy.",
        )
        destroy.add_argument("--yes", action="store_true", help="Yes, destroy them.")

    def handle(self, *args, action, **options):
        if action == "status":
            return self.status()
        if action == "rotate":
            done = keys.keys_rotate()
            self.stdout.write(
                f"rotated: epoch {done.epoch} wraps {done.rewrapped} data key(s); "
                f"destroyed epoch(s): {', '.join(map(str, done.destroyed)) or 'none'}"
            )
            return None
        if not options["yes"]:
            raise CommandError(
                "destroy-all makes every unpublished story unreadable, in this database and in "
                "every backup, for good. Run it again with --yes."
            )
        done = keys.keys_destroy_all()
        self.stdout.write(
            f"destroyed: every unpublished story's key and epoch(s) "
            f"{', '.join(map(str, done.destroyed)) or 'none'}; the published wall's "
            f"{done.rewrapped} key(s) are under the new epoch {done.epoch}."
        )
        return None

    def status(self) -> None:
        self.stdout.write(f"keystore: {settings.STORY_KEYSTORE}")
        rows = keys.keys_status()
        if not rows:
            self.stdout.write("no epochs yet (the first is made at the first start)")
            return
        for row in rows:
            made = ""
            path = Path(settings.STORY_KEYSTORE) / f"epoch-{row.epoch:06d}.key"
            if row.present and path.exists():
                when = datetime.datetime.fromtimestamp(path.stat().st_mtime, tz=datetime.UTC)
                made = f", made {when:%Y-%m-%d %H:%M} UTC"
            state = "present" if row.present else "MISSING from the keystore"
            self.stdout.write(f"epoch {row.epoch}: {state}, wraps {row.keys} data key(s){made}")
        oldest = rows[0]
        self.stdout.write(f"oldest epoch: {oldest.epoch}")
