# tests/lib.sh - shared setup for every test script (sourced, not run).
#
# A test script prints one line per test case:
#   ok NAME
#   not ok NAME: REASON      (detail lines may follow, each starting with "# ")
#   skip NAME: REASON
# tests/run.sh counts them. Scripts exit 0 unless they could not run at all.
#
# Environment: MSGGEN (the binary under test), VALGRIND (a valgrind command line
# to wrap every run in, or empty), UNIT_DIR (compiled unit tests), SHARED (the
# shared/ folder with conformance data; may not exist).

export LC_ALL=C
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
: "${MSGGEN:=$TOP/msggen}"
: "${VALGRIND:=}"
: "${SHARED:=$TOP/../shared}"
export MSGGEN VALGRIND SHARED TOP

TMP=$(mktemp -d "${TMPDIR:-/tmp}/msggen-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

ok()   { echo "ok $1"; }
fail() { echo "not ok $1: $2"; }
skip() { echo "skip $1: $2"; }
# Prints a file (or stdin) as "# " detail lines, at most 40 of them.
detail() { head -n 40 "${1:--}" | sed 's/^/# /'; }

# Runs msggen (under valgrind when VALGRIND is set). Valgrind reports go to
# stderr; its exit code 99 means memory errors or leaks.
mg() { $VALGRIND "$MSGGEN" "$@"; }

# Runs a compiled test program the same way.
run_prog() { $VALGRIND "$@"; }
