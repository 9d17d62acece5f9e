#!/usr/bin/env bash
# Real-browser checks of the site lede renders (issue 6).
#
#  1. makes a throwaway content repository from this project's sample
#     newsroom, with a `published` branch holding its stories, its topics and
#     one extra story full of XSS payloads;
#  2. serves it with `lede preview --port 0`;
#  3. runs check.mjs in headless Chromium: visibility of the story's parts,
#     screenshots, axe-core, the XSS payloads staying inert;
#  4. runs the W3C Nu HTML Checker (vnu.jar) on every built page.
#
# Exits non-zero if any of that fails. Needs node (>= 18), npm, java (>= 11),
# chromium and git; see README.md beside this file.
#
# Environment:
#   LEDE_BIN         the lede binary (default: <repo>/target/debug/lede)
#   CHROMIUM_PATH    the browser (default: /usr/bin/chromium)
#   BROWSER_OUT      where screenshots go (default: <repo>/target/browser)
#   KEEP_TMP=1       keep the temporary content repository for inspection
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
lede="${LEDE_BIN:-$repo/target/debug/lede}"
out="${BROWSER_OUT:-$repo/target/browser}"

say() { printf '== %s\n' "$*"; }
die() { printf 'browser tests: %s\n' "$*" >&2; exit 2; }

# --- prerequisites -----------------------------------------------------------
for tool in git node npm java python3; do
  command -v "$tool" >/dev/null || die "'$tool' is not installed (see tests/browser/README.md)"
done
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] ||
  die "no browser at ${CHROMIUM_PATH:-/usr/bin/chromium}: apt-get install chromium, or set CHROMIUM_PATH"
[ -x "$lede" ] || die "no lede binary at $lede: run 'cargo build --bin lede' first, or set LEDE_BIN"
node_major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$node_major" -ge 18 ] || die "node $(node --version) is too old: 18 or later is needed"

if [ ! -d "$here/node_modules/puppeteer-core" ] || [ ! -d "$here/node_modules/axe-core" ] ||
   [ ! -f "$here/node_modules/vnu-jar/build/dist/vnu.jar" ]; then
  say "npm install (tests/browser)"
  # No install scripts: vnu-jar's would try to download a Java runtime, and
  # nothing here needs one to run.
  if [ -f "$here/package-lock.json" ]; then
    (cd "$here" && npm ci --ignore-scripts --no-audit --no-fund) || die "npm ci failed"
  else
    (cd "$here" && npm install --ignore-scripts --no-audit --no-fund) || die "npm install failed"
  fi
fi

# --- 1. a temporary content repository ----------------------------------------
tmp="$(mktemp -d "${TMPDIR:-/tmp}/lede-browser.XXXXXX")"
preview_pid=""
cleanup() {
  if [ -n "$preview_pid" ] && kill -0 "$preview_pid" 2>/dev/null; then
    kill "$preview_pid" 2>/dev/null
    wait "$preview_pid" 2>/dev/null
  fi
  if [ "${KEEP_TMP:-0}" = 1 ]; then
    printf 'Kept the content repository in %s\n' "$tmp"
  else
    rm -rf "$tmp"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME="Lede Browser Tests" GIT_AUTHOR_EMAIL="browser-tests@example.org"
export GIT_COMMITTER_NAME="Lede Browser Tests" GIT_COMMITTER_EMAIL="browser-tests@example.org"
export GIT_AUTHOR_DATE="2025-11-07T12:00:00Z" GIT_COMMITTER_DATE="2025-11-07T12:00:00Z"

site="$tmp/newsroom"
mkdir -p "$site"
cp -R "$repo/stories" "$repo/topics" "$repo/schemas" "$repo/lede.toml" "$site/" ||
  die "cannot copy the sample newsroom"
git -C "$site" init -q -b main || die "git init failed"
git -C "$site" add -A && git -C "$site" commit -q -m "Sample newsroom" || die "git commit failed"

say "published branch: sample stories, topics and an XSS story"
stage="$tmp/published"
mkdir -p "$stage/stories/2025"
cp -R "$site/topics" "$stage/"
cp "$site"/stories/2025/*.toml "$stage/stories/2025/"
# Every sample story goes out as published.
sed -i 's/^status = "[a-z]*"$/status = "published"/' "$stage"/stories/2025/*.toml

python3 - "$stage/stories/2025/kazakhstan-joins-abraham-accords.toml" \
  "$stage/stories/2025/xss-test.toml" <<'PY' || die "cannot make the XSS story"
import sys, tomllib

source, target = sys.argv[1], sys.argv[2]
text = open(source, encoding="utf-8").read()

def replace_once(old, new):
    global text
    if old not in text:
        sys.exit(f"xss-test: {old!r} is not in the sample story any more")
    text = text.replace(old, new, 1)

# Literal (single-quoted) TOML strings, so the payloads need no escaping.
replace_once('slug = "kazakhstan-joins-abraham-accords"', 'slug = "xss-test"')
replace_once(
    'headline = "Kazakhstan to join the Abraham Accords in a largely symbolic win for Washington"',
    "headline = '</script><script>window.__xss=1</script> XSS test "
    "<img src=x onerror=\"window.__xss=1;alert(1)\"> <!--'",
)
body_payload = (
    "<script>window.__xss=1</script>\n\n"
    "<img src=x onerror=\"window.__xss=1;alert(1)\">\n\n"
    "A [javascript link](javascript:window.__xss=1) and a "
    "[data link](data:text/html,<script>alert(1)</script>).\n\n"
    "<svg onload=\"window.__xss=1\"></svg>\n\n"
    "<a href=\"javascript&#58;window.__xss=1\">entity link</a>\n\n"
    "</script><script>window.__xss=1</script>\n\n"
)
replace_once("[sections.whats-happened]\ntitle = \"What's happened\"\nbody = \"\"\"\n",
             "[sections.whats-happened]\ntitle = \"What's happened\"\nbody = \"\"\"\n" + body_payload)
replace_once(
    'question = "How does Kazakhstan\'s entry change the wider diplomatic picture?"',
    "question = '<script>window.__xss=1</script> An FAQ question?'",
)
replace_once('answer = """\n',
             'answer = """\n<img src=x onerror="window.__xss=1;alert(1)">\n\n'
             '[x](javascript:window.__xss=1) </script><script>window.__xss=1</script>\n\n')
replace_once('outlet = "The New Arab"', "outlet = '<svg onload=\"window.__xss=1\"></svg> The New Arab'")
replace_once('url = "https://www.newarab.com/"', "url = 'javascript:window.__xss=1'")
replace_once('url = "https://www.nytimes.com/"',
             "url = 'https://example.org/\"><script>window.__xss=1</script>'")
replace_once('url = "https://www.france24.com/"', "url = ' JaVaScRiPt:window.__xss=1'")

parsed = tomllib.loads(text)  # the story must stay valid TOML
assert parsed["slug"] == "xss-test" and "<script>" in parsed["headline"]
open(target, "w", encoding="utf-8").write(text)
PY

# An orphan commit on `published`, made with plain git and its own index so
# the working tree (branch main) is left alone.
pub_index="$tmp/published.index"
GIT_INDEX_FILE="$pub_index" git -C "$site" --work-tree="$stage" add -A &&
  tree="$(GIT_INDEX_FILE="$pub_index" git -C "$site" write-tree)" &&
  commit="$(git -C "$site" commit-tree "$tree" -m "Publish the sample stories and an XSS test story")" &&
  git -C "$site" update-ref refs/heads/published "$commit" ||
  die "cannot make the published branch"
git -C "$site" ls-tree -r --name-only published | sed 's/^/  /'

# --- 2. lede preview ----------------------------------------------------------
say "lede preview --port 0"
(cd "$site" && exec "$lede" preview --port 0) >"$tmp/preview.out" 2>"$tmp/preview.err" &
preview_pid=$!
url=""
for _ in $(seq 1 300); do
  url="$(grep -o 'http://127\.0\.0\.1:[0-9]*/' "$tmp/preview.out" 2>/dev/null | head -n 1)"
  [ -n "$url" ] && break
  kill -0 "$preview_pid" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$url" ]; then
  cat "$tmp/preview.out" "$tmp/preview.err" >&2
  die "lede preview did not print the address it serves"
fi
head -n 1 "$tmp/preview.out"
cat "$tmp/preview.err"
if grep -q 'was left out' "$tmp/preview.err"; then
  die "lede left a story or topic out of the site (see above)"
fi
built="$site/.git/lede-preview/published"
[ -f "$built/index.html" ] || die "no built site in $built"

failed=0

# --- 3. the browser -----------------------------------------------------------
say "node check.mjs $url $out"
mkdir -p "$out"
node "$here/check.mjs" "$url" "$out" 2>&1 | tee "$tmp/check.out"
check_status=${PIPESTATUS[0]}
check_passed="$(sed -n 's/^check\.mjs: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p' "$tmp/check.out")"
check_failed="$(sed -n 's/^check\.mjs: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p' "$tmp/check.out")"
if [ -z "$check_passed" ]; then
  check_passed=0 check_failed=1  # it did not run to its summary
fi
[ "$check_status" -eq 0 ] || failed=1

# --- 4. the W3C Nu HTML Checker ------------------------------------------------
say "vnu.jar --errors-only --skip-non-html (the built site)"
pages="$(find "$built" -name '*.html' | wc -l)"
if java -jar "$here/node_modules/vnu-jar/build/dist/vnu.jar" \
    --errors-only --skip-non-html "$built" >"$tmp/vnu.out" 2>&1; then
  vnu_ok=1
  printf 'vnu: %s pages, no errors\n' "$pages"
else
  vnu_ok=0
  failed=1
  # Paths relative to the site, not the temporary directory.
  sed -i "s|file:$built/||g; s|$built/||g" "$tmp/vnu.out"
  cat "$tmp/vnu.out"
  printf 'vnu: %s errors in %s pages; by page:\n' "$(grep -c 'error:' "$tmp/vnu.out")" "$pages"
  grep -o '^"[^"]*"' "$tmp/vnu.out" | sort | uniq -c | sed 's/^/  /'
  [ "${KEEP_TMP:-0}" = 1 ] || echo "(run with KEEP_TMP=1 to keep the built pages for a look)"
fi

# --- 5. the preview is stopped by the EXIT trap ------------------------------
printf 'browser: %d passed, %d failed\n' $((check_passed + vnu_ok)) $((check_failed + 1 - vnu_ok))
exit "$failed"
