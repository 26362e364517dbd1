"""Accounts from the command line (the first admin, automation):

python manage.py moderator create <username> --role moderator|lead|admin [--languages kk,ru,en]
python manage.py moderator token <username>
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from moderation.accounts import moderator_create
from moderation.errors import ReviewError
from moderation.roles import ROLES
from moderation.tokens import api_token_issue


class Command(BaseCommand):
    help = "Create a moderator account, or issue an API token for one."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser(
            "create", help="Create an account; prints its password and TOTP URI once."
        )
        create.add_argument("username")
        create.add_argument("--role", required=True, choices=ROLES)
        create.add_argument("--languages", default="", help="Comma-separated: kk,ru,en")
        token = actions.add_parser("token", help="Print a new expiring API token for an account.")
        token.add_argument("username")

    def handle(self, *args, action, username, **options):
        if action == "create":
            try:
                made = moderator_create(
                    username=username, role=options["role"], languages=options["languages"]
                )
            except ReviewError as exc:
                raise CommandError(str(exc.message)) from exc
            self.stdout.write(f"username: {made.user.username}")
            self.stdout.write(f"password: {made.password}")
            self.stdout.write(f"totp: {made.provisioning_uri}")
            self.stdout.write(
                "Shown once. Add the TOTP URI to an authenticator app (or scan the code shown "
                "at the first login), then log in at /moderate/."
            )
            return
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"no active account named {username!r}")
        issued = api_token_issue(user=user, via="command")
        self.stdout.write(f"token: {issued.token}")
        self.stdout.write(f"expires: {issued.expiry.isoformat(timespec='minutes')}")
