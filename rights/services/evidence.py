"""Evidence uploads: images or PDFs only, checked by their first bytes and size, with one plain file name."""

import re
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from accounts.models import User
from rights.models import Case, Evidence


@dataclass(frozen=True)
class _Kind:
    content_type: str
    extensions: tuple[str, ...]
    magic: tuple[bytes, ...]


_KINDS = (
    _Kind("image/jpeg", ("jpg", "jpeg"), (b"\xff\xd8\xff",)),
    _Kind("image/png", ("png",), (b"\x89PNG\r\n\x1a\n",)),
    _Kind("application/pdf", ("pdf",), (b"%PDF-",)),
)
# One name, one extension: "pay-slip.jpg", not "pay-slip.php.jpg" or "photo.jpg.exe".
_NAME = re.compile(r"^[^./\\]{1,100}\.([A-Za-z0-9]{1,5})$")
MAX_FILES = 5


def evidence_check(upload: UploadedFile) -> _Kind:
    """The kind of an uploaded file; ValidationError (translated) when it is not an image or PDF we accept."""
    name = (upload.name or "").strip()
    match = _NAME.fullmatch(name)
    if not match:
        raise ValidationError(
            _("Give the file a simple name with one extension, such as pay-slip.jpg."), code="file_name"
        )
    extension = match.group(1).lower()
    if upload.size is None or upload.size > settings.EVIDENCE_MAX_BYTES:
        raise ValidationError(
            _("“%(name)s” is too large: a file may be at most %(limit)s.")
            % {"name": name, "limit": filesizeformat(settings.EVIDENCE_MAX_BYTES)},
            code="file_size",
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for kind in _KINDS:
        if extension in kind.extensions and head.startswith(kind.magic):
            return kind
    raise ValidationError(
        _("“%(name)s” is not a photo (JPEG, PNG) or a PDF. Take a photo of the paper, or save it as PDF.")
        % {"name": name},
        code="file_type",
    )


def evidence_add(*, case: Case, uploads: list[UploadedFile], by: User) -> list[Evidence]:
    """Keep the files with the case (checked first: one bad file keeps none of them)."""
    if case.evidence.count() + len(uploads) > MAX_FILES * 4:
        raise ValidationError(_("This case has as many files as it can keep."), code="too_many")
    if len(uploads) > MAX_FILES:
        raise ValidationError(
            _("Send at most %(count)s files at a time.") % {"count": MAX_FILES}, code="too_many_at_once"
        )
    kinds = [evidence_check(upload) for upload in uploads]
    kept = []
    for upload, kind in zip(uploads, kinds, strict=True):
        stored_name = f"{uuid.uuid4().hex}.{kind.extensions[0]}"
        evidence = Evidence(
            case=case,
            name=upload.name or stored_name,
            content_type=kind.content_type,
            size=upload.size or 0,
            uploaded_by=by,
        )
        evidence.file.save(stored_name, upload, save=False)
        evidence.save()
        kept.append(evidence)
    return kept
