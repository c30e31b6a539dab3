#!/usr/bin/env python3
"""action_steps.py ACTION.yml WORKSPACE ACTION_PATH [INPUT=VALUE]... - runs the
shell steps of a composite GitHub Action locally, as the runner would: each
`run:` script with `bash --noprofile --norc -eo pipefail`, its `env:` and
`working-directory:` (relative to WORKSPACE), GITHUB_OUTPUT and GITHUB_PATH
files, and ${{ inputs.X }}, ${{ github.action_path }} and
${{ steps.ID.outputs.X }} expressions. Steps that `uses:` another action are
listed and skipped. Python standard library only: the parser below reads the
block-style YAML subset that action.yml uses (mappings, lists, plain and
quoted scalars, `|` literal blocks) and refuses anything else.

Prints "step NAME: exit N" per step; exits with the first failing step's code.
"""
import os
import re
import subprocess
import sys
import tempfile


def parse_scalar(text):
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1].replace("''", "'") if text[0] == "'" else text[1:-1]
    return text


def strip_comment(line):
    # A '#' after a blank starts a comment, unless inside quotes (rare here).
    out, quote = [], None
    for i, c in enumerate(line):
        if quote:
            if c == quote:
                quote = None
        elif c in "'\"" and (i == 0 or line[i - 1] in " :-"):
            quote = c
        elif c == "#" and (i == 0 or line[i - 1] == " "):
            break
        out.append(c)
    return "".join(out).rstrip()


def parse(lines):
    """Parses lines (with indentation) into dicts, lists and strings."""
    pos = 0

    def indent_of(line):
        return len(line) - len(line.lstrip(" "))

    def skip_blank():
        nonlocal pos
        while pos < len(lines) and not strip_comment(lines[pos]).strip():
            pos += 1

    def block(indent):
        nonlocal pos
        skip_blank()
        if pos >= len(lines):
            return None
        if lines[pos].lstrip().startswith("- "):
            return seq(indent_of(lines[pos]))
        return mapping(indent_of(lines[pos]))

    def literal(parent_indent):
        nonlocal pos
        body, ind = [], None
        while pos < len(lines):
            line = lines[pos]
            if line.strip() and indent_of(line) <= parent_indent:
                break
            if line.strip() and ind is None:
                ind = indent_of(line)
            body.append(line[ind:] if ind is not None and line.strip() else "")
            pos += 1
        while body and not body[-1]:
            body.pop()
        return "\n".join(body) + "\n"

    def value_after(key_indent, rest):
        nonlocal pos
        rest = strip_comment(rest).strip()
        if rest == "|":
            return literal(key_indent)
        if rest in (">", "|-", ">-", "|+"):
            raise SystemExit(f"action_steps.py: unsupported block style '{rest}'")
        if rest == "":
            skip_blank()
            if pos < len(lines) and indent_of(lines[pos]) > key_indent or (
                    pos < len(lines) and lines[pos].lstrip().startswith("- ") and indent_of(lines[pos]) >= key_indent):
                return block(key_indent)
            return ""
        if rest[0] in "[{&*!":
            raise SystemExit(f"action_steps.py: unsupported flow/anchor value '{rest}'")
        return parse_scalar(rest)

    def mapping(indent):
        nonlocal pos
        out = {}
        while True:
            skip_blank()
            if pos >= len(lines) or indent_of(lines[pos]) != indent or lines[pos].lstrip().startswith("- "):
                return out
            line = strip_comment(lines[pos])
            m = re.match(r"\s*([^:]+):(\s.*|)$", line)
            if not m:
                raise SystemExit(f"action_steps.py: line {pos + 1}: not a 'key: value' line")
            pos += 1
            out[m.group(1).strip()] = value_after(indent, m.group(2))

    def seq(indent):
        nonlocal pos
        out = []
        while True:
            skip_blank()
            if pos >= len(lines) or indent_of(lines[pos]) != indent or not lines[pos].lstrip().startswith("- "):
                return out
            # "- key: value" opens a mapping whose keys sit at indent + 2.
            lines[pos] = lines[pos][:indent] + "  " + lines[pos][indent + 2:]
            if re.match(r"\s*[^:]+:(\s|$)", strip_comment(lines[pos])):
                out.append(mapping(indent + 2))
            else:
                out.append(parse_scalar(strip_comment(lines[pos])))
                pos += 1

    return block(0)


def main(argv):
    action_file, workspace, action_path = argv[1], os.path.abspath(argv[2]), os.path.abspath(argv[3])
    with open(action_file, encoding="utf-8") as f:
        action = parse(f.read().split("\n"))
    if action.get("runs", {}).get("using") != "composite":
        raise SystemExit("action_steps.py: not a composite action")
    inputs = {k: (v or {}).get("default", "") for k, v in action.get("inputs", {}).items()}
    for a in argv[4:]:
        k, v = a.split("=", 1)
        if k not in inputs:
            raise SystemExit(f"action_steps.py: the action has no input '{k}'")
        inputs[k] = v
    outputs = {}

    def expand(text):
        def one(m):
            expr = m.group(1).strip()
            parts = expr.split(".")
            if parts[0] == "inputs" and len(parts) == 2 and parts[1] in inputs:
                return inputs[parts[1]]
            if expr == "github.action_path":
                return action_path
            if parts[0] == "steps" and len(parts) == 4 and parts[2] == "outputs":
                return outputs.get(parts[1], {}).get(parts[3], "")
            raise SystemExit(f"action_steps.py: cannot evaluate '${{{{ {expr} }}}}'")
        return re.sub(r"\$\{\{(.*?)\}\}", one, str(text))

    tmp = tempfile.mkdtemp(prefix="action-steps.")
    path_file = os.path.join(tmp, "path")
    open(path_file, "w").close()
    for n, step in enumerate(action["runs"]["steps"]):
        name = step.get("name", f"#{n + 1}")
        if "uses" in step:
            print(f"step {name}: skipped (uses {step['uses']}; not run locally)")
            continue
        if "if" in step:
            raise SystemExit(f"action_steps.py: step {name}: 'if' on a run step is not supported here")
        if step.get("shell") != "bash":
            raise SystemExit(f"action_steps.py: step {name}: shell must be bash")
        out_file = os.path.join(tmp, f"output{n}")
        open(out_file, "w").close()
        env = dict(os.environ)
        with open(path_file) as f:
            extra = [p for p in f.read().split("\n") if p]
        env["PATH"] = os.pathsep.join(list(reversed(extra)) + [env.get("PATH", "")])
        env.update(GITHUB_OUTPUT=out_file, GITHUB_PATH=path_file, GITHUB_WORKSPACE=workspace,
                   GITHUB_ACTION_PATH=action_path)
        for k, v in (step.get("env") or {}).items():
            env[k] = expand(v)
        cwd = os.path.join(workspace, expand(step.get("working-directory", ".")))
        script = os.path.join(tmp, f"step{n}.sh")
        with open(script, "w") as f:
            f.write(expand(step["run"]) if "${{" in step["run"] else step["run"])
        rc = subprocess.call(["bash", "--noprofile", "--norc", "-eo", "pipefail", script], cwd=cwd, env=env)
        if step.get("id"):
            with open(out_file) as f:
                outputs[step["id"]] = dict(l.split("=", 1) for l in f.read().split("\n") if "=" in l)
        print(f"step {name}: exit {rc}")
        sys.stdout.flush()
        if rc != 0:
            return rc
    for k, v in outputs.items():
        for ok, ov in v.items():
            print(f"output {k}.{ok}={ov}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
