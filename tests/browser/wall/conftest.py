"""A live server the wall's browser tests can stop and start again on the same port."""

import socket
import threading

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.core.wsgi import get_wsgi_application

from testimony.wall import feeds


class OneRequestPerConnection(WSGIRequestHandler):
    # HTTP/1.0: every connection closes after its response, so stopping the server really
    # cuts the browser off (no kept-alive socket keeps being served).
    protocol_version = "HTTP/1.0"

    def log_message(self, format, *args):
        pass


class StoppableServer:
    def __init__(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.app = get_wsgi_application()
        self.httpd = None

    def start(self) -> None:
        self.httpd = ThreadedWSGIServer(
            ("127.0.0.1", self.port), OneRequestPerConnection, allow_reuse_address=True
        )
        self.httpd.set_app(self.app)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.httpd is not None:
            self.httpd.shutdown()
            self.httpd.server_close()
            self.httpd = None


@pytest.fixture
def server(transactional_db):
    feeds.memo.clear()
    live = StoppableServer()
    live.start()
    yield live
    live.stop()
    feeds.memo.clear()


@pytest.fixture
def open_page(browser, server):
    """open_page(path, **context_options) -> a Page in a fresh context (fresh storage, fresh
    service workers)."""
    contexts = []

    def make(path: str, **options):
        context = browser.new_context(base_url=server.url, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.goto(path)
        return page

    yield make
    for context in contexts:
        context.close()
