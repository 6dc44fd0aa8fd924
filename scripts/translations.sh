#!/usr/bin/env bash
# The translation catalogues (Chinese msgids, English in webapp/translations/en).
#   scripts/translations.sh extract   re-extract webapp/translations/messages.pot from the sources
#                                     (babel.cfg: the Python sources, the templates and the labels
#                                     of bpmn/*.bpmn and bpmn/lanes.json) and merge it into every
#                                     language's messages.po
#   scripts/translations.sh compile   compile every messages.po into messages.mo (git-ignored)
#   scripts/translations.sh init LANG start a catalogue for a new language
# New or changed msgids come out of `extract` untranslated or fuzzy: translate them, drop the fuzzy
# flag, then run tests/webapp/test_translations.py.
set -euo pipefail
cd "$(dirname "$0")/.."

PYBABEL=.venv/bin/pybabel
POT=webapp/translations/messages.pot
DIR=webapp/translations
# Babel's default keywords (_ gettext ngettext pgettext N_ …) plus the lazy ones of the forms.
KEYWORDS=(-k _l -k lazy_gettext -k "lazy_ngettext:1,2" -k "lazy_pgettext:1c,2")

case "${1:-}" in
    extract)
        # babel.cfg's [extractors] (webapp/i18n_bpmn.py) are imported from the repository.
        PYTHONPATH=".${PYTHONPATH:+:$PYTHONPATH}" \
            "$PYBABEL" extract -F babel.cfg "${KEYWORDS[@]}" --sort-by-file --width 100 \
            --project PartyFlow --copyright-holder "PartyFlow contributors" \
            --version 0.1.0 -o "$POT" .
        if compgen -G "$DIR/*/LC_MESSAGES/messages.po" >/dev/null; then
            "$PYBABEL" update -i "$POT" -d "$DIR" --width 100 --ignore-obsolete
        fi
        ;;
    compile)
        "$PYBABEL" compile -d "$DIR" --statistics
        ;;
    init)
        "$PYBABEL" init -i "$POT" -d "$DIR" -l "${2:?usage: $0 init LANG}" --width 100
        ;;
    *)
        echo "usage: $0 extract | compile | init LANG" >&2
        exit 2
        ;;
esac
