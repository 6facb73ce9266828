"""The page and its files (channels/web/static/), read once and served from memory.

Only the files listed here are served; each with its content type, an ETag (a reload of an
unchanged file is a 304) and the security headers of channels/web/origins.py.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, Mapping, Optional

STATIC = Path(__file__).resolve().parent / "static"
INDEX = "index.html"
# The page's own files, and widget.js, which other sites load with a <script> tag.
CONTENT_TYPES = {
    INDEX: "text/html; charset=utf-8",
    "chat.js": "text/javascript; charset=utf-8",
    "chat.css": "text/css; charset=utf-8",
    "widget.js": "text/javascript; charset=utf-8",
    "icon.svg": "image/svg+xml",
}


@dataclass(frozen=True)
class StaticFile:
    name: str
    body: bytes
    content_type: str

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest()[:32] + '"'


@lru_cache(maxsize=None)
def static_files() -> Mapping[str, StaticFile]:
    return {
        name: StaticFile(name, (STATIC / name).read_bytes(), content_type)
        for name, content_type in CONTENT_TYPES.items()
    }


def static_file(name: str) -> Optional[StaticFile]:
    return static_files().get(name or INDEX)


def file_headers(file: StaticFile, security: Mapping[str, str]) -> Dict[str, str]:
    """Headers of a file: revalidated on every load (an update reaches citizens at once)."""
    return {
        "Content-Type": file.content_type,
        "Cache-Control": "no-cache",
        "ETag": file.etag,
        **security,
    }
