#!/usr/bin/env bash
# benches/publish_push_bench.sh — what `lede publish <slug> --push` costs
# beyond the network round trip, in a small and a large newsroom.
#
# Usage (from the project root):  benches/publish_push_bench.sh [N...]   (default: 100 50000)
#
# Issue 14: a publish with fetch and push must cost under 2 s beyond the
# round trip to the remote, independent of the archive's size. For each N
# it builds (or reuses) under $BENCH_DIR:
#
#   push-seed-N/     target/release/examples/gen-corpus --out DIR --stories N
#                    --invalid-per-mille 0 --seed S --force; git init -b main;
#                    git add -A; git commit (as A, "Alex Author"); git repack -adq
#   push-remote-N.git  git init --bare -b main, the seed's main pushed to it
#   push-desk-N/     git clone file://…/push-remote-N.git (a full clone, as a
#                    desk chief's), then `lede setup`
#
# In the desk clone K drafts, spread over the sorted list of drafts, are
# submitted (as A) and approved (as B, "Blair Editor") with lede and pushed;
# that state is kept as refs/bench/start, in the clone and on the remote.
#
# A round puts both back to that state (the remote's main reset with
# update-ref, its published branch deleted; the clone reset --hard, its
# published and origin/published deleted) and then, for each of the K
# stories in turn, as B:
#
#   lede publish SLUG --push     (fetches origin/published, publishes on top
#                                 of it, git push --atomic origin main published)
#
# timed with $EPOCHREALTIME, peak RSS from /usr/bin/time -f %M. The first
# publish of a round creates the remote's published branch, the others
# build on it. Each run must exit 0 and say "Pushed main and published".
#
# The reference row is the round trip alone, done by git in the same clone
# after each publish run, on the same remote:
#
#   git fetch -q origin
#   git push -q --atomic origin C1:refs/heads/bench-main C2:refs/heads/bench-published
#
# where C1 and C2 are new commits (git commit-tree of HEAD's tree on HEAD,
# and of published's tree on published): two small new commits, two
# branches, one atomic push, as lede sends. The bench branches are deleted
# again before the next run (not timed).
#
# The result is each N's median of publish --push minus the median of the
# reference; the targets are (a) that difference is under BENCH_MAX_EXTRA
# seconds (2) at every N and (b) the largest N's difference is at most
# BENCH_MAX_RATIO (2) times the smallest N's (or within 0.1 s of it: at
# these sizes a ratio of two tiny numbers says nothing).
#
# After the last round the remote must pass `git fsck --strict`, its
# published branch must hold exactly the K stories, and main and published
# on the remote must equal the clone's.
#
# Environment: BENCH_DIR (/tmp/lede-bench), BENCH_K (5), BENCH_ROUNDS (3),
# BENCH_SEED (1), BENCH_REGEN=1 (rebuild the repositories), BENCH_MAX_EXTRA
# (2), BENCH_MAX_RATIO (2), BENCH_NO_BUILD=1, LEDE_BIN, GEN_CORPUS_BIN.
#
# Exit status: 0 when every run and check passed and both targets held, 1
# when a target or a check failed, 2 on a setup error.

set -uo pipefail
# shellcheck source=benches/lib.sh
source "$(dirname "$0")/lib.sh"

if [[ $# -gt 0 ]]; then SIZES=("$@"); else SIZES=(100 50000); fi
for n in "${SIZES[@]}"; do [[ $n =~ ^[0-9]+$ && $n -gt 0 ]] || die "not a story count: $n"; done
K=${BENCH_K:-5}
ROUNDS=${BENCH_ROUNDS:-3}
SEED=${BENCH_SEED:-1}
MAX_EXTRA=${BENCH_MAX_EXTRA:-2}
MAX_RATIO=${BENCH_MAX_RATIO:-2}
[[ $K =~ ^[0-9]+$ && $K -gt 0 && $ROUNDS =~ ^[0-9]+$ && $ROUNDS -gt 0 ]] || die "BENCH_K and BENCH_ROUNDS must be positive"

build_release || note "build failed; going on with whatever binaries exist"
[[ -x $LEDE ]] || die "missing $LEDE (cargo build --release --bin lede)"
[[ -x $GEN ]] || die "missing $GEN (cargo build --release --example gen-corpus)"
[[ -x /usr/bin/time ]] || die "/usr/bin/time (GNU time) is missing: apt-get install time"

export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
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

# timed DIR OUT ERR WHO CMD... -> T_WALL T_RSS T_RC
timed() {
    local dir=$1 out=$2 err=$3 who=$4; shift 4
    local t0 t1
    t0=$EPOCHREALTIME
    (cd "$dir" && identity "$who" && exec /usr/bin/time -o "$TIMEF" -f '%M' "$@" >"$out" 2>"$err")
    T_RC=$?
    t1=$EPOCHREALTIME
    T_WALL=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')
    T_RSS=$(tail -n 1 "$TIMEF")
    [[ $T_RSS =~ ^[0-9]+$ ]] || T_RSS=0
}

# The round trip alone: fetch, then an atomic push of two new commits.
round_trip() {
    local c1 c2
    c1=$(git commit-tree -p HEAD -m "bench: round trip" "HEAD^{tree}") || return 1
    c2=$(git commit-tree -p published -m "bench: round trip" "published^{tree}") || return 1
    git fetch -q origin || return 1
    git push -q --atomic origin "$c1:refs/heads/bench-main" "$c2:refs/heads/bench-published"
}
export -f round_trip

stats() {
    sort -g "$1" | awk '{ v[NR] = $1 } END {
        if (NR == 0) { print "- - -"; exit }
        m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
        printf "%.4f %.4f %.4f\n", m, v[1], v[NR] }'
}

setup() {
    local n=$1 seed=$2 remote=$3 desk=$4 out=$5 rel slug
    note "generating $seed ($n stories)"
    rm -rf "$seed" "$remote" "$desk"
    "$GEN" --out "$seed" --stories "$n" --invalid-per-mille 0 --seed "$SEED" --force >"$out/gen.log" 2>&1 \
        || { cat "$out/gen.log" >&2; die "gen-corpus failed"; }
    (cd "$seed" && git init -q -b main && git add -A && identity as_a \
        && git commit -q -m "Import $n generated stories" && git repack -adq && git prune) \
        || die "git init/add/commit failed in $seed"
    git init -q --bare -b main "$remote" || die "git init --bare failed"
    git -C "$seed" push -q "$remote" main || die "push to $remote failed"
    git clone -q "file://$remote" "$desk" || die "clone of $remote failed"
    "$LEDE" -C "$desk" setup >"$out/setup.out" 2>&1 || { cat "$out/setup.out" >&2; die "lede setup failed"; }
    (cd "$desk" && grep -rlx 'status = "draft"' stories | LC_ALL=C sort) >"$out/drafts.txt"
    local drafts
    drafts=$(wc -l <"$out/drafts.txt")
    [[ $drafts -ge $K ]] || die "only $drafts drafts in $desk; need $K"
    awk -v k="$K" -v n="$drafts" 'BEGIN { for (i = 0; i < k; i++) want[int((i + 0.5) * n / k) + 1] = 1 }
        NR in want' "$out/drafts.txt" >"$out/picked.txt"
    : >"$out/slugs.txt"
    while read -r rel; do
        slug=$(basename "$rel" .toml)
        echo "$slug $rel" >>"$out/slugs.txt"
        (cd "$desk" && identity as_a && "$LEDE" submit "$slug" >/dev/null 2>"$out/submit.err") \
            || { cat "$out/submit.err" >&2; die "lede submit $slug failed"; }
        (cd "$desk" && identity as_b && "$LEDE" approve "$slug" >/dev/null 2>"$out/approve.err") \
            || { cat "$out/approve.err" >&2; die "lede approve $slug failed"; }
    done <"$out/picked.txt"
    (cd "$desk" && git push -q origin main && git update-ref refs/bench/start HEAD) \
        || die "could not push the approvals"
    git -C "$remote" update-ref refs/bench/start "$(git -C "$desk" rev-parse HEAD)" || die "update-ref failed"
    cp "$out/slugs.txt" "$desk/.git/lede-bench-slugs"
}

# Both sides back to refs/bench/start, with nothing published anywhere.
reset_round() {
    local remote=$1 desk=$2
    git -C "$remote" update-ref refs/heads/main refs/bench/start || return 1
    git -C "$remote" update-ref -d refs/heads/published 2>/dev/null
    (cd "$desk" && git reset -q --hard refs/bench/start \
        && { git update-ref -d refs/heads/published 2>/dev/null; true; } \
        && { git update-ref -d refs/remotes/origin/published 2>/dev/null; true; } \
        && git fetch -q origin)
}

drop_bench_branches() {
    git -C "$1" update-ref -d refs/heads/bench-main 2>/dev/null
    git -C "$1" update-ref -d refs/heads/bench-published 2>/dev/null
    true
}

for N in "${SIZES[@]}"; do
    SEEDDIR=$BENCH_DIR/push-seed-$N; REMOTE=$BENCH_DIR/push-remote-$N.git
    DESK=$BENCH_DIR/push-desk-$N; OUT=$BENCH_DIR/push-out-$N
    mkdir -p "$OUT"
    if [[ ${BENCH_REGEN:-0} != 1 && -f $DESK/.git/lede-bench-slugs ]] \
        && git -C "$REMOTE" rev-parse -q --verify refs/bench/start >/dev/null; then
        note "reusing $DESK"
        cp "$DESK/.git/lede-bench-slugs" "$OUT/slugs.txt"
    else
        setup "$N" "$SEEDDIR" "$REMOTE" "$DESK" "$OUT"
    fi
    : >"$OUT/publish.wall"; : >"$OUT/publish.rss"; : >"$OUT/ref.wall"; : >"$OUT/ref.rss"
done

for ((round = 1; round <= ROUNDS; round++)); do
    for N in "${SIZES[@]}"; do
        REMOTE=$BENCH_DIR/push-remote-$N.git; DESK=$BENCH_DIR/push-desk-$N; OUT=$BENCH_DIR/push-out-$N
        reset_round "$REMOTE" "$DESK" || die "cannot reset $DESK and $REMOTE"
        while read -r slug rel; do
            timed "$DESK" "$OUT/publish.out" "$OUT/publish.err" as_b "$LEDE" publish "$slug" --push
            if [[ $T_RC != 0 ]] || ! grep -q "Pushed main and published" "$OUT/publish.out" "$OUT/publish.err"; then
                fail "$N stories, round $round: lede publish $slug --push exited $T_RC: $(head -n 3 "$OUT/publish.err" | tr '\n' ' ')"
                continue
            fi
            echo "$T_WALL" >>"$OUT/publish.wall"; echo "$T_RSS" >>"$OUT/publish.rss"
            timed "$DESK" /dev/null "$OUT/ref.err" as_b bash -c round_trip
            if [[ $T_RC != 0 ]]; then
                fail "$N stories: the reference round trip failed: $(head -n 3 "$OUT/ref.err" | tr '\n' ' ')"
            else
                echo "$T_WALL" >>"$OUT/ref.wall"; echo "$T_RSS" >>"$OUT/ref.rss"
            fi
            drop_bench_branches "$REMOTE"
        done <"$OUT/slugs.txt"
    done
done

declare -A EXTRA
echo
echo "| N | runs | publish --push median s (min–max) | round trip median s (min–max) | difference s | publish peak RSS median MiB |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: |"
for N in "${SIZES[@]}"; do
    OUT=$BENCH_DIR/push-out-$N
    read -r pm pmin pmax <<<"$(stats "$OUT/publish.wall")"
    read -r rm rmin rmax <<<"$(stats "$OUT/ref.wall")"
    read -r prss _ _ <<<"$(stats "$OUT/publish.rss")"
    if [[ $pm == - || $rm == - ]]; then fail "$N: no successful runs"; continue; fi
    EXTRA[$N]=$(awk -v a="$pm" -v b="$rm" 'BEGIN { printf "%.4f", a - b }')
    printf '| %s | %s | %.3f (%.3f–%.3f) | %.3f (%.3f–%.3f) | %.3f | %.1f |\n' "$N" "$(wc -l <"$OUT/publish.wall")" \
        "$pm" "$pmin" "$pmax" "$rm" "$rmin" "$rmax" "${EXTRA[$N]}" "$(awk -v k="$prss" 'BEGIN { print k / 1024 }')"
done

echo
for N in "${SIZES[@]}"; do
    REMOTE=$BENCH_DIR/push-remote-$N.git; DESK=$BENCH_DIR/push-desk-$N; OUT=$BENCH_DIR/push-out-$N
    [[ -n ${EXTRA[$N]:-} ]] || continue
    if awk -v e="${EXTRA[$N]}" -v m="$MAX_EXTRA" 'BEGIN { exit !(e < m) }'; then
        pass "$N stories: publish --push costs ${EXTRA[$N]} s beyond the round trip (target < $MAX_EXTRA s)"
    else
        fail "$N stories: publish --push costs ${EXTRA[$N]} s beyond the round trip (target < $MAX_EXTRA s)"
    fi
    if git -C "$REMOTE" fsck --strict --no-progress >"$OUT/fsck.out" 2>&1; then
        pass "$N stories: git fsck --strict on the remote"
    else
        fail "$N stories: git fsck --strict on the remote: $(head -n 3 "$OUT/fsck.out" | tr '\n' ' ')"
    fi
    published=$(git -C "$REMOTE" ls-tree -r --name-only published -- stories | LC_ALL=C sort)
    expected=$(awk '{ print $2 }' "$OUT/slugs.txt" | LC_ALL=C sort)
    if [[ $published == "$expected" ]]; then
        pass "$N stories: the remote's published branch holds exactly the $K stories"
    else
        fail "$N stories: the remote's published branch holds $(wc -l <<<"$published") story files, not the $K"
    fi
    for branch in main published; do
        if [[ $(git -C "$REMOTE" rev-parse "$branch") == $(git -C "$DESK" rev-parse "$branch") ]]; then
            pass "$N stories: $branch on the remote is the clone's"
        else
            fail "$N stories: $branch on the remote differs from the clone's"
        fi
    done
done
if [[ ${#SIZES[@]} -ge 2 ]]; then
    SMALL=${SIZES[0]}; LARGE=${SIZES[0]}
    for n in "${SIZES[@]}"; do
        [[ $n -lt $SMALL ]] && SMALL=$n
        [[ $n -gt $LARGE ]] && LARGE=$n
    done
    a=${EXTRA[$LARGE]:-}; b=${EXTRA[$SMALL]:-}
    if [[ -n $a && -n $b ]]; then
        if awk -v a="$a" -v b="$b" -v m="$MAX_RATIO" 'BEGIN { exit !(a - b <= 0.1 || (b > 0 && a / b <= m)) }'; then
            pass "size independence: $a s at $LARGE against $b s at $SMALL (ratio limit $MAX_RATIO, or within 0.1 s)"
        else
            fail "size independence: $a s at $LARGE against $b s at $SMALL (ratio limit $MAX_RATIO, or within 0.1 s)"
        fi
    fi
fi
exit $STATUS
