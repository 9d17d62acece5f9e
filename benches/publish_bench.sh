#!/usr/bin/env bash
# benches/publish_bench.sh — the cost of `lede publish <slug>` in a small and a large newsroom.
#
# Usage (from the project root):  benches/publish_bench.sh [N...]    (default: 100 100000)
#
# Issue 5: publishing one story in a repository of 100k stories must cost no
# more than 2x publishing it in one of 100 stories. For each N it builds (or
# reuses) the git repository $BENCH_DIR/publishrepo-N:
#
#   target/release/examples/gen-corpus --out DIR --stories N --invalid-per-mille 0 --seed S --force
#   lede -C DIR validate                      (must exit 0)
#   git init -b main; git add -A; git commit   as author A ("Alex Author")
#   git repack -adq                            (as a clone would have it; BENCH_REPACK=0 keeps
#                                               the 100k objects loose)
#   lede setup                                 (as every clone runs once: from 10,000 files
#                                               on it turns on git's split index)
#
# then picks K stories whose status is "draft", spread evenly over the sorted
# list of draft stories (so over the years 2000–2025), and for each runs
#
#   lede submit SLUG       as A  (draft -> in_review)
#   lede approve SLUG      as B ("Blair Editor": distinct_reviewer holds)
#
# The commit after the last approval is kept as refs/bench/approval. A
# second variant, refs/bench/no-approval, is one more commit on top setting
# `[workflow] require_approval = false` in lede.toml, so that publish does
# not read the story's history: the difference between the two is the
# history walk.
#
# Measuring: a round resets the working branch to the variant's base
# (git reset --hard; the published branch is deleted) and publishes the K
# stories one after another, each `lede publish SLUG` a process of its own,
# run as B:
#
#   /usr/bin/time -f '%e %M %U %S' target/release/lede publish SLUG
#
# Wall time comes from $EPOCHREALTIME around that (time's %e has 10 ms
# resolution), peak RSS from %M. Before each run the repository's git index,
# pack files, lede.toml, schemas and topics are read once, so that the run
# finds them in the page cache (this VM evicts idle file cache within
# minutes). Every run must exit 0 and print "Published SLUG revision 1".
# The rounds take turns between the sizes: round 1 at every N, then round 2
# at every N, and so on, so that a change in the machine's load weighs on
# all sizes alike. BENCH_ROUNDS rounds give K x ROUNDS runs per N and
# variant; the table shows their median, min and max, and the ratio of the
# largest N's median to the smallest N's, per variant.
#
# For scale, a reference row times git itself doing the nearest plain-git
# job, K x ROUNDS times: append a line to one of the K stories and
#
#   git commit -q --only -m ... stories/YYYY/SLUG.toml
#
# (it reads and writes the same index), and the index update alone, the
# floor of any commit that keeps the index current:
#
#   git update-index -- stories/YYYY/SLUG.toml
#
# and that again as lede runs git (GLIBC_TUNABLES=glibc.malloc.hugetlb=1,
# see huge_page_tunables in src/git/mod.rs). No reference row is part of the
# ratio check.
#
# After the last round (all K stories published) each repository must pass
# `git fsck --strict` and `lede validate`, its published branch must hold
# exactly the K stories with status "published" (besides them, only topic
# records equal to the working tree's: publish copies the topics a story
# refers to), the working records must say status "published", revision 1,
# and `git status` must show no changes.
#
# Environment:
#   BENCH_DIR (/tmp/lede-bench)       repositories publishrepo-N/ and outputs publish-out-N/
#   BENCH_K (10)                      stories published per round
#   BENCH_ROUNDS (5)                  rounds (each resets and publishes the K stories)
#   BENCH_VARIANTS                    subset of: approval no-approval (default: both)
#   BENCH_MAX_RATIO (2)               the largest N's median / the smallest N's must not exceed it
#   BENCH_SEED (1)                    passed to gen-corpus
#   BENCH_REGEN=1                     rebuild the repositories even when they exist
#   BENCH_REPACK (1)                  0: leave the objects of the initial commit loose
#   BENCH_WARM (1)                    0: do not read git's files before each run
#   BENCH_GIT_REF (1)                 0: skip the reference row (git commit --only, above)
#   BENCH_SETUP (1)                   0: undo `lede setup`'s split index before measuring
#                                     (git's default index, rewritten whole by every commit)
#   BENCH_NO_BUILD=1                  skip cargo build (use the binaries as they are)
#   LEDE_BIN, GEN_CORPUS_BIN          override the binaries
#
# Exit status: 0 when every run and check passed and every variant's ratio is
# at most BENCH_MAX_RATIO, 1 when a ratio is over it or a check failed, 2 on a
# setup error (a generator, git or lede failure while building a repository).

set -uo pipefail
# shellcheck source=benches/lib.sh
source "$(dirname "$0")/lib.sh"

if [[ $# -gt 0 ]]; then SIZES=("$@"); else SIZES=(100 100000); fi
for n in "${SIZES[@]}"; do [[ $n =~ ^[0-9]+$ && $n -gt 0 ]] || die "not a story count: $n"; done

K=${BENCH_K:-10}
ROUNDS=${BENCH_ROUNDS:-5}
VARIANTS=${BENCH_VARIANTS:-approval no-approval}
MAX_RATIO=${BENCH_MAX_RATIO:-2}
SEED=${BENCH_SEED:-1}
REPACK=${BENCH_REPACK:-1}
WARM=${BENCH_WARM:-1}
GIT_REF=${BENCH_GIT_REF:-1}
SETUP=${BENCH_SETUP:-1}
for v in $VARIANTS; do [[ $v == approval || $v == no-approval ]] || die "unknown variant: $v"; done
[[ $K =~ ^[0-9]+$ && $K -gt 0 && $ROUNDS =~ ^[0-9]+$ && $ROUNDS -gt 0 ]] || die "BENCH_K and BENCH_ROUNDS must be positive"

# --- build ------------------------------------------------------------------------
build_release || note "build failed; going on with whatever binaries exist"
[[ -x $LEDE ]] || die "missing $LEDE (cargo build --release --bin lede)"
[[ -x $GEN ]] || die "missing $GEN (cargo build --release --example gen-corpus)"
[[ -x /usr/bin/time ]] || die "/usr/bin/time (GNU time) is missing: apt-get install time"
command -v git >/dev/null || die "git is missing"

# --- identities ----------------------------------------------------------------------
# Nothing from the user's or the system's git configuration.
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
# identity as_a|as_b: exports that author and committer (in a subshell).
identity() {
    case $1 in
        as_a) export GIT_AUTHOR_NAME="Alex Author" GIT_AUTHOR_EMAIL=alex@example.org \
                  GIT_COMMITTER_NAME="Alex Author" GIT_COMMITTER_EMAIL=alex@example.org ;;
        as_b) export GIT_AUTHOR_NAME="Blair Editor" GIT_AUTHOR_EMAIL=blair@example.org \
                  GIT_COMMITTER_NAME="Blair Editor" GIT_COMMITTER_EMAIL=blair@example.org ;;
        *) return 1 ;;
    esac
}

TIMEF=$(mktemp)
trap 'rm -f "$TIMEF"' EXIT
STATUS=0

# warm DIR: read git's index and packs and the small shared files once.
warm() {
    [[ $WARM == 1 ]] || return 0
    (cd "$1" && cat .git/index .git/sharedindex.* .git/objects/pack/* lede.toml schemas/* topics/* >/dev/null 2>&1)
    return 0
}

# timed DIR OUT ERR WHO CMD... -> T_WALL T_RSS T_CPU T_RC   (WHO: as_a or as_b)
timed() {
    local dir=$1 out=$2 err=$3 who=$4; shift 4
    local t0 t1 e u s
    warm "$dir"
    t0=$EPOCHREALTIME
    (cd "$dir" && identity "$who" && exec /usr/bin/time -o "$TIMEF" -f '%e %M %U %S' "$@" >"$out" 2>"$err")
    T_RC=$?
    t1=$EPOCHREALTIME
    T_WALL=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')
    read -r e T_RSS u s <<<"$(tail -n 1 "$TIMEF")"
    [[ $T_RSS =~ ^[0-9]+$ ]] || T_RSS=0
    T_CPU=$(awk -v u="${u:-0}" -v s="${s:-0}" 'BEGIN { printf "%.2f", u + s }')
}

# stats FILE (one number a line) -> "median min max"
stats() {
    sort -g "$1" | awk '{ v[NR] = $1 } END {
        if (NR == 0) { print "- - -"; exit }
        m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
        printf "%.4f %.4f %.4f\n", m, v[1], v[NR] }'
}

# setup N DIR OUT: generate, validate, commit, submit and approve K drafts.
setup() {
    local n=$1 dir=$2 out=$3 slug rel
    note "generating $dir ($n stories)"
    rm -rf "$dir"
    "$GEN" --out "$dir" --stories "$n" --invalid-per-mille 0 --seed "$SEED" --force >"$out/gen.log" 2>&1 \
        || { cat "$out/gen.log" >&2; die "gen-corpus failed"; }
    "$LEDE" -C "$dir" validate >"$out/validate-generated.out" 2>&1 \
        || { tail -n 20 "$out/validate-generated.out" >&2; die "lede validate fails on the generated corpus (see $out/validate-generated.out)"; }
    note "committing $n stories as author A"
    (cd "$dir" && git init -q -b main && git add -A && identity as_a && git commit -q -m "Import $n generated stories") \
        || die "git init/add/commit failed in $dir"
    if [[ $REPACK == 1 ]]; then
        (cd "$dir" && git repack -adq && git prune) || die "git repack failed in $dir"
    fi
    # K drafts spread over the sorted list of drafts.
    (cd "$dir" && grep -rlx 'status = "draft"' stories | LC_ALL=C sort) >"$out/drafts.txt"
    local drafts
    drafts=$(wc -l <"$out/drafts.txt")
    [[ $drafts -ge $K ]] || die "only $drafts draft stories in $dir; need $K"
    awk -v k="$K" -v n="$drafts" 'BEGIN { for (i = 0; i < k; i++) want[int((i + 0.5) * n / k) + 1] = 1 }
        NR in want' "$out/drafts.txt" >"$out/picked.txt"
    : >"$out/slugs.txt"; : >"$out/submit.times"; : >"$out/approve.times"
    while read -r rel; do
        slug=$(basename "$rel" .toml)
        echo "$slug $rel" >>"$out/slugs.txt"
        timed "$dir" "$out/submit.out" "$out/submit.err" as_a "$LEDE" submit "$slug"
        [[ $T_RC == 0 ]] || { cat "$out/submit.err" >&2; die "lede submit $slug failed (exit $T_RC)"; }
        echo "$T_WALL" >>"$out/submit.times"
        timed "$dir" "$out/approve.out" "$out/approve.err" as_b "$LEDE" approve "$slug"
        [[ $T_RC == 0 ]] || { cat "$out/approve.err" >&2; die "lede approve $slug failed (exit $T_RC)"; }
        echo "$T_WALL" >>"$out/approve.times"
    done <"$out/picked.txt"
    (cd "$dir" && git update-ref refs/bench/approval HEAD \
        && printf '\n[workflow]\nrequire_approval = false\n' >>lede.toml \
        && identity as_a && git commit -q -m "bench: publish without approval" lede.toml \
        && git update-ref refs/bench/no-approval HEAD \
        && git reset -q --hard refs/bench/approval) || die "could not set up the variants in $dir"
    cp "$out/slugs.txt" "$dir/.git/lede-bench-slugs"
}

# reference NAME LABEL CMD...: git itself on the K stories, ROUNDS times: a line is
# appended to the story and CMD STORY-PATH is timed. Adds a row; REF_MEDIAN is its median.
reference() {
    local name=$1 label=$2 round slug rel runs med min max rmed rmax cmed; shift 2
    : >"$OUT/$name.wall"; : >"$OUT/$name.rss"; : >"$OUT/$name.cpu"
    (cd "$DIR" && git reset -q --hard refs/bench/approval) || die "cannot reset $DIR"
    for ((round = 1; round <= ROUNDS; round++)); do
        while read -r slug rel; do
            echo "# bench $round" >>"$DIR/$rel"
            timed "$DIR" /dev/null "$OUT/$name.err" as_b "$@" "$rel"
            [[ $T_RC == 0 ]] || { fail "$label, $rel: exit $T_RC: $(head -n 2 "$OUT/$name.err")"; continue; }
            echo "$T_WALL" >>"$OUT/$name.wall"; echo "$T_RSS" >>"$OUT/$name.rss"; echo "$T_CPU" >>"$OUT/$name.cpu"
        done <"$OUT/slugs.txt"
    done
    (cd "$DIR" && git reset -q --hard refs/bench/approval) || die "cannot reset $DIR"
    runs=$(wc -l <"$OUT/$name.wall")
    read -r med min max <<<"$(stats "$OUT/$name.wall")"
    read -r rmed _ rmax <<<"$(stats "$OUT/$name.rss")"
    read -r cmed _ _ <<<"$(stats "$OUT/$name.cpu")"
    ROWS+=("$N|$label|$runs|$med|$min|$max|$rmed|$rmax|$cmed")
    REF_MEDIAN=$med
    echo "$label: $runs runs, wall median $med s (min $min, max $max)"
}

ROWS=()   # "N|variant|runs|median|min|max|rss_median|rss_max|cpu_median"
declare -A MEDIAN

# Every repository first, then the rounds.
for N in "${SIZES[@]}"; do
    DIR=$BENCH_DIR/publishrepo-$N
    OUT=$BENCH_DIR/publish-out-$N
    mkdir -p "$OUT"
    if [[ ${BENCH_REGEN:-0} != 1 && -f $DIR/.git/lede-bench-slugs ]] \
        && (cd "$DIR" && git rev-parse -q --verify refs/bench/approval >/dev/null \
            && git rev-parse -q --verify refs/bench/no-approval >/dev/null); then
        note "reusing $DIR"
        cp "$DIR/.git/lede-bench-slugs" "$OUT/slugs.txt"
        rm -f "$OUT/submit.times" "$OUT/approve.times"
    else
        setup "$N" "$DIR" "$OUT"
    fi
    # As a clone is set up (lede setup), or with git's default index.
    if [[ $SETUP == 1 ]]; then
        "$LEDE" -C "$DIR" setup >"$OUT/setup.out" 2>&1 || { cat "$OUT/setup.out" >&2; die "lede setup failed in $DIR"; }
    else
        (cd "$DIR" && git config --unset core.splitIndex; git update-index --no-split-index) >/dev/null 2>&1
    fi
    echo
    echo "## $N stories: $DIR"
    echo "$(cd "$DIR" && git ls-files stories | wc -l) story files, .git $(du -sh "$DIR/.git" | cut -f1)," \
        "index $(du -h "$DIR/.git/index" | cut -f1)$(cd "$DIR" && ls .git/sharedindex.* >/dev/null 2>&1 && echo " + shared $(du -ch .git/sharedindex.* | tail -n 1 | cut -f1)")," \
        "core.splitIndex=$(cd "$DIR" && git config core.splitIndex || echo unset)," \
        "$(cd "$DIR" && git rev-list --count refs/bench/approval) commits on main"
    echo "stories published: $(awk '{ printf "%s%s", sep, $2; sep = " " }' "$OUT/slugs.txt")"
    if [[ -s $OUT/submit.times ]]; then
        read -r sm _ _ <<<"$(stats "$OUT/submit.times")"
        read -r am _ _ <<<"$(stats "$OUT/approve.times")"
        echo "setup: lede submit median ${sm} s, lede approve median ${am} s (one run each per story)"
    fi

    # reference: git itself committing one changed story (reads and writes the same index).
    if [[ $GIT_REF == 1 ]]; then
        reference git-commit "git commit --only (reference)" git commit -q --only -m "bench: touch" --
        MEDIAN[$N,git-commit]=$REF_MEDIAN
        reference git-update-index "git update-index (reference)" git update-index --
        reference git-update-index-hugetlb "git update-index, huge pages (reference)" \
            env GLIBC_TUNABLES=glibc.malloc.hugetlb=1 git update-index --
    fi
    for variant in $VARIANTS; do
        : >"$OUT/$variant.wall"; : >"$OUT/$variant.rss"; : >"$OUT/$variant.cpu"
        : >"$OUT/$variant.runs"
    done
done

# The rounds take turns between the sizes (round 1 at every N, then round 2,
# ...), so that the machine's load, which drifts over minutes here, weighs
# on every N alike instead of on whichever was measured last.
for ((round = 1; round <= ROUNDS; round++)); do
    for N in "${SIZES[@]}"; do
        DIR=$BENCH_DIR/publishrepo-$N
        OUT=$BENCH_DIR/publish-out-$N
        for variant in $VARIANTS; do
            (cd "$DIR" && git reset -q --hard "refs/bench/$variant" \
                && { git update-ref -d refs/heads/published 2>/dev/null || true; }) \
                || die "cannot reset $DIR to refs/bench/$variant"
            while read -r slug rel; do
                timed "$DIR" "$OUT/publish.out" "$OUT/publish.err" as_b "$LEDE" publish "$slug"
                echo "$round $slug $T_WALL $T_RSS $T_CPU $T_RC" >>"$OUT/$variant.runs"
                if [[ $T_RC != 0 ]] || ! grep -q "^Published $slug revision 1 " "$OUT/publish.out"; then
                    fail "$N stories, $variant round $round: lede publish $slug exited $T_RC: $(head -n 3 "$OUT/publish.err" "$OUT/publish.out" | tr '\n' ' ')"
                    continue
                fi
                echo "$T_WALL" >>"$OUT/$variant.wall"
                echo "$T_RSS" >>"$OUT/$variant.rss"
                echo "$T_CPU" >>"$OUT/$variant.cpu"
            done <"$OUT/slugs.txt"
        done
    done
done

for N in "${SIZES[@]}"; do
    DIR=$BENCH_DIR/publishrepo-$N
    OUT=$BENCH_DIR/publish-out-$N
    echo
    echo "## $N stories: results"
    for variant in $VARIANTS; do
        runs=$(wc -l <"$OUT/$variant.wall")
        read -r med min max <<<"$(stats "$OUT/$variant.wall")"
        read -r rmed _ rmax <<<"$(stats "$OUT/$variant.rss")"
        read -r cmed _ _ <<<"$(stats "$OUT/$variant.cpu")"
        ROWS+=("$N|$variant|$runs|$med|$min|$max|$rmed|$rmax|$cmed")
        MEDIAN[$N,$variant]=$med
        echo "$variant: $runs runs, wall median $med s (min $min, max $max), peak RSS median $(awk -v k="$rmed" 'BEGIN { printf "%.1f", k / 1024 }') MiB"
    done

    # checks on the final state (the last variant's last round: all K published) ----------
    echo "### checks, $N stories"
    if (cd "$DIR" && git fsck --strict --no-progress >"$OUT/fsck.out" 2>&1); then
        echo "  OK: git fsck --strict ($(wc -l <"$OUT/fsck.out") lines of output)"
    else
        fail "git fsck --strict: $(head -n 5 "$OUT/fsck.out" | tr '\n' ' ')"
    fi
    if "$LEDE" -C "$DIR" validate >"$OUT/validate.out" 2>&1; then
        echo "  OK: lede validate ($(tail -n 1 "$OUT/validate.out"))"
    else
        fail "lede validate: $(tail -n 5 "$OUT/validate.out" | tr '\n' ' ')"
    fi
    (cd "$DIR" && git ls-tree -r --name-only published 2>/dev/null | LC_ALL=C sort) >"$OUT/published-files.txt"
    grep '^stories/' "$OUT/published-files.txt" >"$OUT/published-stories.txt"
    awk '{ print $2 }' "$OUT/slugs.txt" | LC_ALL=C sort >"$OUT/expected-published.txt"
    if cmp -s "$OUT/published-stories.txt" "$OUT/expected-published.txt"; then
        echo "  OK: the published branch holds exactly the $K stories"
    else
        fail "the published branch holds $(wc -l <"$OUT/published-stories.txt") story files, not the $K stories"
    fi
    # Besides the stories, publish copies the topic records they refer to.
    others=0; differ=0
    while read -r f; do
        [[ $f == stories/* ]] && continue
        others=$((others + 1))
        if [[ $f != topics/* ]] || ! (cd "$DIR" && git show "published:$f" | cmp -s - "$f"); then
            differ=$((differ + 1)); echo "    published:$f is not a topic record as in the working tree"
        fi
    done <"$OUT/published-files.txt"
    if [[ $differ == 0 ]]; then
        echo "  OK: the published branch's other $others files are topic records, as in the working tree"
    else
        fail "$differ of the published branch's other files are not topic records as in the working tree"
    fi
    bad=0
    while read -r slug rel; do
        pub=$(cd "$DIR" && git show "published:$rel" 2>/dev/null)
        grep -qx 'status = "published"' <<<"$pub" || bad=$((bad + 1))
        grep -qx 'status = "published"' "$DIR/$rel" || bad=$((bad + 1))
        grep -qx 'revision = 1' "$DIR/$rel" || bad=$((bad + 1))
    done <"$OUT/slugs.txt"
    if [[ $bad == 0 ]]; then
        echo "  OK: published and working records say status \"published\" (working: revision 1)"
    else
        fail "$bad status/revision checks failed on the published or working records"
    fi
    if [[ -n $(cd "$DIR" && git status --porcelain --untracked-files=no) ]]; then
        fail "the working tree has uncommitted changes after publishing: $(cd "$DIR" && git status --porcelain --untracked-files=no | head -n 3 | tr '\n' ' ')"
    else
        echo "  OK: working tree clean (git status)"
    fi
done

# --- table -----------------------------------------------------------------------------------
echo
echo "| N | variant | runs | wall median s | min s | max s | CPU median s | peak RSS median MiB | max MiB |"
echo "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for r in "${ROWS[@]}"; do
    IFS='|' read -r n v runs med min max rmed rmax cmed <<<"$r"
    printf '| %s | %s | %s | %.3f | %.3f | %.3f | %s | %.1f | %.1f |\n' "$n" "$v" "$runs" "$med" "$min" "$max" \
        "$cmed" "$(awk -v k="$rmed" 'BEGIN { print k / 1024 }')" "$(awk -v k="$rmax" 'BEGIN { print k / 1024 }')"
done
if [[ ${#SIZES[@]} -ge 2 ]]; then
    SMALL=${SIZES[0]}; LARGE=${SIZES[0]}
    for n in "${SIZES[@]}"; do
        [[ $n -lt $SMALL ]] && SMALL=$n
        [[ $n -gt $LARGE ]] && LARGE=$n
    done
    echo
    for v in $VARIANTS; do
        a=${MEDIAN[$LARGE,$v]:-}; b=${MEDIAN[$SMALL,$v]:-}
        if [[ -z $a || -z $b || $a == - || $b == - ]]; then
            fail "$v: no median for $SMALL or $LARGE"
            continue
        fi
        ratio=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", a / b }')
        if awk -v r="$ratio" -v m="$MAX_RATIO" 'BEGIN { exit !(r > m) }'; then
            echo "ratio $v: median at $LARGE / median at $SMALL = $ratio: OVER $MAX_RATIO"
            STATUS=1
        else
            echo "ratio $v: median at $LARGE / median at $SMALL = $ratio (limit $MAX_RATIO)"
        fi
    done
    if [[ -n ${MEDIAN[$LARGE,git-commit]:-} && -n ${MEDIAN[$SMALL,git-commit]:-} ]]; then
        echo "reference git commit --only: median at $LARGE / median at $SMALL =" \
            "$(awk -v a="${MEDIAN[$LARGE,git-commit]}" -v b="${MEDIAN[$SMALL,git-commit]}" 'BEGIN { printf "%.2f", a / b }') (not checked)"
    fi
fi
echo
echo "$K stories x $ROUNDS rounds per N and variant, each publish its own process, as B; wall from \$EPOCHREALTIME"
echo "around /usr/bin/time; git's index and packs read before each run (BENCH_WARM=$WARM); repack=$REPACK."
echo "lede: $LEDE (modified $(date -u -r "$LEDE" '+%Y-%m-%d %H:%M UTC')); source at $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$( [[ -n $(git -C "$ROOT" status --porcelain -- src 2>/dev/null) ]] && echo ' (src/ has uncommitted changes)')."
echo "$(nproc) cores; $(uname -r); load average at the end: $(cut -d' ' -f1-3 /proc/loadavg); outputs in $BENCH_DIR/publish-out-N."
exit $STATUS
