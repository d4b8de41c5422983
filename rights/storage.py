"""Where case evidence lives: a folder outside the web root, served only through permission-checked views."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage


class EvidenceStorage(FileSystemStorage):
    """EVIDENCE_ROOT, read at each use (the setting may change after the models load, as in tests); no URL."""

    def __init__(self) -> None:
        super().__init__(base_url=None)

    @property
    def base_location(self) -> str:
        return str(settings.EVIDENCE_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)


def evidence_storage() -> Storage:
    """The evidence folder's storage (a callable, so migrations name it rather than a path)."""
    return EvidenceStorage()
