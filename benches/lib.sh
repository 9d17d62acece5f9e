# benches/lib.sh — what every benchmark script starts with. Sourced right
# after `set -uo pipefail`, from the project root; defines:
#
#   die MSG / note MSG     to stderr, prefixed with the script's name (die exits 2)
#   fail MSG / pass MSG    a check's result on stdout (fail sets STATUS=1)
#   abs PATH               PATH made absolute against the project root
#   build_release [ARG]... cargo build --release --bin lede --example gen-corpus ARG...,
#                          unless BENCH_NO_BUILD=1; returns cargo's status
#   ROOT, TARGET           the project root and cargo's target directory (CARGO_TARGET_DIR)
#   BENCH_DIR              $BENCH_DIR (default /tmp/lede-bench), created, absolute
#   LEDE, GEN              the lede and gen-corpus binaries (LEDE_BIN, GEN_CORPUS_BIN)

BENCH_NAME=${0##*/}
die() { echo "$BENCH_NAME: $*" >&2; exit 2; }
note() { echo "$BENCH_NAME: $*" >&2; }
fail() { echo "  FAILED: $*"; STATUS=1; }
pass() { echo "  OK: $*"; }

[[ -f Cargo.toml ]] || die "run from the project root (no Cargo.toml here)"
ROOT=$(pwd)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
[[ $TARGET = /* ]] || TARGET=$ROOT/$TARGET
abs() { [[ $1 = /* ]] && echo "$1" || echo "$ROOT/$1"; }
LEDE=$(abs "${LEDE_BIN:-$TARGET/release/lede}")
GEN=$(abs "${GEN_CORPUS_BIN:-$TARGET/release/examples/gen-corpus}")
BENCH_DIR=${BENCH_DIR:-/tmp/lede-bench}
mkdir -p "$BENCH_DIR" || die "cannot create $BENCH_DIR"
BENCH_DIR=$(cd "$BENCH_DIR" && pwd)

build_release() {
    [[ ${BENCH_NO_BUILD:-0} == 1 ]] && return 0
    note "cargo build --release --bin lede --example gen-corpus $*"
    cargo build --release --bin lede --example gen-corpus "$@"
}
