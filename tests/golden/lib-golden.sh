# tests/golden/lib-golden.sh - shared by run.sh and update.sh (sourced).
#
# A golden case is a folder tests/golden/<case>/ with
#   input/catalogue.{yaml,yml,json}   the entry file (other input files beside it)
#   expected/<target>/...             what `msggen generate` writes for each shipped target
#   options                           (optional) more `msggen generate` options, one line,
#                                     split at spaces (e.g. --ref-map URL_PREFIX=DIR)
# msggen runs in the case folder, so input files may refer to files beside input/.
# Rendering goes to a temp folder; only update.sh writes expected/.

golden_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# The entry file of a case, or nothing.
golden_entry() {
    local f
    for f in "$1"/input/catalogue.yaml "$1"/input/catalogue.yml "$1"/input/catalogue.json; do
        [ -f "$f" ] && { echo "$f"; return; }
    done
}

# Shipped target names, one per line (first word of each `msggen targets` line).
golden_targets() { "$MSGGEN" targets 2>/dev/null | awk 'NF { print $1 }'; }

# Renders case $1 for target $2 into folder $3; stderr to $3.err.
golden_render() {
    local entry opts=(); entry=$(golden_entry "$1")
    [ -f "$1/options" ] && read -r -a opts <"$1/options"
    ( cd "$1" && mg generate -i "${entry#"$1"/}" "${opts[@]}" -t "$2" -o "$3" ) >/dev/null 2>"$3.err"
}

# Renders case $1 (entry file $2) for the targets $4... in one msggen run:
# each target into $3/<target>/, what `-t T -o $3/T` writes; stderr to $3.err.
golden_render_all() {
    local case_dir=$1 entry=$2 out=$3 opts=() t ts=()
    shift 3
    [ -f "$case_dir/options" ] && read -r -a opts <"$case_dir/options"
    for t in "$@"; do ts+=(-t "$t"); done
    ( cd "$case_dir" && mg generate -i "${entry#"$case_dir"/}" "${opts[@]}" "${ts[@]}" -o "$out" ) >/dev/null 2>"$out.err"
}
