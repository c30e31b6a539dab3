# tests/c-target/serialize.sh - the T_serialize checks of the c-target family
# (sourced by run.sh after lib.sh and lib-c.sh).
#
#   c_serialize_payloads HARNESS NAME MANIFEST
#       serialize.c (HARNESS: harness.c built by run.sh against the
#       catalogue's library, run as `HARNESS serialize MANIFEST`) on the
#       catalogue's payloads (cases.py's manifest): text = canonical form,
#       parse back, buffer contract. One ok / not ok line per catalogue.
#   c_serialize_numbers
#       serialize_numbers.c on tests/c-target/serialize-numbers.yaml: hard and
#       random doubles, int64, strings, refusals, buffer sizes, and a locale
#       with a decimal comma (an installed one, else de_DE.UTF-8 made with
#       localedef under $TMP when the locale sources are there; else skip).
c_serialize_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

c_serialize_payloads() {
    local exe=$1 name=$2 manifest=$3 rc n
    run_prog "$exe" serialize "$manifest" >"$TMP/ser.txt" 2>"$TMP/ser.err"; rc=$?
    n=$(sed -n 's/^checked \([0-9]*\)$/\1/p' "$TMP/ser.txt")
    if [ "$rc" -ne 0 ] || grep -q "ERROR: \|runtime error\|==[0-9]*==" "$TMP/ser.err"; then
        fail "c_serialize_should_run_clean/$name" "exit $rc"; detail "$TMP/ser.err"
    elif grep -q "serialize: " "$TMP/ser.txt"; then
        fail "c_serialize_should_give_the_canonical_text_and_parse_back/$name" \
             "$(grep -c "serialize: " "$TMP/ser.txt") of ${n:-?} payloads"; grep "serialize: " "$TMP/ser.txt" | detail
    elif [ "${n:-0}" -eq 0 ]; then
        fail "c_serialize_should_give_the_canonical_text_and_parse_back/$name" "no valid payload was serialized"
    else
        ok "c_serialize_should_give_the_canonical_text_and_parse_back/$name"; echo "# $n payloads serialized"
    fi
}

c_serialize_numbers() {
    local gen=$TMP/gen/serialize-numbers dir exe=$TMP/serialize-numbers loc= l
    if ! mg generate -i "$c_serialize_here/serialize-numbers.yaml" -t c -o "$gen" >"$TMP/gen.out" 2>&1; then
        fail c_serialize_numbers_should_generate "msggen generate failed"; detail "$TMP/gen.out"; return
    fi
    if ! dir=$(c_lib "$gen" serialize-numbers); then
        fail c_serialize_numbers_should_build "build failed"; detail "$TMP/c_lib.log"; return
    fi
    if ! ${CC:-gcc} $C_WARN $(c_flags) -D_POSIX_C_SOURCE=200809L -I"$dir" $(c_cflags) -o "$exe" \
          "$c_serialize_here/serialize_numbers.c" "$dir/libnumbers.a" $(c_libs) >"$TMP/cc.log" 2>&1; then
        fail c_serialize_numbers_harness_should_build "see log"; detail "$TMP/cc.log"; return
    fi
    # A locale with a decimal comma: installed, or made here (2 s of CPU).
    for l in de_DE.utf8 fr_FR.utf8 nl_NL.utf8 ru_RU.utf8; do locale -a 2>/dev/null | grep -qx "$l" && { loc=system; break; }; done
    if [ -z "$loc" ] && command -v localedef >/dev/null && [ -f /usr/share/i18n/locales/de_DE ]; then
        mkdir -p "$TMP/locales" && localedef -i de_DE -f UTF-8 "$TMP/locales/de_DE.UTF-8" >/dev/null 2>&1 && loc=$TMP/locales
    fi
    # glibc's setlocale keeps a block when LOCPATH is set (not ours): no leak check then.
    if [ "$loc" = system ] || [ -z "$loc" ]; then
        run_prog "$exe" >"$TMP/sernum.txt" 2>"$TMP/sernum.err"
    else
        LOCPATH=$loc ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 run_prog "$exe" >"$TMP/sernum.txt" 2>"$TMP/sernum.err"
    fi
    rc=$?
    if [ "$rc" -ne 0 ] || grep -q "ERROR: \|runtime error\|==[0-9]*==" "$TMP/sernum.err"; then
        fail c_serialize_numbers_harness_should_run_clean "exit $rc"; detail "$TMP/sernum.err"
    fi
    grep "^ok \|^not ok \|^skip " "$TMP/sernum.txt"
    [ "$(grep -c "^ok \|^not ok \|^skip " "$TMP/sernum.txt")" -eq 7 ] ||
        fail c_serialize_numbers_should_report_every_group "$(grep -c "^ok \|^not ok \|^skip " "$TMP/sernum.txt") of 7 lines"
}
