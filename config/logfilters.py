"""A last line of defence: no log line leaves the process with an IP address in it."""

import logging
import re

_IPV4 = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")
_IPV6 = re.compile(r"\b(?:[0-9a-fA-F]{1,4}:){2,7}[0-9a-fA-F]{0,4}\b|::ffff:[\d.]+")


def redact(text: str) -> str:
    return _IPV6.sub("[addr]", _IPV4.sub("[addr]", text))


class RedactAddresses(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        # Django attaches the request (and runserver the socket) to records; drop them so no
        # handler can format an address out of them.
        for attr in ("request", "server_time"):
            if hasattr(record, attr):
                setattr(record, attr, None)
        return True
