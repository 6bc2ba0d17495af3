"""Email written to files, one RFC 5322 .eml file per message, for the embedded default.

Django's own file backend appends every message of a connection to one .log file; a folder of
.eml files is what a person can open in a mail client, and what tests and demos can count.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage
from django.utils import timezone


class EmlFileBackend(BaseEmailBackend):
    def __init__(self, *, file_path: str | Path | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.directory = Path(file_path or settings.EMAIL_FILE_PATH)

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        self.directory.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
            path = self.directory / f"{stamp}-{uuid.uuid4().hex[:12]}.eml"
            # Django's SafeMIME messages take linesep; the stubs type them as a plain Message.
            path.write_bytes(message.message().as_bytes(linesep="\r\n"))  # type: ignore[call-arg]
            sent += 1
        return sent
