"""The English catalogue: complete for the sources as they are now, well-formed, and used by the pages.

Every user-visible string is a Chinese msgid; English comes from webapp/translations/en. The
extraction here is the one of scripts/translations.sh (babel.cfg, the same keywords), so a string
added to the sources without its English translation fails (a): run `scripts/translations.sh extract`,
translate the new entries in the .po, and run the tests again. The labels of the shipped definitions
(step, lane and process names of bpmn/*.bpmn, lane labels of bpmn/lanes.json) are msgids too
(webapp/i18n_bpmn.py): the pages translate them when they show them.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from _ui_fixtures import start_application
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from webapp.extensions import babel, db
from webapp.models import Case
from workflows.specs import load_definition

ROOT = Path(__file__).resolve().parents[2]
PO_FILE = ROOT / "webapp" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
# Babel's defaults (_ gettext ngettext pgettext N_ …) and the lazy ones of the forms, as in scripts/translations.sh.
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "lazy_ngettext": (1, 2),
            "lazy_pgettext": ((1, "c"), 2)}
SKIPPED_DIRECTORIES = {"node_modules", "instance", "screenshots", "bench", "tests"}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
CHINESE = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


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


def test_the_labels_of_the_shipped_definitions_are_extracted_and_translated(catalog):
    recruitment = ROOT / "bpmn" / "recruitment.bpmn"
    definition = load_definition(recruitment.read_bytes())
    lanes = json.loads((ROOT / "bpmn" / "lanes.json").read_text(encoding="utf-8"))
    found = _source_messages()

    # Every named step (a merge gateway has no name: its label is its id, shown nowhere).
    labels = {step.label for step in definition.steps.values() if step.label != step.step_code}
    assert "党组织派人谈话" in labels and "支部大会讨论（转正）" in labels and len(labels) > 30
    wanted = labels | {definition.name} | set(definition.lanes.values()) | {lane["label"] for lane in lanes}
    not_extracted = sorted(label for label in wanted if label not in found)
    assert not not_extracted, f"labels the extraction (babel.cfg) misses: {not_extracted}"
    assert any(where.startswith("bpmn/recruitment.bpmn:") for where in found["党组织派人谈话"])
    assert any(where.startswith("bpmn/lanes.json:") for where in found["支部委员会"])

    english = {message.id: message.string for message in catalog if message.id}
    untranslated = sorted(label for label in wanted
                          if not english.get(label) or CHINESE.search(english[label]))
    assert not untranslated, f"labels without English in {PO_FILE.relative_to(ROOT)}: {untranslated}"
    assert english["党组织派人谈话"] == "Talk with the applicant"
    assert english["发展党员"] == "Party membership recruitment"


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
    # Flask-Babel caches the loaded catalogues by locale in one Domain for the whole process, not per
    # app: without this, a test of another module that rendered English first (from a messages.mo
    # compiled before the .po changed) decides which catalogue these tests read.
    _forget_loaded_catalogues()
    yield {**app_config, "BABEL_TRANSLATION_DIRECTORIES": str(tmp_path / "translations")}
    _forget_loaded_catalogues()


def _forget_loaded_catalogues() -> None:
    try:
        domain = babel.domain_instance
    except RuntimeError:  # no app has set up Flask-Babel in this process yet: nothing is loaded
        return
    domain.cache.clear()


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


def test_in_english_the_inbox_and_the_case_page_show_the_labels_of_the_definition_in_english(
        client, app, demo, login):
    login(client, "branch1_secretary")
    case = start_application(client, app, demo.unit_ids["branch1"], name="张三")
    with app.app_context():
        case = db.session.get(Case, case.id)
        unit_name, stored_title, waiting = case.unit.name, case.title, case.current_step
    assert stored_title == f"发展党员 · 张三 · {unit_name}" and waiting == "党组织派人谈话"
    client.post("/auth/language/en", data={"next": "/inbox/"})

    inbox = client.get("/inbox/").get_data(as_text=True)
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)

    assert "Talk with the applicant" in inbox and "党组织派人谈话" not in inbox
    assert f"Party membership recruitment · 张三 · {unit_name}" in inbox
    heading = re.search(r"<h1>(.*?)<", page, re.S).group(1).strip()
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    assert heading == f"Party membership recruitment · 张三 · {unit_name}"
    for text in (heading, title):
        assert not CHINESE.search(text.replace("张三", "").replace(unit_name, "")), text
    assert "Talk with the applicant" in page and "Application submitted" in page  # current step, history
    with app.app_context():  # the record (and the API, which shows it) keeps the Chinese title and labels
        case = db.session.get(Case, case.id)
        assert (case.title, case.current_step) == (stored_title, waiting)


def _strings(message) -> list[str]:
    strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
    return [text for text in strings if text]


def _navigation(html: str) -> str:
    found = re.search(r'<nav class="mainnav".*?</nav>', html, re.S)
    assert found, "no main navigation on the page"
    return found.group(0)
