"""Every string a survivor can see has a Kazakh and a Russian translation (and is in the English
catalogue, whose msgids are the English text). Fails on any template or Python string that
lacks one, so a new sentence cannot ship in one language only."""

import ast
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.template import engines
from django.templatetags.i18n import BlockTranslateNode, TranslateNode

ROOT = Path(settings.BASE_DIR)
# Survivor-facing templates: everything under frontend/templates/frontend except the staff
# workspace (moderators are not survivors; their pages have their own catalogue checks).
TEMPLATE_ROOT = ROOT / "frontend" / "templates" / "frontend"
STAFF_TEMPLATE_DIRS = {"moderate", "moderation"}
# Python modules whose translatable strings reach survivor-facing pages or API answers.
PYTHON_SOURCES = [
    "frontend/views.py",
    "frontend/forms.py",
    "frontend/kiosk.py",
    "frontend/wall.py",
    "frontend/wording.py",
    "frontend/errors.py",
    "testimony/models.py",
    "testimony/api.py",
    "testimony/abuse.py",
    "testimony/proofofwork.py",
    "testimony/sanitize.py",
    "testimony/jsonbody.py",
    "testimony/wall/api.py",
    "testimony/intake.py",
    "testimony/receipts.py",
    "testimony/selectors.py",
    "config/settings.py",
]
GETTEXT_NAMES = {
    "_",
    "gettext",
    "gettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "ngettext",
    "ngettext_lazy",
}


def _template_msgids(path: Path) -> set[str]:
    template = engines["django"].from_string(path.read_text())
    found = set()

    def walk(nodelist):
        for node in nodelist:
            if isinstance(node, TranslateNode):
                var = node.filter_expression.var
                literal = getattr(var, "literal", None)
                if isinstance(literal, str):
                    found.add(str(literal))
            elif isinstance(node, BlockTranslateNode):
                singular, _ = node.render_token_list(node.singular)
                found.add(singular)  # a plural entry is keyed by its singular
            for attr in getattr(node, "child_nodelists", ()):
                walk(getattr(node, attr, None) or [])

    walk(template.template.nodelist)
    return found


def _python_msgids(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        if name not in GETTEXT_NAMES:
            continue
        strings = [
            arg.value
            for arg in node.args
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
        ]
        if name.startswith("p") and strings:
            strings = strings[1:]  # the first argument of pgettext is the context
        if "ngettext" in name:
            strings = strings[:1]  # the catalogue keys a plural entry by its singular
        found.update(strings)
    return found


def survivor_msgids() -> dict[str, str]:
    """msgid -> where it was found."""
    found = {}
    for path in sorted(TEMPLATE_ROOT.rglob("*.html")):
        if STAFF_TEMPLATE_DIRS & set(path.relative_to(TEMPLATE_ROOT).parts[:-1]):
            continue
        for msgid in _template_msgids(path):
            found.setdefault(msgid, str(path.relative_to(ROOT)))
    for source in PYTHON_SOURCES:
        for msgid in _python_msgids(ROOT / source):
            found.setdefault(msgid, source)
    return found


def catalogue(language: str) -> dict[str, polib.POEntry]:
    po = polib.pofile(str(ROOT / "locale" / language / "LC_MESSAGES" / "django.po"))
    return {entry.msgid: entry for entry in po if not entry.obsolete}


def test_the_extraction_finds_the_strings_it_should():
    msgids = survivor_msgids()
    assert "Tell your story" in msgids  # a template
    assert "Leave this site now" in msgids  # the base template
    assert "Your story" in msgids  # a form label in Python
    assert any("automatic check" in m for m in msgids)  # a proof-of-work message
    assert len(msgids) > 100


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_every_survivor_string_is_translated(language):
    entries = catalogue(language)
    missing = []
    for msgid, where in sorted(survivor_msgids().items()):
        entry = entries.get(msgid)
        translated = (
            entry is not None
            and "fuzzy" not in entry.flags
            and (
                entry.msgstr.strip()
                if not entry.msgid_plural
                else all(value.strip() for value in entry.msgstr_plural.values())
            )
        )
        if not translated:
            missing.append(f"{where}: {msgid!r}")
    assert not missing, f"{len(missing)} string(s) lack a {language} translation:\n" + "\n".join(
        missing
    )


def test_every_survivor_string_is_in_the_english_catalogue():
    entries = catalogue("en")
    missing = [f"{w}: {m!r}" for m, w in sorted(survivor_msgids().items()) if m not in entries]
    assert not missing, "run makemessages:\n" + "\n".join(missing)


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_no_translation_is_left_fuzzy(language):
    po = polib.pofile(str(ROOT / "locale" / language / "LC_MESSAGES" / "django.po"))
    assert [e.msgid for e in po.fuzzy_entries()] == []


# --- Every other string a person reads: the workspace, the admin, the wall, the API -----------
CODE_DIRS = ("config", "testimony", "moderation", "frontend")


def _code_files():
    for folder in CODE_DIRS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "migrations" not in path.parts and "management" not in path.parts:
                yield path


def every_msgid() -> dict[str, str]:
    found = {}
    for path in sorted((ROOT / "frontend" / "templates").rglob("*.html")):
        for msgid in _template_msgids(path):
            found.setdefault(msgid, str(path.relative_to(ROOT)))
    for path in _code_files():
        for msgid in _python_msgids(path):
            found.setdefault(msgid, str(path.relative_to(ROOT)))
    return found


def test_translation_functions_are_imported_under_names_makemessages_knows():
    """makemessages finds _(), gettext(), ngettext()...: a string marked with another alias
    (`gettext as _t`) is never extracted, and stays English in every language."""
    strays = []
    for path in _code_files():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
                strays += [
                    f"{path.relative_to(ROOT)}: {alias.name} as {alias.asname}"
                    for alias in node.names
                    if alias.asname and alias.asname not in GETTEXT_NAMES
                ]
    assert not strays


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_every_string_of_every_page_is_translated(language):
    entries = catalogue(language)
    missing = [
        f"{where}: {msgid!r}"
        for msgid, where in sorted(every_msgid().items())
        if msgid not in entries
        or "fuzzy" in entries[msgid].flags
        or not (
            entries[msgid].msgstr.strip()
            if not entries[msgid].msgid_plural
            else all(value.strip() for value in entries[msgid].msgstr_plural.values())
        )
    ]
    assert not missing, f"{len(missing)} string(s) lack a {language} translation:\n" + "\n".join(
        missing
    )
