"""Encryption at rest for what the app keeps about people (token records, cached Jira answers).

Each use derives its own Fernet key from the configured secret with HKDF and a label of its own,
so a key that opens one kind of record opens no other.
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


def derived_fernet(secret: str, purpose: bytes) -> Fernet:
    """Return a Fernet whose key is derived from ``secret`` for ``purpose`` alone; refuse an empty secret."""
    if not secret:
        raise ValueError(f"a secret is needed to encrypt {purpose.decode(errors='replace')}")
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(secret.encode())
    return Fernet(base64.urlsafe_b64encode(key))
