"""The English catalogue: complete for the sources as they are now, well-formed, and used by the pages.

Every user-visible string is a Chinese msgid; English comes from webapp/translations/en. The
extraction here is the one of scripts/translations.sh (babel.cfg, the same keywords), so a string
added to the sources without its English translation fails (a): run `scripts/translations.sh extract`,
translate the new entries in the .po, and run the tests again.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PO_FILE = ROOT / "webapp" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
# Babel's defaults (_ gettext ngettext pgettext N_ …) and the lazy ones of the forms, as in scripts/translations.sh.
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "lazy_ngettext": (1, 2),
            "lazy_pgettext": ((1, "c"), 2)}
SKIPPED_DIRECTORIES = {"node_modules", "instance", "screenshots", "bench", "bpmn", "tests"}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def _source_messages() -> dict[str, list[str]]:
    """msgid → where it occurs, for every message babel.cfg extracts from the source tree."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg, filename=str(ROOT / "babel.cfg"))

    def wanted(dirname: str) -> bool:
        name = os.path.basename(dirname)
        return not name.startswith((".", "_")) and name not in SKIPPED_DIRECTORIES

    found: dict[str, list[str]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS, directory_filter=wanted):
        for msgid in message if isinstance(message, tuple) else (message,):
            if msgid:
                found.setdefault(msgid, []).append(f"{filename}:{lineno}")
    return found


@pytest.fixture(scope="module")
def catalog():
    with open(PO_FILE, "rb") as po:
        return read_po(po, locale="en")


def test_every_extracted_message_has_an_english_translation(catalog):
    found = _source_messages()
    assert len(found) > 500  # the extraction really ran over the sources
    translated = {message.id if isinstance(message.id, str) else message.id[0]: message
                  for message in catalog if message.id}
    missing = [f"{msgid!r} ({', '.join(where[:2])})" for msgid, where in sorted(found.items())
               if msgid not in translated or not _strings(translated[msgid])]
    assert not missing, (
        f"{len(missing)} message(s) without English in {PO_FILE.relative_to(ROOT)} "
        "(run scripts/translations.sh extract, then translate them):\n" + "\n".join(missing))


def test_the_catalogue_has_no_fuzzy_entries_and_keeps_every_placeholder(catalog):
    fuzzy = [message.id for message in catalog if message.id and message.fuzzy]
    assert not fuzzy, f"fuzzy entries (check the translation, then drop the flag): {fuzzy}"
    broken = []
    for message in catalog:
        if not message.id:
            continue
        needed = set(PLACEHOLDER.findall(message.id if isinstance(message.id, str) else message.id[0]))
        for translation in _strings(message):
            if set(PLACEHOLDER.findall(translation)) != needed:
                broken.append(f"{message.id!r} → {translation!r}")
    assert not broken, "translations whose %(name)s placeholders differ from the msgid's:\n" + "\n".join(broken)


@pytest.fixture
def app_config(app_config, tmp_path):
    """The app reads the English catalogue compiled here, from the .po (works before any `pybabel compile`)."""
    with open(PO_FILE, "rb") as po:
        compiled = read_po(po, locale="en")
    target = tmp_path / "translations" / "en" / "LC_MESSAGES"
    target.mkdir(parents=True)
    with open(target / "messages.mo", "wb") as mo:
        write_mo(mo, compiled)
    return {**app_config, "BABEL_TRANSLATION_DIRECTORIES": str(tmp_path / "translations")}


def test_the_pages_are_chinese_by_default_and_english_after_the_switch(client, demo, login):
    login(client, "branch1_secretary")

    chinese = _navigation(client.get("/inbox/").get_data(as_text=True))
    client.post("/auth/language/en", data={"next": "/inbox/"})
    english = _navigation(client.get("/inbox/").get_data(as_text=True))

    assert "待办" in chinese and "工作台" in chinese and "To do" not in chinese
    assert "To do" in english and "Workbench" in english and "Cases" in english
    assert not re.search(r"[\u4e00-\u9fff]", english), english


def test_an_error_page_is_english_after_the_switch(client, demo, login):
    login(client, "branch1_secretary")
    client.post("/auth/language/en")

    html = client.get("/no-such-page").get_data(as_text=True)

    assert "Page not found" in html and "页面不存在" not in html


def _strings(message) -> list[str]:
    strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
    return [text for text in strings if text]


def _navigation(html: str) -> str:
    found = re.search(r'<nav class="mainnav".*?</nav>', html, re.S)
    assert found, "no main navigation on the page"
    return found.group(0)
