"""Where case evidence lives: a folder outside the web root, served only through permission-checked views."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage


def evidence_storage() -> Storage:
    """The evidence folder (EVIDENCE_ROOT). No base URL: the files have no public address."""
    return FileSystemStorage(location=settings.EVIDENCE_ROOT, base_url=None)
