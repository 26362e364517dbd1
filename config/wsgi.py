import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()


def _keystore_ready() -> None:
    """No web process without the keys of the encrypted stories (testimony.keys): refuse to
    start, naming STORY_KEYSTORE, rather than serve stories as erased."""
    from django.conf import settings
    from django.db import connections

    from testimony.keys import keystore_ready

    keystore_ready(create_directory=settings.EMBEDDED)
    connections.close_all()  # nothing opened here is shared with forked workers


_keystore_ready()
