#!/usr/bin/env bash
# benches/diff_bench.sh — `lede diff` between two commits, against git's own diffs.
#
# Usage (from the project root):  benches/diff_bench.sh [N...]    (default: 100000)
#
# For each N it makes (or reuses) $BENCH_DIR/diffrepo-N, a git repository of
# N generated stories (gen-corpus, no invalid ones) with two commits:
#
#   bench-a   every file (git add -A), then packed with `git repack -a -d`, as
#             in a clone
#   bench-b   one sentence reworded in a section body of 10 stories, one in
#             each of 10 directories spread over stories/2000..2025; every
#             other one also gets a new FAQ entry. Its objects stay loose, as
#             after a local commit. `git diff --stat bench-a bench-b` lists
#             exactly these 10 files.
#
# Commits have a fixed identity and dates, and git runs without the user's
# configuration (GIT_CONFIG_GLOBAL=/dev/null, GIT_CONFIG_NOSYSTEM=1), here
# and in the timed runs; the repository's own config turns automatic gc
# off, so its layout (one pack, 23 loose objects) stays as built. Then, from
# inside the repository, it runs side by side with hyperfine (--warmup 2
# --runs 10, no intermediate shell):
#
#   lede                  target/release/lede diff --from bench-a --to bench-b --format json
#   git diff --stat       git diff --stat bench-a bench-b
#   git diff --word-diff  git diff --word-diff=porcelain bench-a bench-b
#                         (what reviewers read today)
#
# Peak RSS of each comes from one more run under /usr/bin/time -f '%M'; the
# load average before and after the timed runs is printed, since other work
# on the machine skews them (hyperfine runs the commands one after the
# other). A Markdown table follows, with mean and min and lede's time over
# `git diff --stat`'s. The checks:
#
#   ratio     lede's mean is at most BENCH_MAX_RATIO (3) times git diff --stat's
#   records   the JSON's summary.records is 10, and its records are exactly
#             the files `git diff --name-only bench-a bench-b` lists
#   reads     under `strace -f -e trace=%file` (openat and the stat family),
#             lede touches no file under stories/ in the working tree; the
#             loose objects it opens are listed by type, and every loose blob
#             among them must be one of bench-b's changed blobs (bench-a's are
#             in the pack, whose opens are counted: strace cannot see which
#             objects are read from an mmapped pack). Skipped, and said so,
#             when strace is missing and cannot be installed.
#
# Environment:
#   BENCH_DIR (/tmp/lede-bench)  repositories and outputs: diffrepo-N/, out-diff-N/
#   BENCH_RUNS (10)              hyperfine --runs
#   BENCH_WARMUP (2)             hyperfine --warmup
#   BENCH_MAX_RATIO (3)          the ratio check
#   BENCH_SEED (1)               passed to gen-corpus
#   BENCH_STRACE (1)             0: skip the reads check
#   BENCH_NO_BUILD=1             skip cargo build (use the binaries as they are)
#   BENCH_NO_INSTALL=1           never apt-get install strace or GNU time
#   LEDE_BIN, GEN_CORPUS_BIN     override the binaries
#
# A repository is reused when its tags bench-a and bench-b exist and differ
# in exactly 10 files, and its objects are in one pack; otherwise the corpus
# is generated again (--force) and the git history rebuilt. Delete
# diffrepo-N to start over.
#
# Exit status: 0 when every check passes, 1 when one fails, 2 on a setup
# error.

set -uo pipefail
# shellcheck source=benches/lib.sh
source "$(dirname "$0")/lib.sh"

if [[ $# -gt 0 ]]; then SIZES=("$@"); else SIZES=(100000); fi
for n in "${SIZES[@]}"; do
    [[ $n =~ ^[0-9]+$ ]] || die "not a story count: $n"
    [[ $n -ge 100 ]] || die "need at least 100 stories to spread 10 changes: $n"
done

RUNS=${BENCH_RUNS:-10}
WARMUP=${BENCH_WARMUP:-2}
MAX_RATIO=${BENCH_MAX_RATIO:-3}
SEED=${BENCH_SEED:-1}
CHANGED=10

# git without the user's configuration, with a fixed identity.
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME="Lede Bench" GIT_AUTHOR_EMAIL="bench@newsroom.example"
export GIT_COMMITTER_NAME="Lede Bench" GIT_COMMITTER_EMAIL="bench@newsroom.example"
export LC_ALL=C

# --- build and tools --------------------------------------------------------------
build_release || die "build failed"
[[ -x $LEDE ]] || die "missing $LEDE (cargo build --release --bin lede)"
[[ -x $GEN ]] || die "missing $GEN (cargo build --release --example gen-corpus)"
"$LEDE" diff --help >/dev/null 2>&1 || die "$LEDE has no diff command (an old build?)"
command -v git >/dev/null || die "git is missing"
command -v python3 >/dev/null || die "python3 is needed (edits and JSON checks)"
HYPERFINE=$(command -v hyperfine || true)
[[ -n $HYPERFINE ]] || die "hyperfine is missing (apt-get install hyperfine)"
apt_install() {
    [[ ${BENCH_NO_INSTALL:-0} != 1 ]] || return 1
    note "apt-get install -y $1"
    { apt-get install -y "$1" || { apt-get update && apt-get install -y "$1"; }; } >/dev/null 2>&1
}
[[ -x /usr/bin/time ]] || apt_install time || die "/usr/bin/time (GNU time) is missing"
STRACE=
if [[ ${BENCH_STRACE:-1} == 1 ]]; then
    command -v strace >/dev/null || apt_install strace || true
    STRACE=$(command -v strace || true)
    [[ -n $STRACE ]] || note "strace is missing and was not installed: the reads check is skipped"
fi

STATUS=0

# --- the repository ---------------------------------------------------------------------

# repo_ok REPO: the tags exist and differ in exactly $CHANGED files.
repo_ok() {
    git -C "$1" rev-parse -q --verify 'bench-a^{commit}' >/dev/null 2>&1 \
        && git -C "$1" rev-parse -q --verify 'bench-b^{commit}' >/dev/null 2>&1 \
        && [[ $(git -C "$1" diff --name-only bench-a bench-b | wc -l) -eq $CHANGED ]] \
        && [[ $(git -C "$1" count-objects -v | awk '$1 == "packs:" { print $2 }') == 1 ]]
}

# edit_stories REPO: rewords one sentence in 10 stories and adds a FAQ entry to
# every other one; prints the files. Each file must still parse, with one FAQ
# entry more where one was added.
edit_stories() {
    python3 - "$1" "$CHANGED" <<'EOF'
import os, re, sys, tomllib

root, count = sys.argv[1], int(sys.argv[2])
stories = os.path.join(root, "stories")
dirs = sorted(d for d in os.listdir(stories) if os.path.isdir(os.path.join(stories, d)))
if len(dirs) < count:
    sys.exit(f"only {len(dirs)} directories under stories/")
WORDS = [("officials", "ministers"), ("analysts", "economists"), ("critics", "opponents"),
         ("expect", "anticipate"), ("government", "cabinet"), ("largely", "mostly"),
         ("cautiously", "warily"), ("argue", "contend"), ("say", "insist"),
         ("said", "stated"), ("debate", "argument"), ("details", "fine print"),
         ("first", "initial"), ("years", "decades"), ("decision", "move")]
FAQ = '''
[[faq]]
id = "bench-what-next"
question = "What happens next?"
answer = """
Officials say a first review is due within six months, and parliament will debate the findings before any further steps are agreed."""
'''
body_re = re.compile(r'^\[sections\.[^\]]+\]\n(?:[^\[].*\n)*?body = """\n', re.M)
for i in range(count):
    d = dirs[i * len(dirs) // count]
    files = sorted(f for f in os.listdir(os.path.join(stories, d)) if f.endswith(".toml"))
    rel = f"stories/{d}/{files[len(files) // 2]}"
    path = os.path.join(root, rel)
    text = open(path, encoding="utf-8").read()
    before = tomllib.loads(text)
    bodies = list(body_re.finditer(text))
    if not bodies:
        sys.exit(f"{rel}: no section body")
    start = bodies[min(1, len(bodies) - 1)].end()   # the second section's body
    end = text.index("\n", start)                    # its first paragraph (one line)
    para = text[start:end]
    cut = para.find(". ") + 1 or len(para)           # its first sentence
    sentence, done = para[:cut], 0
    for old, new in WORDS:
        sentence, n = re.subn(rf"\b{old}\b", new, sentence, count=1)
        done += n
        if done == 3:
            break
    if done == 0:
        sentence = "By most accounts, " + sentence[0].lower() + sentence[1:]
    text = text[:start] + sentence + para[cut:] + text[end:]
    if i % 2 == 1:
        text = text.rstrip("\n") + "\n" + FAQ
    after = tomllib.loads(text)
    if after == before:
        sys.exit(f"{rel}: the edit changed nothing")
    if len(after.get("faq", [])) != len(before.get("faq", [])) + (i % 2):
        sys.exit(f"{rel}: the FAQ entry did not land")
    open(path, "w", encoding="utf-8").write(text)
    print(rel)
EOF
}

# make_repo N REPO
make_repo() {
    local n=$1 repo=$2
    if repo_ok "$repo"; then
        note "reusing $repo"
        return 0
    fi
    # A .git without both tags is an interrupted run: the stories may already
    # carry bench-b's edits, so they are generated again.
    local had_git=0
    [[ -e $repo/.git ]] && had_git=1
    rm -rf "$repo/.git"
    if [[ $had_git == 0 && -f $repo/invalid.txt && ! -s $repo/invalid.txt && -d $repo/stories \
          && $(find "$repo/stories" -name '*.toml' | wc -l) -eq $n ]]; then
        note "reusing the generated stories in $repo"
    else
        note "generating $repo ($n stories, none invalid)"
        "$GEN" --out "$repo" --stories "$n" --invalid-per-mille 0 --seed "$SEED" --force \
            || die "gen-corpus failed"
    fi
    (
        cd "$repo" || exit 2
        git init -q -b main . || exit 2
        # No automatic gc: after `git add` of N files, `git commit` would start
        # one in the background, racing the repack below (two packs).
        git config gc.auto 0 && git config maintenance.auto false || exit 2
        note "commit A: git add -A (every file), commit, tag bench-a, git repack -a -d"
        git add -A || exit 2
        GIT_AUTHOR_DATE="2026-01-05T09:00:00+00:00" GIT_COMMITTER_DATE="2026-01-05T09:00:00+00:00" \
            git commit -q -m "Bench A: $n generated stories" || exit 2
        git tag bench-a || exit 2
        git repack -a -d -q || exit 2
        note "commit B: reword $CHANGED stories"
        edit_stories "$repo" >"$repo/.git/bench-edited.txt" || exit 2
        git add -A || exit 2
        GIT_AUTHOR_DATE="2026-01-06T09:00:00+00:00" GIT_COMMITTER_DATE="2026-01-06T09:00:00+00:00" \
            git commit -q -m "Bench B: reword one sentence in $CHANGED stories" || exit 2
        git tag bench-b || exit 2
    ) || die "could not build the git history in $repo"
    repo_ok "$repo" || die "$repo: bench-a..bench-b does not change exactly $CHANGED files"
}

# --- measuring ------------------------------------------------------------------------
ALL_ROWS=()   # "N|name|mean|sd|min|max|rss_kib|ratio_mean|ratio_min"

for N in "${SIZES[@]}"; do
    REPO=$BENCH_DIR/diffrepo-$N
    OUT=$BENCH_DIR/out-diff-$N
    make_repo "$N" "$REPO"
    mkdir -p "$OUT"
    rm -f "$OUT"/*
    cd "$REPO" || die "cannot enter $REPO"

    git diff --name-only bench-a bench-b | sort >"$OUT/changed.txt"
    echo
    echo "## diffrepo $N: $REPO"
    echo "$(git ls-tree -r --name-only bench-a stories | wc -l) stories at bench-a;" \
        "bench-a..bench-b: $(git diff --shortstat bench-a bench-b | sed 's/^ *//')"
    git count-objects -v | awk '/^(count|packs|size-pack):/ { printf "%s%s %s", sep, $1, $2; sep = ", " } END { print "" }' \
        | sed 's/^/objects: /; s/count:/loose:/'

    CMD_NAMES=("lede diff --format json" "git diff --stat" "git diff --word-diff=porcelain")
    CMDS=("$(printf '%q' "$LEDE") diff --from bench-a --to bench-b --format json"
          "git diff --stat bench-a bench-b"
          "git diff --word-diff=porcelain bench-a bench-b")
    OUTS=(lede.json git-stat.txt git-word-diff.txt)

    # Outputs and peak RSS: one run each under GNU time.
    RSS=()
    for i in 0 1 2; do
        echo "  + ${CMDS[$i]}"
        # shellcheck disable=SC2086  # the commands are plain words
        /usr/bin/time -o "$OUT/time-$i.txt" -f '%M' ${CMDS[$i]} >"$OUT/${OUTS[$i]}" 2>"$OUT/${OUTS[$i]}.err"
        rc=$?
        [[ $rc == 0 ]] || die "exit $rc from ${CMDS[$i]}: $(head -n 3 "$OUT/${OUTS[$i]}.err")"
        RSS+=("$(tail -n 1 "$OUT/time-$i.txt")")
    done

    LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
    HF_ARGS=()
    for i in 0 1 2; do HF_ARGS+=(-n "${CMD_NAMES[$i]}" "${CMDS[$i]}"); done
    echo "  + (cd $REPO && hyperfine -N --warmup $WARMUP --runs $RUNS --export-json $OUT/hyperfine.json ...)"
    "$HYPERFINE" -N --style basic --warmup "$WARMUP" --runs "$RUNS" \
        --export-json "$OUT/hyperfine.json" --export-markdown "$OUT/hyperfine.md" \
        "${HF_ARGS[@]}" >"$OUT/hyperfine.out" 2>&1 \
        || { cat "$OUT/hyperfine.out" >&2; die "hyperfine failed"; }
    echo "  load average (1, 5, 15 min) before: $LOAD_BEFORE; after: $(cut -d' ' -f1-3 /proc/loadavg)"

    # name|mean|sd|min|max in ms, in the order given.
    mapfile -t HF < <(python3 - "$OUT/hyperfine.json" <<'EOF'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    ms = lambda s: "%.2f" % (s * 1000)
    print("|".join([r["command"], ms(r["mean"]), ms(r["stddev"] or 0), ms(r["min"]), ms(r["max"])]))
EOF
)
    [[ ${#HF[@]} == 3 ]] || die "cannot read $OUT/hyperfine.json"
    IFS='|' read -r _ stat_mean _ stat_min _ <<<"${HF[1]}"
    for i in 0 1 2; do
        IFS='|' read -r name mean sd min max <<<"${HF[$i]}"
        rmean=$(awk -v a="$mean" -v b="$stat_mean" 'BEGIN { printf "%.2f", a / b }')
        rmin=$(awk -v a="$min" -v b="$stat_min" 'BEGIN { printf "%.2f", a / b }')
        ALL_ROWS+=("$N|$name|$mean|$sd|$min|$max|${RSS[$i]}|$rmean|$rmin")
    done
    IFS='|' read -r _ _ lede_mean _ lede_min _ _ ratio_mean ratio_min <<<"${ALL_ROWS[-3]}"

    # checks ---------------------------------------------------------------------------
    echo
    echo "### checks, diffrepo $N"
    if awk -v r="$ratio_mean" -v m="$MAX_RATIO" 'BEGIN { exit !(r <= m) }'; then
        pass "lede mean ${lede_mean} ms is ${ratio_mean}x git diff --stat's ${stat_mean} ms (limit ${MAX_RATIO}x; by min ${ratio_min}x)"
    else
        fail "lede mean ${lede_mean} ms is ${ratio_mean}x git diff --stat's ${stat_mean} ms, over ${MAX_RATIO}x (by min ${ratio_min}x)"
    fi
    stat_files=$(grep -c '|' "$OUT/git-stat.txt")
    if [[ $stat_files == "$CHANGED" ]]; then
        pass "git diff --stat lists $stat_files files"
    else
        fail "git diff --stat lists $stat_files files, not $CHANGED"
    fi
    if python3 - "$OUT/lede.json" "$OUT/changed.txt" "$CHANGED" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
want = set(open(sys.argv[2]).read().split())
n = doc["summary"]["records"]
got = {r.get("new_path") or r.get("old_path") for r in doc["records"]}
words = (doc["summary"].get("words_added"), doc["summary"].get("words_removed"))
print(f"  lede: summary.records = {n}, words +{words[0]} -{words[1]},",
      f"{sum(len(r['changes']) for r in doc['records'])} changes")
ok = n == int(sys.argv[3]) and got == want
if not ok:
    for p in sorted(got - want): print(f"    only in lede: {p}")
    for p in sorted(want - got): print(f"    only in git: {p}")
sys.exit(0 if ok else 1)
EOF
    then
        pass "summary.records is $CHANGED and the records are the files git lists"
    else
        fail "lede's records are not the $CHANGED changed files ($OUT/lede.json)"
    fi

    if [[ -n $STRACE ]]; then
        "$STRACE" -f -s 4096 -e trace=%file -o "$OUT/lede.strace" \
            "$LEDE" diff --from bench-a --to bench-b --format json >/dev/null 2>"$OUT/strace-run.err" \
            || fail "lede under strace exited non-zero"
        "$STRACE" -f -s 4096 -e trace=%file -o "$OUT/git-stat.strace" \
            git diff --stat bench-a bench-b >/dev/null 2>&1
        # changed blobs on the bench-b side
        git diff --raw --no-abbrev bench-a bench-b | awk '{ print $4 }' | sort >"$OUT/new-blobs.txt"
        if python3 - "$OUT/lede.strace" "$OUT/git-stat.strace" "$OUT/new-blobs.txt" "$OUT/strace-summary.txt" <<'EOF'
import re, subprocess, sys
# "PID call(args) = rc", or split over "PID call(args <unfinished ...>" and
# "PID <... call resumed>) = rc" when threads interleave.
line_re = re.compile(r'^(?:(\d+)\s+)?(\w+)\((.*)\)\s+=\s+(-?\d+)')
unfinished_re = re.compile(r'^(?:(\d+)\s+)?(\w+)\((.*) <unfinished \.\.\.>$')
resumed_re = re.compile(r'^(?:(\d+)\s+)?<\.\.\. (\w+) resumed>.*\)\s+=\s+(-?\d+)')
path_re = re.compile(r'"((?:[^"\\]|\\.)*)"')
loose_re = re.compile(r'(?:^|/)\.git/objects/([0-9a-f]{2})/([0-9a-f]{38})$')
new_blobs = set(open(sys.argv[3]).read().split())

def scan(path):
    s = dict(calls=0, opens=0, worktree=[], worktree_ok=[], packs=0, idx=0, loose=[], loose_missing=0)
    pending = {}
    for line in open(path):
        line = line.rstrip("\n")
        m = line_re.match(line)
        if m:
            call, args, rc = m.group(2), m.group(3), int(m.group(4))
        elif (u := unfinished_re.match(line)):
            pending[(u.group(1), u.group(2))] = u.group(3)
            continue
        elif (r := resumed_re.match(line)) and (r.group(1), r.group(2)) in pending:
            call, rc = r.group(2), int(r.group(3))
            args = pending.pop((r.group(1), call))
        else:
            continue
        p = path_re.search(args)
        if not p:
            continue
        p = p.group(1)
        s["calls"] += 1
        is_open = call in ("open", "openat", "openat2", "creat")
        s["opens"] += is_open and rc >= 0
        if re.search(r'(^|/)stories(/|$)', p) and "/.git/" not in p and not p.startswith(".git/"):
            s["worktree"].append(f"{call} {p} = {rc}")
            if rc >= 0:
                s["worktree_ok"].append(p)
        if is_open and rc >= 0 and p.endswith(".pack"):
            s["packs"] += 1
        if is_open and rc >= 0 and p.endswith(".idx"):
            s["idx"] += 1
        lm = loose_re.search(p)
        if lm and is_open:
            if rc >= 0:
                s["loose"].append(lm.group(1) + lm.group(2))
            else:
                s["loose_missing"] += 1
    return s

def kinds(ids):
    out = {}
    for oid in sorted(set(ids)):
        t = subprocess.run(["git", "cat-file", "-t", oid], capture_output=True, text=True).stdout.strip()
        out.setdefault(t, []).append(oid)
    return out

lines, ok = [], True
for name, path in (("lede", sys.argv[1]), ("git diff --stat", sys.argv[2])):
    s = scan(path)
    k = kinds(s["loose"])
    desc = ", ".join(f"{len(v)} {t}s" for t, v in sorted(k.items())) or "none"
    lines.append(f"{name}: {s['calls']} file syscalls ({s['opens']} successful opens); "
                 f"working-tree paths under stories/: {len(s['worktree'])} "
                 f"({len(s['worktree_ok'])} succeeded); pack files opened: {s['packs']} .pack, {s['idx']} .idx; "
                 f"loose objects opened: {len(s['loose'])} ({len(set(s['loose']))} distinct: {desc}), "
                 f"{s['loose_missing']} loose lookups that missed (object in the pack)")
    if name == "lede":
        blobs = set(k.get("blob", []))
        stray = blobs - new_blobs
        lines.append(f"lede: loose blobs opened {len(blobs)}, of bench-b's {len(new_blobs)} changed blobs "
                     f"{len(blobs & new_blobs)}, others {len(stray)}")
        ok = not s["worktree_ok"] and not stray
        for w in s["worktree"][:10]:
            lines.append(f"  working tree: {w}")
open(sys.argv[4], "w").write("\n".join(lines) + "\n")
print("\n".join("  " + l for l in lines))
sys.exit(0 if ok else 1)
EOF
        then
            pass "lede read no working-tree file under stories/ and no loose blob outside the change"
        else
            fail "lede read files it should not have ($OUT/strace-summary.txt, $OUT/lede.strace)"
        fi
    else
        echo "  SKIPPED: the reads check (no strace)"
    fi
    cd "$ROOT" || exit 2
done

# --- table -----------------------------------------------------------------------------------
echo
echo "| N | command | mean ms | ± σ ms | min ms | max ms | peak RSS MiB | vs git diff --stat (mean) | (min) |"
echo "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for r in "${ALL_ROWS[@]}"; do
    IFS='|' read -r n name mean sd min max rss rmean rmin <<<"$r"
    rss=$(awk -v k="$rss" 'BEGIN { printf "%.1f", k / 1024 }')
    echo "| $n | \`$name\` | $mean | $sd | $min | $max | $rss | ${rmean}x | ${rmin}x |"
done
echo
echo "hyperfine -N --warmup $WARMUP --runs $RUNS, from inside the repository; peak RSS from one"
echo "run under /usr/bin/time -f %M. $(nproc) cores; $(uname -r); $(git --version);"
echo "outputs in $BENCH_DIR/out-diff-N."
exit $STATUS
