"""Fills django.po from a Python dict of msgid → msgstr (used while writing translations in bulk).

    .venv/bin/python scripts/translate.py FILE_WITH_ZH_DICT.py
prints the entries still untranslated.
"""

import runpy
import sys
from pathlib import Path

import polib

CATALOGUE = Path(__file__).resolve().parent.parent / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"

translations = runpy.run_path(sys.argv[1])["ZH"]
catalogue = polib.pofile(str(CATALOGUE), wrapwidth=120)
catalogue.header = "Simplified Chinese catalogue of Huhang (护航)."
catalogue.metadata_is_fuzzy = False
catalogue.metadata.update(
    {
        "Project-Id-Version": "huhang",
        "Language": "zh_Hans",
        "Language-Team": "Huhang <huhang@localhost>",
        "Last-Translator": "Huhang <huhang@localhost>",
        "Content-Type": "text/plain; charset=UTF-8",
    }
)
for entry in catalogue:
    if entry.msgid in translations and (not entry.msgstr or entry.fuzzy):
        entry.msgstr = translations[entry.msgid]
        if entry.fuzzy:
            entry.flags.remove("fuzzy")
            entry.previous_msgid = entry.previous_msgctxt = None  # the guess it was based on is gone too
catalogue.save()
for entry in catalogue.untranslated_entries():
    print("UNTRANSLATED:", repr(entry.msgid))
