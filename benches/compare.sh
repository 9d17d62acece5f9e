#!/usr/bin/env bash
# benches/compare.sh — `lede validate` against the physical floor and its peers.
#
# Usage (from the project root):  benches/compare.sh [N...]    (default: 10000 100000)
#
# For each N it generates (or reuses) $BENCH_DIR/corpus-N, N stories with 10
# invalid ones per thousand, then runs side by side, each from the corpus dir:
#
#   lede                 target/release/lede -C DIR validate --format json
#   read-parse-baseline  target/release/examples/read-parse-baseline DIR
#   taplo                taplo check --no-auto-config --colors never \
#                          --schema file://DIR/schemas/story.schema.json 'DIR/stories/**/*.toml'
#                        (taplo expands the quoted glob itself, so there is no ARG_MAX limit;
#                        its cost per file grows with the number of files in one run)
#   taplo (batches)      the same, fed by xargs -n 1000 -P $(nproc): how one would run it
#   check-jsonschema     check-jsonschema --schemafile schemas/story.schema.json -o json <every story>
#                        (one process: argv is built inside Python from the file list, since
#                        100k paths exceed ARG_MAX; xargs when check-jsonschema lives in
#                        another Python environment)
#   tombi                tombi lint --offline --quiet --diagnostics-format json stories
#                        (tombi has no --config flag: DIR/tombi.toml maps the schemas)
#
# Wall time is the best of BENCH_RUNS (default 3) runs; a run longer than
# BENCH_MAX_REPEAT_SECS (default 60) is not repeated. Each run is preceded by
# reading every record once (this VM pages idle file cache out within
# minutes, which would otherwise make runs cold at random). Peak RSS and CPU
# (user + sys) come from /usr/bin/time -f '%e %M %U %S'. A Markdown table
# follows, then the correctness checks: the stories check-jsonschema rejects
# must be exactly the schema defects listed in DIR/invalid.txt, and the files
# lede reports with codes L020–L029 must be the same set.
#
# Environment:
#   BENCH_DIR (/tmp/lede-bench)   corpora and outputs: corpus-N/, out-N/
#   BENCH_RUNS (3)                timed runs per tool
#   BENCH_MAX_REPEAT_SECS (60)    runs slower than this are not repeated
#   BENCH_INVALID_PER_MILLE (10)  passed to gen-corpus
#   BENCH_SEED (1)                passed to gen-corpus
#   BENCH_TOOLS                   subset of: lede baseline taplo taplo-batches check-jsonschema tombi
#   BENCH_WARM (1)                0: do not read the corpus before each run
#   BENCH_HYPERFINE (0)           1: repeat runs with hyperfine (when installed)
#   BENCH_CJ_XARGS=1              run check-jsonschema through xargs even when one process would do
#   BENCH_NO_BUILD=1              skip cargo build (use the binaries as they are)
#   BENCH_NO_INSTALL=1            never pip/apt install missing peers
#   LEDE_BIN, GEN_CORPUS_BIN, BASELINE_BIN   override the binaries
#
# Exit status: 0 when every check that ran agrees, 1 when one found a
# difference, 2 on a setup error. A lede that is missing, or exits 2, is a
# skipped row, not an error.

set -uo pipefail
# shellcheck source=benches/lib.sh
source "$(dirname "$0")/lib.sh"

if [[ $# -gt 0 ]]; then SIZES=("$@"); else SIZES=(10000 100000); fi
for n in "${SIZES[@]}"; do [[ $n =~ ^[0-9]+$ ]] || die "not a story count: $n"; done

RUNS=${BENCH_RUNS:-3}
MAX_REPEAT=${BENCH_MAX_REPEAT_SECS:-60}
PER_MILLE=${BENCH_INVALID_PER_MILLE:-10}
SEED=${BENCH_SEED:-1}
TOOLS=${BENCH_TOOLS:-lede baseline taplo taplo-batches check-jsonschema tombi}
WARM=${BENCH_WARM:-1}
BASE=$(abs "${BASELINE_BIN:-$TARGET/release/examples/read-parse-baseline}")
want() { [[ " $TOOLS " == *" $1 "* ]]; }
NPROC=$(nproc)

# --- build ------------------------------------------------------------------------
build_release --example read-parse-baseline || note "build failed; going on with whatever binaries exist"
[[ -x $GEN ]] || die "missing $GEN (cargo build --release --example gen-corpus)"
if want baseline && [[ ! -x $BASE ]]; then die "missing $BASE"; fi

# --- peers --------------------------------------------------------------------------
missing=()
if want taplo || want taplo-batches; then command -v taplo >/dev/null || missing+=(taplo); fi
if want check-jsonschema; then command -v check-jsonschema >/dev/null || missing+=(check-jsonschema); fi
if want tombi; then command -v tombi >/dev/null || missing+=(tombi); fi
if [[ ${#missing[@]} -gt 0 && ${BENCH_NO_INSTALL:-0} != 1 ]]; then
    note "pip install ${missing[*]}"
    pip install --quiet "${missing[@]}" || python3 -m pip install --quiet "${missing[@]}" \
        || note "pip install failed; those rows are skipped"
    hash -r
fi
if [[ ! -x /usr/bin/time ]]; then
    [[ ${BENCH_NO_INSTALL:-0} != 1 ]] || die "/usr/bin/time (GNU time) is missing"
    note "apt-get install -y time"
    { apt-get install -y time || { apt-get update && apt-get install -y time; }; } >/dev/null \
        || die "could not install GNU time"
fi
command -v python3 >/dev/null || die "python3 is needed for the JSON checks"
HYPERFINE=
if [[ ${BENCH_HYPERFINE:-0} == 1 ]]; then
    HYPERFINE=$(command -v hyperfine || true)
    [[ -n $HYPERFINE ]] || note "hyperfine not installed: best of $RUNS by /usr/bin/time"
fi

# --- measuring ----------------------------------------------------------------------
ROWS=()          # "tool|N|wall|cpu|rss_mib|note"
TIMEF=$(mktemp)
HFJSON=$(mktemp)
trap 'rm -f "$TIMEF" "$HFJSON"' EXIT

# warm DIR: read every record once, so that the timed run finds them in the page cache.
warm() {
    [[ $WARM == 1 ]] || return 0
    (cd "$1" && find stories topics -name '*.toml' -print0 | xargs -0 cat >/dev/null)
}

# timed DIR STDOUT STDERR CMD... -> T_WALL T_CPU T_RSS T_RC
# Wall clock from $EPOCHREALTIME (time's %e has only 10 ms resolution).
timed() {
    local dir=$1 out=$2 err=$3; shift 3
    local t0 t1 e u s
    warm "$dir"
    t0=$EPOCHREALTIME
    (cd "$dir" && exec /usr/bin/time -o "$TIMEF" -f '%e %M %U %S' "$@" >"$out" 2>"$err")
    T_RC=$?
    t1=$EPOCHREALTIME
    T_WALL=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
    read -r e T_RSS u s <<<"$(tail -n 1 "$TIMEF")"
    [[ $T_RSS =~ ^[0-9]+$ ]] || T_RSS=0
    T_CPU=$(awk -v u="${u:-0}" -v s="${s:-0}" 'BEGIN { printf "%.2f", u + s }')
}

# measure DIR STDOUT STDERR OKCODES -- CMD...
# The first run keeps its output; then best of RUNS. Sets M_WALL M_CPU M_RSS M_RC.
measure() {
    local dir=$1 out=$2 err=$3 ok=$4; shift 5
    timed "$dir" "$out" "$err" "$@"
    M_WALL=$T_WALL; M_CPU=$T_CPU; M_RSS=$T_RSS; M_RC=$T_RC
    [[ " $ok " == *" $M_RC "* ]] || return 0
    [[ $RUNS -gt 1 ]] || return 0
    awk -v w="$M_WALL" -v lim="$MAX_REPEAT" 'BEGIN { exit !(w > lim) }' && return 0
    if [[ -n $HYPERFINE ]]; then
        local cmd w prep=true
        cmd=$(printf '%q ' "$@")
        [[ $WARM == 1 ]] && prep="find stories topics -name '*.toml' -print0 | xargs -0 cat >/dev/null"
        (cd "$dir" && "$HYPERFINE" --shell bash --style none --ignore-failure --runs "$((RUNS - 1))" \
            --prepare "$prep" --export-json "$HFJSON" "$cmd >/dev/null 2>&1" >/dev/null 2>&1)
        w=$(python3 -c 'import json,sys; print("%.3f" % json.load(open(sys.argv[1]))["results"][0]["min"])' "$HFJSON" 2>/dev/null) \
            && M_WALL=$(awk -v a="$M_WALL" -v b="$w" 'BEGIN { print (b < a ? b : a) }')
    else
        local i
        for ((i = 2; i <= RUNS; i++)); do
            timed "$dir" /dev/null /dev/null "$@"
            if awk -v a="$M_WALL" -v b="$T_WALL" 'BEGIN { exit !(b < a) }'; then
                M_WALL=$T_WALL; M_CPU=$T_CPU
            fi
            [[ $T_RSS -gt $M_RSS ]] && M_RSS=$T_RSS
        done
    fi
}

row() { ROWS+=("$1|$2|$3|$4|$5|$6"); }
mib() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }
show() { printf '  +'; printf ' %q' "$@"; printf '\n'; }
ok01() { [[ $M_RC == 0 || $M_RC == 1 ]]; }

STATUS=0

# set_diff NAME_A FILE_A NAME_B FILE_B: prints the symmetric difference (with the
# defect kind from invalid.txt); returns 1 when there is one.
set_diff() {
    local only_a only_b
    only_a=$(LC_ALL=C comm -23 "$2" "$4"); only_b=$(LC_ALL=C comm -13 "$2" "$4")
    if [[ -z $only_a && -z $only_b ]]; then
        echo "  OK: $1 == $3 ($(wc -l <"$2") files)"
        return 0
    fi
    echo "  DIFFERENT: $1 ($(wc -l <"$2") files) vs $3 ($(wc -l <"$4") files)"
    local label='NR == FNR { kind[$1] = $2 " (" $3 ")"; next }
        { print "    only in " side ": " $1 "  " ($1 in kind ? kind[$1] : "(not in invalid.txt)") }'
    [[ -n $only_a ]] && echo "$only_a" | awk -v side="$1" "$label" "$DIR/invalid.txt" - | head -n 20
    [[ -n $only_b ]] && echo "$only_b" | awk -v side="$3" "$label" "$DIR/invalid.txt" - | head -n 20
    return 1
}

# taplo_set ERRFILE...: the files taplo reported invalid, relative to DIR.
taplo_set() {
    sed -n 's/.*invalid file .*path="\([^"]*\)".*/\1/p' "$@" | sed "s|^$DIR/||; s|^\./||" | LC_ALL=C sort -u
}

for N in "${SIZES[@]}"; do
    DIR=$BENCH_DIR/corpus-$N
    OUT=$BENCH_DIR/out-$N
    mkdir -p "$OUT"
    rm -f "$OUT"/*
    LEDE_RAN=0
    CJ_RAN=0
    if [[ -f $DIR/invalid.txt && -d $DIR/stories ]]; then
        note "reusing $DIR"
    else
        note "generating $DIR"
        "$GEN" --out "$DIR" --stories "$N" --invalid-per-mille "$PER_MILLE" --seed "$SEED" --force \
            || die "gen-corpus failed"
    fi
    (cd "$DIR" && find stories -name '*.toml' | LC_ALL=C sort >"$OUT/files.txt")
    LC_ALL=C awk '$3 == "schema" { print $1 }' "$DIR/invalid.txt" | LC_ALL=C sort >"$OUT/expected-schema.txt"
    LC_ALL=C awk '{ print $1 }' "$DIR/invalid.txt" | LC_ALL=C sort >"$OUT/expected-any.txt"
    echo
    echo "## corpus $N: $DIR"
    echo "$(wc -l <"$OUT/files.txt") stories ($(du -sh "$DIR/stories" | cut -f1)), $(wc -l <"$DIR/invalid.txt") invalid ($(wc -l <"$OUT/expected-schema.txt") schema defects)"

    # lede ------------------------------------------------------------------------------
    if want lede; then
        if [[ ! -x $LEDE ]]; then
            row lede "$N" - - - "skipped: $LEDE not built"
        else
            show "$LEDE" -C "$DIR" validate --format json
            measure "$DIR" "$OUT/lede.json" "$OUT/lede.err" "0 1" -- "$LEDE" -C "$DIR" validate --format json
            if ok01; then
                row lede "$N" "$M_WALL" "$M_CPU" "$(mib "$M_RSS")" "exit $M_RC"
                LEDE_RAN=1
            else
                row lede "$N" - - - "skipped: exit $M_RC: $(head -n 1 "$OUT/lede.err" | cut -c1-80)"
            fi
        fi
    fi

    # read-parse baseline -------------------------------------------------------------
    if want baseline; then
        show "$BASE" "$DIR"
        measure "$DIR" "$OUT/baseline.out" "$OUT/baseline.err" "0" -- "$BASE" "$DIR"
        if [[ $M_RC == 0 ]]; then
            row read-parse-baseline "$N" "$M_WALL" "$M_CPU" "$(mib "$M_RSS")" "$(head -n 1 "$OUT/baseline.out")"
        else
            row read-parse-baseline "$N" - - - "failed: exit $M_RC"
        fi
    fi

    # taplo -------------------------------------------------------------------------------
    TAPLO=(taplo check --no-auto-config --colors never --schema "file://$DIR/schemas/story.schema.json")
    if want taplo; then
        if ! command -v taplo >/dev/null; then
            row taplo "$N" - - - "skipped: not installed"
        else
            show "${TAPLO[@]}" "$DIR/stories/**/*.toml"
            measure "$DIR" "$OUT/taplo.out" "$OUT/taplo.err" "0 1" -- "${TAPLO[@]}" "$DIR/stories/**/*.toml"
            if ok01; then
                found=$(sed -n 's/.*found files total=\([0-9]*\).*/\1/p' "$OUT/taplo.err" | head -n 1)
                row taplo "$N" "$M_WALL" "$M_CPU" "$(mib "$M_RSS")" "exit $M_RC; one process, ${found:-?} files found"
            else
                row taplo "$N" - - - "failed: exit $M_RC"
            fi
        fi
    fi
    if want taplo-batches; then
        if ! command -v taplo >/dev/null; then
            row "taplo (batches)" "$N" - - - "skipped: not installed"
        else
            show xargs -a "$OUT/files.txt" -n 1000 -P "$NPROC" "${TAPLO[@]}"
            measure "$DIR" "$OUT/taplo-batches.out" "$OUT/taplo-batches.err" "0 123" -- \
                xargs -a "$OUT/files.txt" -n 1000 -P "$NPROC" "${TAPLO[@]}"
            if [[ $M_RC == 0 || $M_RC == 123 ]]; then
                row "taplo (batches)" "$N" "$M_WALL" "$M_CPU" "$(mib "$M_RSS")" "exit $M_RC; xargs -n 1000 -P $NPROC; RSS of the largest process"
            else
                row "taplo (batches)" "$N" - - - "failed: exit $M_RC"
            fi
        fi
    fi

    # check-jsonschema ----------------------------------------------------------------------
    if want check-jsonschema; then
        if ! command -v check-jsonschema >/dev/null; then
            row check-jsonschema "$N" - - - "skipped: not installed"
        else
            # TOML date-times reach the schema as isoformat() strings (naive ones get a
            # "Z"); format checks, date-time included, are on by default.
            CJ=(check-jsonschema --schemafile schemas/story.schema.json -o json)
            if [[ ${BENCH_CJ_XARGS:-0} != 1 ]] && python3 -c 'import check_jsonschema' 2>/dev/null; then
                echo "  + (cd $DIR && python3 -c '<sys.argv = [...] + files.txt; check_jsonschema.main()>')" \
                    "= ${CJ[*]} <$(wc -l <"$OUT/files.txt") story files>"
                measure "$DIR" "$OUT/cj.json" "$OUT/cj.err" "0 1" -- python3 -c '
import sys
from check_jsonschema import main
with open(sys.argv[1]) as f:
    files = f.read().split()
sys.argv = [sys.argv[0], "--schemafile", "schemas/story.schema.json", "-o", "json", *files]
main()' "$OUT/files.txt"
                how="one process"
            else
                show xargs -a "$OUT/files.txt" "${CJ[@]}"
                measure "$DIR" "$OUT/cj.json" "$OUT/cj.err" "0 123" -- xargs -a "$OUT/files.txt" "${CJ[@]}"
                how="xargs: several processes, several JSON documents"
            fi
            if ok01 || [[ $M_RC == 123 ]]; then
                row check-jsonschema "$N" "$M_WALL" "$M_CPU" "$(mib "$M_RSS")" "exit $M_RC; $how"
                CJ_RAN=1
            else
                row check-jsonschema "$N" - - - "failed: exit $M_RC: $(head -n 1 "$OUT/cj.err" | cut -c1-80)"
            fi
        fi
    fi

    # tombi --------------------------------------------------------------------------------
    if want tombi; then
        if ! command -v tombi >/dev/null; then
            row tombi "$N" - - - "skipped: not installed"
        else
            # strict = false: in strict mode tombi treats a subschema without
            # additionalProperties (the allOf parts of each section) as closed and
            # warns about every title and sources key. No catalogue: offline.
            cat >"$DIR/tombi.toml" <<'EOF'
# Written by benches/compare.sh: check the records against lede's schemas.
toml-version = "v1.0.0"

[schema]
enabled = true
strict = false
catalog = { paths = [] }

[[schemas]]
path = "schemas/story.schema.json"
include = ["stories/**/*.toml"]
strict = false

[[schemas]]
path = "schemas/topic.schema.json"
include = ["topics/*.toml"]
strict = false
EOF
            TOMBI=(tombi lint --offline --quiet --diagnostics-format json --diagnostics-file "$OUT/tombi.json" stories)
            show "${TOMBI[@]}"
            measure "$DIR" "$OUT/tombi.out" "$OUT/tombi.err" "0 1" -- "${TOMBI[@]}"
            if ok01; then
                row tombi "$N" "$M_WALL" "$M_CPU" "$(mib "$M_RSS")" "exit $M_RC"
            else
                row tombi "$N" - - - "failed: exit $M_RC: $(head -n 1 "$OUT/tombi.err" | cut -c1-80)"
            fi
        fi
    fi

    # correctness -----------------------------------------------------------------------------
    echo
    echo "### correctness, corpus $N"
    REF="$OUT/expected-schema.txt"; REFNAME=invalid.txt-schema
    if [[ $CJ_RAN == 1 ]]; then
        # xargs may have left several JSON documents one after another.
        if python3 - "$OUT/cj.json" >"$OUT/cj-set.txt" <<'EOF'
import json, sys
text, dec, i, files = open(sys.argv[1]).read(), json.JSONDecoder(), 0, set()
while True:
    while i < len(text) and text[i].isspace():
        i += 1
    if i == len(text):
        break
    doc, i = dec.raw_decode(text, i)
    for e in doc.get("errors", []) + doc.get("parse_errors", []):
        f = e["filename"]
        files.add(f[2:] if f.startswith("./") else f)
print("".join(f + "\n" for f in sorted(files)), end="")
EOF
        then
            LC_ALL=C sort -o "$OUT/cj-set.txt" "$OUT/cj-set.txt"
            set_diff check-jsonschema "$OUT/cj-set.txt" invalid.txt-schema "$OUT/expected-schema.txt" || STATUS=1
            REF="$OUT/cj-set.txt"; REFNAME=check-jsonschema
        else
            echo "  cannot read check-jsonschema's output ($OUT/cj.json)"; STATUS=1
        fi
    else
        echo "  check-jsonschema did not run: the others are compared with invalid.txt"
    fi
    if want taplo && [[ -s $OUT/taplo.err ]]; then
        taplo_set "$OUT/taplo.err" >"$OUT/taplo-set.txt"
        set_diff taplo "$OUT/taplo-set.txt" "$REFNAME" "$REF" || true
    fi
    if want taplo-batches && [[ -s $OUT/taplo-batches.err ]]; then
        taplo_set "$OUT/taplo-batches.err" >"$OUT/taplo-batches-set.txt"
        set_diff "taplo (batches)" "$OUT/taplo-batches-set.txt" "$REFNAME" "$REF" || true
    fi
    if want tombi && [[ -s $OUT/tombi.json ]]; then
        python3 - "$OUT/tombi.json" <<'EOF' | LC_ALL=C sort -u >"$OUT/tombi-set.txt"
import json, sys
for d in json.load(open(sys.argv[1])):
    if d.get("level") == "error":
        p = d["path"]
        print(p[2:] if p.startswith("./") else p)
EOF
        set_diff tombi "$OUT/tombi-set.txt" "$REFNAME" "$REF" || true
    fi
    if [[ $LEDE_RAN == 1 ]]; then
        # lede's document: {"diagnostics": [{"file": "<relative path>", "code": "L0xx", ...}], ...}
        if python3 - "$OUT/lede.json" "$DIR" "$OUT/lede-schema-set.txt" "$OUT/lede-any-set.txt" <<'EOF'
import json, os, sys
doc = json.load(open(sys.argv[1]))
root = os.path.realpath(sys.argv[2])
schema, anything = set(), set()
for d in doc["diagnostics"]:
    f = d.get("file") or ""
    if os.path.isabs(f):
        f = os.path.relpath(os.path.realpath(f), root)
    if f.startswith("./"):
        f = f[2:]
    if not f.startswith("stories/"):
        continue
    anything.add(f)
    code = str(d.get("code", ""))
    if code[:1] == "L" and code[1:].isdigit() and 20 <= int(code[1:]) <= 29:
        schema.add(f)
open(sys.argv[3], "w").write("".join(f + "\n" for f in sorted(schema)))
open(sys.argv[4], "w").write("".join(f + "\n" for f in sorted(anything)))
EOF
        then
            LC_ALL=C sort -o "$OUT/lede-schema-set.txt" "$OUT/lede-schema-set.txt"
            LC_ALL=C sort -o "$OUT/lede-any-set.txt" "$OUT/lede-any-set.txt"
            set_diff "lede L020-L029" "$OUT/lede-schema-set.txt" "$REFNAME" "$REF" || STATUS=1
            set_diff "lede (any code)" "$OUT/lede-any-set.txt" invalid.txt-all "$OUT/expected-any.txt" || true
        else
            echo "  lede's --format json output is not the expected document ($OUT/lede.json)"
            STATUS=1
        fi
    elif want lede; then
        echo "  lede did not run: nothing to check"
    fi
done

# --- table -----------------------------------------------------------------------------------
echo
echo "| tool | N | wall s | CPU s | peak MiB | wall vs baseline | note |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | --- |"
for r in "${ROWS[@]}"; do
    IFS='|' read -r tool n wall cpu rss what <<<"$r"
    base=-
    for b in "${ROWS[@]}"; do
        IFS='|' read -r bt bn bw _ <<<"$b"
        [[ $bt == read-parse-baseline && $bn == "$n" && $bw != - ]] && base=$bw
    done
    ratio=-
    if [[ $wall != - && $base != - ]]; then
        ratio=$(awk -v a="$wall" -v b="$base" 'BEGIN { if (b <= 0) print "-"; else if (a / b < 10) printf "%.2fx", a / b; else printf "%.0fx", a / b }')
    fi
    echo "| $tool | $n | $wall | $cpu | $rss | $ratio | $what |"
done
how="best of $RUNS"
[[ -n $HYPERFINE ]] && how="$how (repeats by hyperfine)"
[[ $WARM == 1 ]] && how="$how, page cache warmed before each run"
echo
echo "wall: $how; runs over ${MAX_REPEAT}s not repeated. CPU: user+sys of the best run. Peak RSS: /usr/bin/time %M."
echo "$NPROC cores; $(uname -r); outputs in $BENCH_DIR/out-N."
exit $STATUS
