"""The demo programme's service archive and requests (see builder.py); phrases.py holds their words."""

from demo.archive.builder import CUTOFF, build_archive

__all__ = ["CUTOFF", "build_archive"]
