#!/usr/bin/env python3
"""edit.py EDIT=DIR...: applies each named edit to its copy of the flagship
catalogue (in place), one Python start for every edit of the run.

Prints "applied EDIT" for each edit that applied; an edit that did not prints
"EDIT: why" on stderr, the others still run, and the exit status is 1.

Plain text edits at anchors that must each occur exactly once, so that a
catalogue change that moves an anchor fails loudly instead of testing nothing.
"""
import pathlib
import sys


def replace_once(path, old, new):
    text = path.read_text()
    if text.count(old) != 1:
        sys.exit(f"edit.py: {path}: anchor occurs {text.count(old)} times, want 1: {old[:60]!r}")
    path.write_text(text.replace(old, new))


def apply(root, edit):
    api = root / "asyncapi.yaml"
    textures = root / "messages" / "textures.yaml"
    if edit == "add-optional-field":
        replace_once(textures, "    resolution:\n      type: integer\n",
                     "    seed:\n      type: integer\n      description: Random seed of the generation.\n"
                     "    resolution:\n      type: integer\n")
    elif edit == "change-constraint":
        replace_once(textures, "      maxLength: 500\n", "      maxLength: 600\n")
    elif edit == "add-message":
        replace_once(api, "  thumbnail-generation-completed:\n    address: thumbnail-generation-completed\n",
                     "  texture-preview-request:\n    address: texture-preview-request\n"
                     "    title: Texture Preview Request\n    messages:\n"
                     "      texture-preview-request: {$ref: '#/components/messages/texture-preview-request'}\n\n"
                     "  thumbnail-generation-completed:\n    address: thumbnail-generation-completed\n")
        replace_once(api, "  thumbnailGenerationCompleted:\n    action: send\n",
                     "  texturePreviewRequest:\n    action: send\n"
                     "    channel: {$ref: '#/channels/texture-preview-request'}\n"
                     "    summary: Request a low-resolution texture preview.\n    messages:\n"
                     "      - $ref: '#/channels/texture-preview-request/messages/texture-preview-request'\n\n"
                     "  thumbnailGenerationCompleted:\n    action: send\n")
        replace_once(api, "    texture-generation-request:\n      name: texture-generation-request\n",
                     "    texture-preview-request:\n      name: texture-preview-request\n"
                     "      title: Texture Preview Request\n"
                     "      summary: Request a low-resolution texture preview.\n"
                     "      contentType: application/json\n"
                     "      payload:\n        type: object\n        required: [modelId]\n"
                     "        properties:\n          modelId:\n            type: string\n"
                     "          size:\n            type: integer\n            minimum: 16\n\n"
                     "    texture-generation-request:\n      name: texture-generation-request\n")
    elif edit == "rename-type":
        n = 0
        for path in sorted(root.rglob("*.yaml")):
            text = path.read_text()
            n += text.count("S3Location")
            path.write_text(text.replace("S3Location", "S3ObjectLocation"))
        if n < 2:
            sys.exit(f"edit.py: S3Location occurs {n} times, want a definition and uses")
    else:
        sys.exit(f"edit.py: unknown edit {edit}")


def main():
    failed = False
    for arg in sys.argv[1:]:
        edit, eq, root = arg.partition("=")
        if not eq or not root:
            sys.exit(f"usage: edit.py EDIT=DIR... (got {arg!r})")
        try:
            apply(pathlib.Path(root), edit)
        except SystemExit as e:
            print(f"{edit}: {e.code}", file=sys.stderr)
            failed = True
        except Exception as e:  # one edit's crash fails that edit only
            print(f"{edit}: {type(e).__name__}: {e}", file=sys.stderr)
            failed = True
        else:
            print(f"applied {edit}", flush=True)
    sys.exit(1 if failed else 0)


main()
