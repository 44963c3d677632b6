"""Secrets at rest: the Intervals.icu OAuth tokens are Fernet ciphertext under ``ICUCOACH_SECRET_KEYS``
(MultiFernet: the first key encrypts, every key decrypts, so a key can be rotated in without downtime and
``icucoach serve rotate-keys`` re-encrypts every row under the new first key). URL tokens (personal MCP
URL, coach URL, iCal feed, email links) are 256-bit random strings looked up by their SHA-256; the ones a
page shows again (personal, coach and feed URLs) are also kept as Fernet ciphertext, and email links as the
hash only — a database dump without the keys reveals none of them.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from pydantic import SecretStr


class Vault:
    """Encrypts and decrypts the upstream tokens."""

    def __init__(self, keys: Sequence[SecretStr | str | bytes]) -> None:
        raw = [k.get_secret_value() if isinstance(k, SecretStr) else k for k in keys]
        self._fernet = MultiFernet([Fernet(k.encode() if isinstance(k, str) else k) for k in raw])

    def seal(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode()).decode()

    def open(self, ciphertext: str) -> str | None:
        """The plaintext, or None when no configured key opens it (a removed key: the athlete reconnects)."""
        try:
            return self._fernet.decrypt(ciphertext.encode()).decode()
        except InvalidToken:
            return None

    def rotate(self, ciphertext: str) -> str:
        """The same secret under the current key (``InvalidToken`` if no key opens it)."""
        return self._fernet.rotate(ciphertext.encode()).decode()


def new_token() -> str:
    """A URL-safe secret with 256 bits of entropy."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What is stored for a URL token: a high-entropy secret needs no salt or slow hash."""
    return hashlib.sha256(token.encode()).hexdigest()


def generate_key() -> str:
    return Fernet.generate_key().decode()


__all__ = ["Vault", "generate_key", "new_token", "token_hash"]
