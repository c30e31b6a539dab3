#!/usr/bin/env python3
"""Reduces generated C to one function per shape, for cppcheck.

    shapes.py SRC_DIR OUT_DIR SEEN_FILE
    shapes.py many CPPCHECK_VERSION  <"NAME SRC_DIR OUT_DIR" lines   (see many())

Generated C repeats a few template shapes once per message, type and field
(worker-backend: ~2300 functions in 3.5 MB). cppcheck's findings are per
function, so checking each shape once finds what checking every copy finds,
at a fraction of the time. A function's shape is its text with the catalogue's
own names (identifiers starting with the C prefix, struct members after . or
->) numbered by first use and string literals without a % emptied; keywords,
library calls, local names, numbers and format strings stay as they are.

OUT_DIR gets every header unchanged and every .c with all text outside
function bodies kept, and each function kept only when its shape is not in
SEEN_FILE (shapes checked before, in this catalogue or an earlier one) or
when it uses a struct defined in that .c (else cppcheck reports the struct's
members unused); the
new shapes are added to SEEN_FILE. A .c with more than SHAPES_CHUNK (25) kept
functions becomes several part files (see below).

A .c's frame (its role, the file name less the prefix, and all its text
outside function bodies: includes, declarations, tables, its own structs) has
a shape too. A .c whose frame shape was seen before, in a file checked with
every function that uses its own structs, is checked once per shape too: with
no function of a new shape it is not written at all (everything in it was
checked before, in the same shape); with some, only those are kept, and
OUT_DIR/.suppress lists it for cppcheck's unusedStructMember (its structs'
members are used by left-out functions; the file of the same frame shape
checked before had them all). Prints "KEPT TOTAL SKIPPED" (functions, and the
.c files not written).
"""
import hashlib
import os
import re
import shutil
import sys

CHUNK = int(os.environ.get("SHAPES_CHUNK", "25"))
SMALL_FN = 3000
TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|(?:->|\.)\s*[A-Za-z_]\w*|[A-Za-z_]\w*|\s+|.', re.S)


def prefix_of(src):
    """The C prefix: NAME in the generated Makefile (worker_backend)."""
    try:
        for line in open(os.path.join(src, "Makefile")):
            m = re.match(r"^NAME\s*=\s*(\w+)", line)
            if m:
                return m.group(1)
    except OSError:
        pass
    return None


# The validators match member names byte by byte: "(unsigned char)key[3] ==
# 108 && ... && key[9] == '\0'". Which bytes, and how many, is the name's
# business, not the shape's; a value outside 0..255 would stay visible.
BYTE = r"\(unsigned char\)key\[\d+\] == (?:25[0-5]|2[0-4]\d|1?\d?\d)\b"
KEY_CHAIN = re.compile(r"%s(?: && %s)*(?: && key\[\d+\] == '\\0')?" % (BYTE, BYTE))
CASE_BYTE = re.compile(r"\bcase (?:25[0-5]|2[0-4]\d|1?\d?\d):")
COMMENT = re.compile(r"/\*.*?\*/", re.S)


def shape(text, pfx):
    names = {}
    out = []
    text = COMMENT.sub(" ", text)
    text = KEY_CHAIN.sub("KEY_MATCHES", text)
    text = CASE_BYTE.sub("case BYTE:", text)
    for t in TOKEN.findall(text):
        if t[0] == '"':
            out.append(t if "%" in t else '""')
        elif t[0] in "-." and len(t) > 1:
            member = t.lstrip("-.> \t\n")
            op = t[:2] if t.startswith("->") else "."
            out.append("%s#m%d" % (op, names.setdefault("." + member, len(names))))
        elif pfx and (t.startswith(pfx + "_") or t.startswith(pfx.upper() + "_") or t == pfx):
            out.append("#n%d" % names.setdefault(t, len(names)))
        elif t.isspace():
            out.append(" ")
        else:
            out.append(t)
    return hashlib.sha1("".join(out).encode()).hexdigest()


def split(lines):
    """Yields (is_function, text): a function is a signature at column 0, a
    body from a line "{" (or a signature ending in " {") to a line "}"."""
    i, n = 0, len(lines)
    other = []
    while i < n:
        line = lines[i]
        start = None
        if line[:1].isalpha() or line[:1] == "_":
            # the signature may span lines up to the "{" line
            j = i
            while j < n and j < i + 8:
                s = lines[j].rstrip("\n")
                if s == "{" or (s.endswith(") {") and j == i):
                    start = j
                    break
                if s.endswith(";") or s.endswith("=") or s.endswith("= {") or s == "":
                    break
                j += 1
        if start is None:
            other.append(line)
            i += 1
            continue
        end = start + 1
        while end < n and lines[end].rstrip("\n") != "}":
            end += 1
        if other:
            yield False, "".join(other)
            other = []
        yield True, "".join(lines[i:end + 1])
        i = end + 1
    if other:
        yield False, "".join(other)


def reduce_dir(src, out, seen):
    """Writes OUT from SRC (see above), adding the new shapes to the set
    seen; returns (kept, total, skipped)."""
    pfx = prefix_of(src)
    os.makedirs(out, exist_ok=True)
    kept = total = skipped = 0
    suppress = []
    for name in sorted(os.listdir(src)):
        path = os.path.join(src, name)
        if name.endswith(".h"):
            shutil.copyfile(path, os.path.join(out, name))
        elif name.endswith(".c"):
            with open(path, encoding="utf-8", errors="surrogateescape") as fh:
                lines = fh.readlines()
            parts = []   # (function number or None, text)
            nkept = 0
            chunks = list(split(lines))
            # A struct defined in this .c looks unused to cppcheck when the
            # functions using it are left out: those are always kept.
            local = set()
            # (Scanned in every chunk: a typedef that the splitter took for
            # a function still defines the struct.)
            for is_fn, text in chunks:
                local.update(re.findall(r"^(?:typedef )?struct (\w+) \{", text, re.M))
                local.update(re.findall(r"^\} (\w+);", text, re.M))
            uses_local = re.compile(r"\b(?:%s)\b" % "|".join(map(re.escape, sorted(local)))) if local else None
            # The frame: the role and all the text outside functions.
            role = name[len(pfx):] if pfx and name.startswith(pfx) else name
            frame = "frame:" + shape(role + "\n" + "".join(t for f, t in chunks if not f), pfx)
            frame_seen = frame in seen
            nnew = 0
            for is_fn, text in chunks:
                if not is_fn:
                    parts.append((None, text))
                    continue
                total += 1
                h = shape(text, pfx)
                if h in seen and (frame_seen or not (uses_local and uses_local.search(text))):
                    parts.append((-1, text))
                    continue
                if h not in seen:
                    seen.add(h)
                    nnew += 1
                parts.append((nkept, text))
                nkept += 1
            kept += nkept
            if frame_seen and nnew == 0:
                skipped += 1
                continue
            if frame_seen and local:
                suppress.append("unusedStructMember:" + name)
            if not frame_seen:
                seen.add(frame)
            # cppcheck follows calls between the functions of a file, and its
            # time grows faster than the file: past CHUNK functions, each part
            # file holds all the text outside functions and CHUNK functions.
            # Left-out functions become blank lines, so a finding's line number
            # is the line in the generated file.
            # A file with its own structs stays whole (see above).
            # How much a function costs depends on the file: each part costs
            # about 1 s of fixed work (the headers and all the text outside
            # functions), the validators' large functions call each other and
            # grow superlinearly (worker-backend, cppcheck 2.10: 25 per part
            # 9 s, 5 per part 3 s, 100 per part over 100 s), the (de)serialisers'
            # small ones barely (25 per part: 35 parts, ~45 s; 250 per part:
            # 4 parts, 15 s; the whole file 13 s). So files of small functions
            # (mean under SMALL_FN bytes; worker-backend: the kept (de)serialisers
            # 1750, the validators 4800) take CHUNK * 10 per part.
            sizes = [len(text) for num, text in parts if num is not None and num >= 0]
            chunk = CHUNK if not sizes or sum(sizes) / len(sizes) >= SMALL_FN else CHUNK * 10
            nparts = 1 if local else max(1, (nkept + chunk - 1) // chunk)
            for k in range(nparts):
                fname = name if nparts == 1 else "%s.part%02d.c" % (name[:-2], k + 1)
                with open(os.path.join(out, fname), "w", encoding="utf-8", errors="surrogateescape") as fh:
                    for num, text in parts:
                        if num is None or (num >= 0 and (nparts == 1 or num // chunk == k)):
                            fh.write(text)
                        else:
                            fh.write("\n" * text.count("\n"))
    with open(os.path.join(out, ".suppress"), "w") as fh:
        for line in suppress:
            fh.write(line + "\n")
    return kept, total, skipped


def file_keys(out, version):
    """NAME:KEY for each .c in OUT: the key of a clean cppcheck result, the
    hash of cppcheck's version, every header and the suppressions of OUT and
    the file's text (the same bytes `sha1sum` hashed when run.sh did it)."""
    h = hashlib.sha1((version + "\n").encode())
    for name in sorted(os.listdir(out)):
        if name.endswith(".h"):
            h.update(open(os.path.join(out, name), "rb").read())
    h.update(open(os.path.join(out, ".suppress"), "rb").read())
    hsum = h.hexdigest()[:16]
    keys = []
    for name in sorted(os.listdir(out)):
        if name.endswith(".c"):
            f = hashlib.sha1((hsum + "\n").encode())
            f.update(open(os.path.join(out, name), "rb").read())
            keys.append("%s:%s" % (name, f.hexdigest()[:20]))
    return keys


def many(version):
    """Reads "NAME SRC_DIR OUT_DIR" lines, in order, sharing the shapes seen;
    prints "NAME ok KEPT TOTAL SKIPPED FILE:KEY..." (file_keys) or "NAME error
    WHY" for each: one Python start for every catalogue instead of one each."""
    seen = set()
    for line in sys.stdin:
        name, src, out = line.split()
        try:
            trial = set(seen)
            kept, total, skipped = reduce_dir(src, out, trial)
            keys = file_keys(out, version)
        except Exception as e:   # (reported against this catalogue; the next ones go on)
            print(name, "error", repr(e).replace("\n", " "), flush=True)
            continue
        seen = trial
        print(name, "ok", kept, total, skipped, *keys, flush=True)


def main(src, out, seen_path):
    seen = set()
    if os.path.exists(seen_path):
        seen = set(open(seen_path).read().split())
    before = set(seen)
    print(*reduce_dir(src, out, seen))
    with open(seen_path, "a") as fh:
        for h in sorted(seen - before):
            fh.write(h + "\n")


if __name__ == "__main__":
    if sys.argv[1] == "many":
        many(sys.argv[2])
    else:
        main(*sys.argv[1:4])
