#!/usr/bin/env bash
# Interface catalogues: extract the English source strings, merge them into the zh and en catalogues, compile.
#
#   bash scripts/i18n.sh            extract -> update (new msgids arrive with an empty msgstr) -> compile
#   bash scripts/i18n.sh compile    compile only (after translating interviewer/locale/zh/LC_MESSAGES/*.po)
#
# Marked strings: _("..."), N_("..."), ngettext("one", "many", n), and the description of Binding(key, action,
# "description"). tests/unit/test_i18n.py fails while a msgid lacks a zh translation or a .mo is stale.
set -euo pipefail
cd "$(dirname "$0")/.."
PYBABEL=${PYBABEL:-.venv/bin/pybabel}
LOCALES=interviewer/locale
DOMAIN=interviewer
LANGUAGES=(zh en)

if [[ "${1:-}" != "compile" ]]; then
    pot=$(mktemp --suffix .pot)
    trap 'rm -f "$pot"' EXIT
    "$PYBABEL" -q extract -F babel.cfg -k N_ -k ngettext:1,2 -k Binding:3 \
        --add-location=file --sort-output --project=interviewer --copyright-holder="interviewer authors" \
        -o "$pot" .
    for lang in "${LANGUAGES[@]}"; do
        "$PYBABEL" update -i "$pot" -d "$LOCALES" -D "$DOMAIN" -l "$lang" --init-missing \
            --no-fuzzy-matching --ignore-obsolete
    done
fi
"$PYBABEL" compile -d "$LOCALES" -D "$DOMAIN" --statistics
