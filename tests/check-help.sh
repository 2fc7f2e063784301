#!/bin/bash
# Fails when `ginsttest-runner --help` and the OPTIONS of its man page disagree: an option (long
# name or short letter) in one and not the other, or a different argument name. Also checks that
# the exit statuses the --help text lists are those of the page's EXIT STATUS.
# Usage: check-help.sh RUNNER MAN_PAGE
set -euo pipefail
runner=$1
page=$2
export LC_ALL=C

# The page as text, one line per paragraph (no wrapping, no bold or underline). A .TP tag starts
# 7 columns in; every .TP is given an indent wider than any tag, so that each tag shares its line
# with its text, many spaces before it.
rendered=$(sed -E 's/^\.TP( .*)?$/.TP 100n/' "$page" | groff -man -Tascii -P-cbou -rLL=1000n)
section() {
    awk -v name="$1" '/^[A-Z]/ { on = ($0 == name); next } on' <<<"$rendered"
}
tags() {
    sed -n -E 's/^ {7}([^ ].*)$/\1/p' | sed -E 's/  .*//'
}

if ! help=$("$runner" --help 2>&1); then
    echo "$runner --help failed: $help" >&2
    exit 1
fi

# "LONG SHORT ARG" for each option ("-" when there is none), sorted.
help_options=$(sed -n -E 's/^  (-(.), )?--([a-z0-9-]+)(=([^ ]+))?( .*)?$/\3\t\2\t\5/p' <<<"$help" |
    awk -F'\t' '{ print $1, ($2 == "" ? "-" : $2), ($3 == "" ? "-" : $3) }' | sort)
man_options=$(section OPTIONS | tags | { grep -E '^-' || true; } | awk -F', ' '
    {
        long = ""; short = "-"; arg = "-"
        for (i = 1; i <= NF; i++) {
            if ($i ~ /^--/) {
                if (long != "") { print "more than one long option in the tag: " $0 > "/dev/stderr"; exit 1 }
                long = $i
                # --parallel[=N] is --parallel=N with the value optional
                sub(/\[=/, "=", long); sub(/\]$/, "", long)
                if (index(long, "=")) { arg = substr(long, index(long, "=") + 1); long = substr(long, 1, index(long, "=") - 1) }
                sub(/^--/, "", long)
            } else if ($i ~ /^-.$/) {
                short = substr($i, 2)
            }
        }
        print long, short, arg
    }' | sort)

if [[ -z $help_options ]]; then
    echo "no option found in the output of $runner --help" >&2
    exit 1
fi
if [[ -z $man_options ]]; then
    echo "no option found in the OPTIONS of $page" >&2
    exit 1
fi

status=0
for long in $(cut -d' ' -f1 <<<"$man_options" | uniq -d); do
    echo "--$long: documented more than once in the man page's OPTIONS" >&2
    status=1
done
describe() { # LONG SHORT ARG -> "-s, --long=ARG"
    local text="--$1"
    [[ $3 != - ]] && text+="=$3"
    [[ $2 != - ]] && text="-$2, $text"
    echo "$text"
}
declare -A in_help in_man
while read -r long short arg; do in_help[$long]="$short $arg"; done <<<"$help_options"
while read -r long short arg; do in_man[$long]="$short $arg"; done <<<"$man_options"
for long in "${!in_help[@]}"; do
    if [[ -z ${in_man[$long]+set} ]]; then
        echo "--$long: shown by --help ($(describe "$long" ${in_help[$long]})), missing from the man page's OPTIONS" >&2
        status=1
    elif [[ ${in_man[$long]} != "${in_help[$long]}" ]]; then
        echo "--$long: --help shows '$(describe "$long" ${in_help[$long]})', the man page '$(describe "$long" ${in_man[$long]})'" >&2
        status=1
    fi
done
for long in "${!in_man[@]}"; do
    if [[ -z ${in_help[$long]+set} ]]; then
        echo "--$long: in the man page's OPTIONS ($(describe "$long" ${in_man[$long]})), not shown by --help" >&2
        status=1
    fi
done

# Exit statuses: the numbers of the --help text's "Exit status:" paragraph, and the page's tags.
help_codes=$(tr '\n' ' ' <<<"$help" | sed -n -E 's/.*Exit status:(.*)See .*/\1/p' |
    { grep -oE '(^|[ ,/])[0-9]+' || true; } | tr -dc '0-9\n' | sort -n | xargs)
man_codes=$(section 'EXIT STATUS' | tags | tr ',' '\n' | { grep -oE '^ *[0-9]+$' || true; } | sort -n | xargs)
if [[ -z $help_codes ]]; then
    echo "no exit status found in the output of $runner --help" >&2
    status=1
elif [[ $help_codes != "$man_codes" ]]; then
    echo "exit statuses: --help lists '$help_codes', the man page's EXIT STATUS '$man_codes'" >&2
    status=1
fi
exit $status
