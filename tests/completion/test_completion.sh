#!/bin/bash
# The bash completion, called as bash calls it: COMP_WORDS split at the characters an
# interactive bash splits at, then _ginsttest_runner, then COMPREPLY compared as a set.
# What is expected comes from the built runner's --help where it can: every option it prints,
# with = when it takes a value, and the a|b|c values it prints, so an option added without its
# completion fails here.
# Usage: test_completion.sh RUNNER COMPLETION_SCRIPT
# Exit status: 0 success, 1 failure, 77 skipped (bash-completion is not installed).
set -o pipefail
runner=$(realpath "$1")
script=$(realpath "$2")
export LC_ALL=C

bash_completion=/usr/share/bash-completion/bash_completion
if [[ ! -r $bash_completion ]]; then
    echo "bash-completion is not installed ($bash_completion)"
    exit 77
fi
# shellcheck source=/dev/null
source "$bash_completion" || { echo "cannot source $bash_completion" >&2; exit 1; }
# shellcheck source=/dev/null
source "$script" || { echo "cannot source $script" >&2; exit 1; }

# What an interactive bash has (a non-interactive one leaves @ out).
COMP_WORDBREAKS=$' \t\n"\'@><=;|&(:'

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# compopt works only while bash runs a completion; here it records what was asked.
compopt_args=""
compopt() { compopt_args+=" $*"; }

# complete LINE: as if TAB were pressed at the end of LINE. Sets `got` (the candidates, sorted,
# one a line) and `noise` (what the completion printed on stderr).
complete_line() {
    local line=$1 c word="" kind="" k
    COMP_WORDS=()
    for ((k = 0; k < ${#line}; k++)); do
        c=${line:k:1}
        if [[ $c == [[:blank:]] ]]; then
            [[ $kind ]] && COMP_WORDS+=("$word")
            word="" kind=""
        elif [[ $COMP_WORDBREAKS == *"$c"* ]]; then
            [[ $kind == w ]] && { COMP_WORDS+=("$word"); word=""; }
            word+=$c kind=b
        else
            [[ $kind == b ]] && { COMP_WORDS+=("$word"); word=""; }
            word+=$c kind=w
        fi
    done
    COMP_WORDS+=("$word")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMP_LINE=$line
    COMP_POINT=${#line}
    COMPREPLY=()
    compopt_args=""
    _ginsttest_runner "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" \
        "${COMP_WORDS[COMP_CWORD - 1]}" 2>"$work/stderr"
    got=$(printf '%s\n' "${COMPREPLY[@]}" | sed '/^$/d' | sort -u)
    noise=$(<"$work/stderr")
}

failures=0
fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

# expect LINE [CANDIDATE...]: exactly these candidates, and nothing on stderr.
expect() {
    local line=$1
    shift
    local want
    want=$(printf '%s\n' "$@" | sed '/^$/d' | sort -u)
    complete_line "$line"
    if [[ $got != "$want" ]]; then
        fail "'$line': missing [$(comm -13 <(echo "$got") <(echo "$want") | xargs)]," \
            "unexpected [$(comm -23 <(echo "$got") <(echo "$want") | xargs)]"
    fi
    if [[ $noise ]]; then
        fail "'$line' printed on stderr: $noise"
    fi
}

expect_nospace() {
    complete_line "$1"
    [[ $compopt_args == *"-o nospace"* ]] || fail "'$1': no compopt -o nospace (got [$(echo $got)])"
}

expect_space() {
    complete_line "$1"
    [[ $compopt_args != *"-o nospace"* ]] || fail "'$1': compopt -o nospace (got [$(echo $got)])"
}

# --help's options: long name, short letter and argument name.
help=$("$runner" --help) || { echo "$runner --help failed" >&2; exit 1; }
declare -A arg_of=()
longs=() shorts=()
while IFS= read -r line; do
    if [[ $line =~ ^[[:space:]]+(-([[:alpha:]]),[[:space:]]+)?--([a-z][a-z-]*)(=([^[:space:]]+))? ]]; then
        longs+=("${BASH_REMATCH[3]}")
        arg_of[${BASH_REMATCH[3]}]=${BASH_REMATCH[5]}
        [[ ${BASH_REMATCH[2]} ]] && shorts+=("-${BASH_REMATCH[2]}")
    fi
done <<<"$help"
if ((${#longs[@]} < 40 || ${#shorts[@]} < 7)); then
    echo "read only ${#longs[@]} long and ${#shorts[@]} short options from --help" >&2
    exit 1
fi

# The words an option's argument name offers: "yes|no|auto" all three, "FILE|none" none.
fixed_words() {
    local alternative
    local -a alternatives
    IFS='|' read -ra alternatives <<<"$1"
    for alternative in "${alternatives[@]}"; do
        [[ $alternative =~ ^[a-z]+$ ]] && echo "$alternative"
    done
}

# A tree of tests for --dir, and a second data dir that --first-root leaves out.
tree=$work/tree
second=$work/second
for name in grp/a.test grp/b.test grp/sub/c.test other/d.test top.test grp/x:y.test grp/k=v.test; do
    mkdir -p "$(dirname "$tree/installed-tests/$name")"
    printf '[Test]\nType=session\nExec=/bin/true\n' >"$tree/installed-tests/$name"
done
mkdir -p "$second/installed-tests/zzz"
printf '[Test]\nType=session\nExec=/bin/true\n' >"$second/installed-tests/zzz/e.test"
# A directory of its own to complete paths in: nothing there but what each check makes.
empty=$work/empty
mkdir -p "$empty"
cd "$empty" || exit 1

R=$runner

# --- Options: every one of --help, with = when it takes a value. -------------------------------
want=()
for long in "${longs[@]}"; do
    # --parallel's value is optional (--parallel[=N] in the man page): the bare option is whole.
    if [[ ${arg_of[$long]} && $long != parallel ]]; then
        want+=("--$long=")
    else
        want+=("--$long")
    fi
done
expect "$R --" "${want[@]}"
expect "$R -" "${want[@]}" "${shorts[@]}"
expect "$R --sta" --status=
expect_nospace "$R --sta"
expect "$R --li" --list
expect_space "$R --li"
expect "$R --dir=$tree --" "${want[@]}"
# After "--" a word is a test prefix, not an option.
expect "$R --dir=$tree -- --"

# --- Values. --------------------------------------------------------------------------------------
for long in "${longs[@]}"; do
    arg=${arg_of[$long]}
    [[ $arg ]] || continue
    mapfile -t words < <(fixed_words "$arg")
    if ((${#words[@]})); then
        # Run in an empty directory, FILE|none offers only none.
        expect "$R --$long=" "${words[@]}"
        expect "$R --$long " "${words[@]}"
        expect "$R --dir=$tree --$long=${words[0]:0:1}" $(printf '%s\n' "${words[@]}" | grep "^${words[0]:0:1}")
    elif [[ $long == parallel ]]; then
        continue
    elif [[ $arg != USER ]]; then
        # Free text, a file or a directory: never a test name, in either form.
        expect "$R --dir=$tree --$long="
        expect "$R --dir=$tree --$long "
    fi
done
expect "$R --order=l" longest
expect "$R --shard 2" # K/N is free text

# Directories for DIR, files and directories for FILE, in both forms.
mkdir "$work/empty/tree" "$work/empty/trunk"
: >"$work/empty/tree-file"
for long in "${longs[@]}"; do
    case ${arg_of[$long]} in
        DIR)
            expect "$R --$long=tr" tree trunk
            expect "$R --$long tr" tree trunk
            ;;
        FILE | FILE\|*)
            expect "$R --$long=tr" tree tree-file trunk
            expect "$R --$long tr" tree tree-file trunk
            ;;
    esac
done
expect "$R -d tr" tree trunk
expect "$R -L tr" tree trunk
# "--dir --list" is a directory named --list to the runner, so it is here.
expect "$R --dir --li"
# @FILE for --changed-symbols: bash replaces what follows the @, whatever COMP_WORDBREAKS says.
: >"$work/empty/syms.txt"
expect "$R --changed-symbols=@sy" syms.txt
expect "$R --changed-symbols @sy" syms.txt
expect "$R --changed-symbols=sy"
COMP_WORDBREAKS=${COMP_WORDBREAKS//@/}
expect "$R --changed-symbols=@sy" @syms.txt
COMP_WORDBREAKS=$' \t\n"\'@><=;|&(:'
rm -r "$work/empty/tree" "$work/empty/trunk" "$work/empty/tree-file" "$work/empty/syms.txt"
complete_line "$R --user ro"
[[ $got == *root* ]] || fail "--user ro: got [$(echo $got)], expected root among them"
# Numbers and regular expressions are free text.
expect "$R -t "
expect "$R -x "
expect "$R -p 4"

# --- Test names, a level at a time. -------------------------------------------------------------
expect "$R --dir=$tree " grp/ other/ top.test
expect "$R --dir=$tree gr" grp/
expect_nospace "$R --dir=$tree gr"
expect "$R --dir=$tree grp/" grp/a.test grp/b.test grp/sub/ grp/x:y.test grp/k=v.test
expect "$R --dir=$tree grp/a" grp/a.test
expect_space "$R --dir=$tree grp/a"
expect "$R --dir $tree grp/sub/" grp/sub/c.test
expect "$R -d $tree grp/s" grp/sub/
expect "$R --dir=$tree --list -p gr" grp/
expect "$R --dir=$tree -- gr" grp/
# Bash replaces what follows the colon or the =, in a word of its own or after "--".
expect "$R --dir=$tree grp/x:" y.test
expect "$R --dir=$tree grp/k=" v.test
expect "$R --dir=$tree -- grp/k=" v.test
# Both data dirs, then only the first.
expect "$R --dir=$tree --dir=$second " grp/ other/ top.test zzz/
expect "$R --dir=$second --dir=$tree --first-root " zzz/
expect "$R --first-root --dir=$tree -d $second z" # no "zzz/": --first-root is anywhere
# The runner on the line, not the one on $PATH.
printf '#!/bin/sh\necho "fake/x.test (/nowhere)"\n' >"$work/fake-runner"
chmod +x "$work/fake-runner"
expect "$work/fake-runner " fake/

# --- A runner that fails offers nothing, and says nothing. ---------------------------------------
printf '#!/bin/sh\necho "grp/a.test (/nowhere)"\necho "no installed-tests" >&2\nexit 1\n' \
    >"$work/broken-runner"
chmod +x "$work/broken-runner"
expect "$work/broken-runner "
expect "$work/broken-runner gr"
expect "$work/missing-runner "
expect "$R --dir=$work/nowhere "

if ((failures)); then
    echo "$failures failed" >&2
    exit 1
fi
echo ok
