# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
import os
import re

import polib

from odoo.modules.module import get_module_path
from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import TranslationModuleReader

MODULE = "calendar_sync"
# %(name)s / %s style placeholders (with the usual conversion types).
PLACEHOLDER = re.compile(r"%\([^)]+\)[sdifr]|%[sdifr]")
EXPORT_HINT = (
    "run: odoo-bin --i18n-export=i18n/calendar_sync.pot --modules=calendar_sync, "
    "then translate it in i18n/de.po"
)


def _short(msgid, limit=100):
    text = " ".join(msgid.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@tagged("post_install", "-at_install", "calendar_sync")
class TestTranslations(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        i18n = os.path.join(get_module_path(MODULE), "i18n")
        cls.pot = polib.pofile(os.path.join(i18n, f"{MODULE}.pot"))
        cls.de = polib.pofile(os.path.join(i18n, "de.po"))

    def _pot_msgids(self):
        return {entry.msgid for entry in self.pot if entry.msgid and not entry.obsolete}

    def test_german_translation_covers_every_translatable_string(self):
        german = {entry.msgid: entry for entry in self.de if not entry.obsolete}
        missing, empty, fuzzy = [], [], []
        for msgid in sorted(self._pot_msgids()):
            entry = german.get(msgid)
            if entry is None:
                missing.append(msgid)
            elif not entry.msgstr.strip():
                empty.append(msgid)
            elif "fuzzy" in entry.flags:
                fuzzy.append(msgid)
        problems = [
            f"{kind}: {_short(msgid)!r}"
            for kind, msgids in (
                ("missing", missing),
                ("empty", empty),
                ("fuzzy", fuzzy),
            )
            for msgid in msgids
        ]
        self.assertFalse(
            problems,
            f"{len(problems)} string(s) of i18n/{MODULE}.pot are not translated "
            "in i18n/de.po:\n" + "\n".join(problems),
        )

    def test_german_placeholders_match_the_source(self):
        mismatches = []
        for entry in self.de:
            if entry.obsolete or not entry.msgid or not entry.msgstr:
                continue
            source = set(PLACEHOLDER.findall(entry.msgid))
            german = set(PLACEHOLDER.findall(entry.msgstr))
            if source != german:
                mismatches.append(
                    f"{_short(entry.msgid)!r}: expected {sorted(source)}, "
                    f"got {sorted(german)}"
                )
        self.assertFalse(
            mismatches,
            "Placeholders differ between source and German translation:\n"
            + "\n".join(mismatches),
        )

    def test_pot_is_up_to_date_with_the_code(self):
        reader = TranslationModuleReader(self.env.cr, [MODULE], lang=None)
        exported = {
            source
            for module, _ttype, _name, _res_id, source, _value, _comments in reader
            if module == MODULE and source
        }
        self.assertTrue(exported, "the exporter found no term of the module")
        absent = sorted(exported - self._pot_msgids())
        self.assertFalse(
            absent,
            f"{len(absent)} translatable string(s) are not in i18n/{MODULE}.pot "
            f"({EXPORT_HINT}):\n" + "\n".join(repr(_short(s)) for s in absent),
        )

    def test_every_python_file_can_be_read_by_the_translations_extractor(self):
        # Odoo's export skips, without a word, a file babel cannot read (an
        # f-string among the arguments of a _() call): its strings would
        # never be translated
        from babel.messages import extract

        root = get_module_path(MODULE)
        unreadable = []
        for folder, _dirs, files in os.walk(root):
            for name in files:
                if not name.endswith(".py"):
                    continue
                path = os.path.join(folder, name)
                with open(path, "rb") as source:
                    try:
                        list(
                            extract.extract(
                                "python", source, keywords={"_": None, "_lt": None}
                            )
                        )
                    except Exception as exc:  # noqa: BLE001 - reported below
                        unreadable.append(f"{os.path.relpath(path, root)}: {exc}")
        self.assertFalse(unreadable, "\n".join(unreadable))
