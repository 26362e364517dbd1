"""Where the key-encryption keys live: outside the database (DESIGN.md invariant 10).

One key per epoch. The database holds only the epoch's number beside each wrapped data key,
never a key-encryption key, so a copy of the database alone reads nothing, and a key file
destroyed at rotation makes every older copy of the database unreadable.

The file keystore is a directory (STORY_KEYSTORE): one file per epoch, `epoch-<n>.key`, 32
random bytes, mode 0600. Callers only ask it to wrap and unwrap data keys, never for a key, so
another backend (HashiCorp Vault's transit engine, whose keys never leave it; a cloud KMS) is a
class with the same methods, named by STORY_KEYSTORE_BACKEND.
"""

import os
import re
import secrets
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

KEY_BYTES = 32
_NAME = re.compile(r"^epoch-(\d+)\.key$")


class KeystoreUnavailable(ImproperlyConfigured):
    """The keystore is missing or unreadable while the database holds encrypted stories."""


class EpochMissing(Exception):
    """The key of this epoch is not (or no longer) in the keystore."""


class Keystore(Protocol):
    def available(self) -> bool: ...
    def epochs(self) -> list[int]: ...
    def create(self) -> int: ...
    def destroy(self, epoch: int) -> None: ...
    def readable(self, epoch: int) -> bool: ...
    def wrap(self, epoch: int, data_key: bytes, associated: bytes) -> bytes: ...
    # Raises EpochMissing (epoch destroyed) or InvalidTag (not wrapped here, or changed).
    def unwrap(self, epoch: int, wrapped: bytes, associated: bytes) -> bytes: ...


class FileKeystore:
    """A directory of key files. Keys read once are kept in memory while their file exists."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self._cache: dict[int, bytes] = {}

    def _file(self, epoch: int) -> Path:
        return self.path / f"epoch-{epoch:06d}.key"

    def available(self) -> bool:
        return self.path.is_dir() and os.access(self.path, os.R_OK | os.W_OK | os.X_OK)

    def epochs(self) -> list[int]:
        if not self.path.is_dir():
            return []
        found = (_NAME.match(name) for name in os.listdir(self.path))
        return sorted(int(m.group(1)) for m in found if m)

    def key(self, epoch: int) -> bytes:
        file = self._file(epoch)
        cached = self._cache.get(epoch)
        # A file destroyed by another process's rotation takes the cached copy with it.
        if cached is not None and file.exists():
            return cached
        self._cache.pop(epoch, None)
        try:
            value = file.read_bytes()
        except OSError as error:
            raise EpochMissing(epoch) from error
        if len(value) != KEY_BYTES:
            raise EpochMissing(epoch)
        self._cache[epoch] = value
        return value

    def readable(self, epoch: int) -> bool:
        try:
            self.key(epoch)
        except EpochMissing:
            return False
        return True

    def wrap(self, epoch: int, data_key: bytes, associated: bytes) -> bytes:
        from testimony import sealing

        return sealing.wrap(self.key(epoch), data_key, associated)

    def unwrap(self, epoch: int, wrapped: bytes, associated: bytes) -> bytes:
        from testimony import sealing

        return sealing.unwrap(self.key(epoch), wrapped, associated)

    def create(self) -> int:
        """A new epoch, one above the newest, its key written with mode 0600 before it is used."""
        if not self.available():
            raise KeystoreUnavailable(unavailable_message(self.path))
        epoch = max(self.epochs(), default=0) + 1
        file = self._file(epoch)
        tmp = self.path / f".{file.name}.{secrets.token_hex(4)}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, secrets.token_bytes(KEY_BYTES))
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            os.link(tmp, file)  # FileExistsError if another process made this epoch meanwhile
        finally:
            tmp.unlink()
        return epoch

    def destroy(self, epoch: int) -> None:
        """Overwrite the key file with random bytes, flush, then unlink it."""
        self._cache.pop(epoch, None)
        file = self._file(epoch)
        try:
            fd = os.open(file, os.O_WRONLY)
        except FileNotFoundError:
            return
        try:
            os.write(fd, secrets.token_bytes(KEY_BYTES))
            os.fsync(fd)
        finally:
            os.close(fd)
        file.unlink()


def unavailable_message(path) -> str:
    return (
        f"STORY_KEYSTORE ({path}) is missing or unreadable, and the database holds encrypted "
        "stories: without their keys they cannot be read, and Untold does not start (it never "
        "makes a fresh key over a keystore that has gone missing). Mount the keystore volume at "
        "STORY_KEYSTORE (README, 'Keys and seizure'), or point STORY_KEYSTORE at it."
    )


def not_mounted_message(path) -> str:
    return (
        f"STORY_KEYSTORE ({path}) does not exist. The database holds no encrypted story yet, but "
        "outside `make run` Untold never creates the keystore's directory itself (a volume that "
        "failed to mount would otherwise get fresh keys that no backup holds). Create it on the "
        "keystore volume, mode 0700 (README, 'Keys and seizure'), or point STORY_KEYSTORE at it."
    )


_instance: Keystore | None = None
_configured: tuple | None = None


def keystore() -> Keystore:
    """The configured keystore (one per process, rebuilt if the settings change in tests)."""
    global _instance, _configured
    config = (settings.STORY_KEYSTORE_BACKEND, str(settings.STORY_KEYSTORE))
    if _instance is None or _configured != config:
        _instance = import_string(config[0])(config[1])
        _configured = config
    return _instance


def current_epoch(*, create: bool = True) -> int:
    """The newest epoch: the one new data keys are wrapped under."""
    store = keystore()
    epochs = store.epochs()
    if epochs:
        return epochs[-1]
    if not create:
        raise EpochMissing(0)
    return store.create()
