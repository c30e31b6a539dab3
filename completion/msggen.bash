# Bash completion for msggen: subcommands, options, target names and files.
# Installed by `make install` into share/bash-completion/completions/msggen;
# to try it without installing: source completion/msggen.bash
#
# Options are read from `msggen SUBCOMMAND --help` and targets from
# `msggen targets`, so the completion follows the msggen on PATH.

_msggen_subcommands() {
    msggen --help 2>/dev/null | awk '/^subcommands:/ {on = 1; next} on && /^  [a-z]/ {print $1} on && /^$/ {on = 0}'
}

_msggen_options() {
    # Every --long option the subcommand's help mentions, plus the common ones.
    { echo --help; msggen "$1" --help 2>/dev/null; msggen --help 2>/dev/null | sed -n '/^Options of every subcommand/,$p'; } |
        grep -oE -- '--[a-z][a-z-]*' | sort -u
}

_msggen() {
    local cur prev sub i
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD-1]}
    COMPREPLY=()
    sub=
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
            -*) ;;
            *) sub=${COMP_WORDS[i]}; break ;;
        esac
    done
    if [ -z "$sub" ]; then
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W "--help --version --diagnostics-format= --diagnostics-output=" -- "$cur"))
        else
            COMPREPLY=($(compgen -W "$(_msggen_subcommands) help" -- "$cur"))
        fi
        return 0
    fi
    # Bash splits "--opt=value" at '=' (COMP_WORDBREAKS): then the option is
    # two words back and the word before the value is "=".
    if [ "$prev" = "=" ] && [ "$COMP_CWORD" -ge 2 ]; then
        prev=${COMP_WORDS[COMP_CWORD-2]}
    elif [ "$cur" = "=" ]; then
        prev=${COMP_WORDS[COMP_CWORD-1]}
        cur=
    fi
    case $prev in
        -t|--target)
            COMPREPLY=($(compgen -W "$(msggen targets 2>/dev/null | awk '{print $1}')" -- "$cur"))
            # A target folder is any path with a '/'.
            case $cur in */*|.*) COMPREPLY+=($(compgen -d -- "$cur")) ;; esac
            return 0 ;;
        -o|--output|--templates-override)
            COMPREPLY=($(compgen -d -- "$cur"))
            return 0 ;;
        -i|--input|--config|--view|-s|--schema|--diagnostics-output)
            COMPREPLY=($(compgen -f -- "$cur"))
            return 0 ;;
        --diagnostics-format)
            COMPREPLY=($(compgen -W "text json sarif" -- "$cur"))
            return 0 ;;
        --watch-max-runs|-m|--message)
            return 0 ;;
    esac
    case $cur in
        --diagnostics-format=*)
            COMPREPLY=($(compgen -W "text json sarif" -- "${cur#*=}"))
            return 0 ;;
        -*)
            COMPREPLY=($(compgen -W "$(_msggen_options "$sub")" -- "$cur"))
            return 0 ;;
    esac
    if [ "$sub" = help ]; then
        COMPREPLY=($(compgen -W "$(_msggen_subcommands)" -- "$cur"))
    else
        COMPREPLY=($(compgen -f -- "$cur"))
    fi
}

complete -F _msggen msggen
