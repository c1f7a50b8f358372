"""What every upload is checked against before it is opened: zip bombs, judged from the zip's central directory.

The unit import (units/importing/reading.py) and the attachments (archives/attachments.py) both accept Office files,
which are zips inside; they refuse a bomb by the same limits. The declared sizes can be trusted as limits: Python's
zipfile never inflates a member beyond its declared size (and fails its CRC).
"""

from __future__ import annotations

import zipfile

MAX_ZIP_MEMBERS = 1_000
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100  # worksheets and documents compress 5–30 times; bombs a thousand times
RATIO_CHECKED_FROM_BYTES = 1024 * 1024

ZIP_MAGIC = b"PK\x03\x04"


def zip_members_unsafe(members: list[zipfile.ZipInfo]) -> bool:
    """A zip bomb, judged from the central directory before anything is decompressed."""
    too_many = len(members) > MAX_ZIP_MEMBERS
    return too_many or sum(m.file_size for m in members) > MAX_UNCOMPRESSED_BYTES or any(map(_bomb_like, members))


def _bomb_like(member: zipfile.ZipInfo) -> bool:
    ratio = member.file_size / max(member.compress_size, 1)
    return member.file_size > RATIO_CHECKED_FROM_BYTES and ratio > MAX_COMPRESSION_RATIO
