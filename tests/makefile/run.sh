#!/usr/bin/env bash
# The Makefile itself: it installs build dependencies only as a recipe of the
# default build run as root (saying what first, waiting for or reporting a
# held dpkg lock), never for make -n, install, check, test or clean (those
# name the apt-get command in one line); make install + make uninstall leave
# nothing behind; make -j4 clean all works on a built tree.
#
# The dependency cases run the real Makefile in a scratch tree with a stub
# generator/ and, first on PATH, a pkg-config that finds nothing, an `id` that
# says root (or not) and an apt-get that only logs its arguments.
. "$(dirname "$0")/../lib.sh"
command -v make >/dev/null || { skip makefile "make not installed"; exit 0; }

tree=$TMP/tree bin=$TMP/bin
mkdir -p "$tree/generator" "$bin"
cp "$TOP/Makefile" "$tree/"
echo 'int main(void) { return 0; }' >"$tree/generator/main.c"
echo 'int mg_stub(void); int mg_stub(void) { return 1; }' >"$tree/generator/stub.c"
# The format checkers' source, which the Makefile also pastes into the C
# target's templates (templates/c/partials/format.mustache).
echo 'int mg_format_stub(void); int mg_format_stub(void) { return 0; }' >"$tree/generator/format.c"
mkdir -p "$tree/templates/c/partials"
cat >"$bin/pkg-config" <<'SH'
#!/bin/sh
[ -n "$STUB_PKG_OK" ] && exec /usr/bin/pkg-config "$@"
exit 1
SH
cat >"$bin/id" <<'SH'
#!/bin/sh
echo "${STUB_UID:-0}"
SH
cat >"$bin/apt-get" <<'SH'
#!/bin/sh
echo "apt-get $*" >>"$APT_LOG"
echo "stub apt-get ran"
if [ -n "$STUB_APT_LOCKED" ]; then
    echo "E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 1 (apt-get)" >&2; exit 100
fi
exit 0
SH
chmod +x "$bin"/*
export APT_LOG=$TMP/apt.log

# stub_make NAME ARGS...: runs make in the scratch tree; output in $TMP/NAME.out.
stub_make() {
    local name=$1; shift
    : >"$APT_LOG"
    (cd "$tree" && PATH=$bin:$PATH make --no-print-directory "$@") >"$TMP/$name.out" 2>&1
}
line="apt-get install -y pkg-config libyaml-dev libcjson-dev libpcre2-dev"

# make -n, and goals that only check: no apt-get, one line naming the command.
if stub_make dry -n && [ ! -s "$APT_LOG" ]; then ok make_n_should_install_nothing
else fail make_n_should_install_nothing "apt-get ran or make -n failed"; detail "$TMP/dry.out"; fi
for goal in install check test clean "clean check"; do
    name=make_${goal// /_}_should_not_install_dependencies
    stub_make goal $goal; rc=$?
    if [ -s "$APT_LOG" ]; then fail "$name" "apt-get ran"; detail "$APT_LOG"; continue; fi
    if [ "$goal" = clean ]; then
        [ "$rc" -eq 0 ] && ok "$name" || { fail "$name" "make clean failed"; detail "$TMP/goal.out"; }
        continue
    fi
    if [ "$rc" -ne 0 ] && [ "$(grep -c "^msggen: missing build dependencies; run as root: $line" "$TMP/goal.out")" -eq 1 ]; then
        ok "$name"
    else
        fail "$name" "expected exit != 0 and one line naming '$line' (exit $rc)"; detail "$TMP/goal.out"
    fi
done

# The default build as root: says what it installs, then installs it.
stub_make all; rc=$?
if grep -q -- "-o DPkg::Lock::Timeout=120 install -y -qq pkg-config libyaml-dev libcjson-dev libpcre2-dev" "$APT_LOG" &&
   [ "$(grep -n "installing missing build dependencies: $line\|stub apt-get ran" "$TMP/all.out" | head -1 | cut -d: -f2-)" = \
     "msggen: installing missing build dependencies: $line" ] && [ "$rc" -ne 0 ]; then
    # rc != 0: the stub installed nothing, and the Makefile checks again afterwards.
    ok make_as_root_should_say_then_install_missing_dependencies
else
    fail make_as_root_should_say_then_install_missing_dependencies "message, then apt-get install, then a re-check (exit $rc)"
    detail "$TMP/all.out"; detail "$APT_LOG"
fi
STUB_APT_LOCKED=1 stub_make locked; rc=$?
if [ "$rc" -ne 0 ] && grep -q "Could not get lock" "$TMP/locked.out" &&
   grep -q "^msggen: installing build dependencies failed (a dpkg lock.*run: $line" "$TMP/locked.out"; then
    ok make_should_report_a_held_dpkg_lock
else
    fail make_should_report_a_held_dpkg_lock "exit $rc"; detail "$TMP/locked.out"
fi
STUB_UID=1000 stub_make user; rc=$?
if [ "$rc" -ne 0 ] && [ ! -s "$APT_LOG" ] && grep -q "^msggen: missing build dependencies; run: sudo $line" "$TMP/user.out"; then
    ok make_as_a_user_should_name_the_sudo_command
else
    fail make_as_a_user_should_name_the_sudo_command "exit $rc"; detail "$TMP/user.out"
fi

# make -j4 clean all on a built tree (the stub sources, real pkg-config):
# cleaning must be over before compiling starts.
if STUB_PKG_OK=1 stub_make j4a -j4 all && STUB_PKG_OK=1 stub_make j4b -j4 clean all &&
   STUB_PKG_OK=1 stub_make j4c -j4 clean all && [ -x "$tree/msggen" ] && [ -f "$tree/build/libmg.a" ] && [ ! -s "$APT_LOG" ]; then
    ok make_j4_clean_all_should_rebuild_a_built_tree
else
    fail make_j4_clean_all_should_rebuild_a_built_tree "see log"; cat "$TMP"/j4?.out | detail
fi

# install + uninstall into a scratch DESTDIR, with the msggen already built
# (-o: never rebuilt here, other families may be running it).
if [ ! -x "$TOP/msggen" ]; then
    skip make_uninstall_should_remove_what_install_installed "no $TOP/msggen (run make)"
else
    dest=$TMP/dest
    mkdir -p "$dest/opt/mg/bin" && echo other >"$dest/opt/mg/bin/other"   # not ours: must survive
    make --no-print-directory -s -C "$TOP" -o msggen install DESTDIR="$dest" PREFIX=/opt/mg >"$TMP/inst.out" 2>&1; rc=$?
    (cd "$dest" && find . ! -type d ! -name other | sort) >"$TMP/installed"
    if [ "$rc" -eq 0 ] && grep -qx ./opt/mg/bin/msggen "$TMP/installed" && grep -q '^./opt/mg/share/msggen/templates/' "$TMP/installed"; then
        ok make_install_should_install_into_destdir_prefix
    else
        fail make_install_should_install_into_destdir_prefix "exit $rc"; detail "$TMP/inst.out"; detail "$TMP/installed"
    fi
    make --no-print-directory -s -C "$TOP" uninstall DESTDIR="$dest" PREFIX=/opt/mg >"$TMP/uninst.out" 2>&1; rc=$?
    (cd "$dest" && find . ! -type d ! -path ./opt/mg/bin/other) >"$TMP/left"
    if [ "$rc" -eq 0 ] && [ ! -s "$TMP/left" ] && [ -f "$dest/opt/mg/bin/other" ] && [ ! -e "$dest/opt/mg/share/msggen" ]; then
        ok make_uninstall_should_remove_what_install_installed
        echo "# $(wc -l <"$TMP/installed") files installed and removed"
    else
        fail make_uninstall_should_remove_what_install_installed "exit $rc; left behind:"; detail "$TMP/left"; detail "$TMP/uninst.out"
    fi
fi
