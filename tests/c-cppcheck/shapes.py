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
checked before had them all). So is a .c of a new frame whose own structs
were checked before in a file with every function that uses them, when it
has each use of them that file had (users_key: the same struct definitions,
a superset of the functions using them, member names kept, and of their
names used outside functions): only functions of new shapes are kept, and
unusedStructMember is suppressed for it (every catalogue's _bus.c: the
same engine, other tables). Prints "KEPT TOTAL SKIPPED" (functions, and the
.c files not written).

Last, the catalogue's "typedef struct P_X P_X;" lines are written out as
cppcheck would simplify them (untypedef: the same tokens, symbol database and
value flow, at half the cost for worker-backend; SHAPES_TYPEDEFS=0 leaves
them).
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


def shape(text, pfx, members=False):
    """The hash of TEXT's shape (see above); with MEMBERS, struct members
    after . or -> keep their names."""
    names = {}
    out = []
    text = COMMENT.sub(" ", text)
    text = KEY_CHAIN.sub("KEY_MATCHES", text)
    text = CASE_BYTE.sub("case BYTE:", text)
    own = (pfx + "_", pfx.upper() + "_") if pfx else None
    for t in TOKEN.findall(text):
        if t[0] == '"':
            out.append(t if "%" in t else '""')
        elif t[0] in "-." and len(t) > 1:
            member = t.lstrip("-.> \t\n")
            op = t[:2] if t.startswith("->") else "."
            out.append(op + member if members else "%s#m%d" % (op, names.setdefault("." + member, len(names))))
        elif own and (t.startswith(own) or t == pfx):
            out.append("#n%d" % names.setdefault(t, len(names)))
        elif t.isspace():
            out.append(" ")
        else:
            out.append(t)
    return hashlib.sha1("".join(out).encode()).hexdigest()


def split(lines):
    """Yields (is_function, text): a function is a signature at column 0, a
    body from a line "{" (or a signature ending in " {") to a line "}".
    A preprocessor line is never part of a signature: in

        #if defined(__GNUC__)
        __attribute__((format(printf, 3, 4)))
        #endif
        static bool fail(...)

    the attribute and both directives are text outside functions. (Taken
    into the function, the "#endif" went with it whenever the function was
    left out, and the unclosed "#if" hid the rest of the file from
    cppcheck's first configuration, the only one it checks: every
    catalogue's _bus.c but the first was checked empty.)"""
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
                if s.endswith(";") or s.endswith("=") or s.endswith("= {") or s == "" or s.lstrip().startswith("#"):
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


STRUCT_DEF = re.compile(r"^(?:typedef )?struct (?:\w+ )?\{.*?^\}[^\n]*;", re.M | re.S)
IDENT = re.compile(r"[A-Za-z_]\w*")


def users_key(role, chunks, uses_local, pfx):
    """What cppcheck's unusedStructMember findings in a .c depend on: its
    role and its own struct definitions (comments dropped, blanks made one
    space, the prefix set aside), which names of those definitions the text
    outside functions and outside the definitions uses, and the shapes,
    member names kept (shape MEMBERS), of the functions that use the
    structs. Returns "structs:DEFS:USERS:USED" (DEFS a hash, USERS the
    shapes' hashes, USED the names, each list sorted, comma-separated), or
    None when a function (as split tells) defines a struct."""
    if any(f and STRUCT_DEF.search(t) for f, t in chunks):
        return None
    outside = "".join(t for f, t in chunks if not f)
    defs = "\n".join(STRUCT_DEF.findall(outside))
    if pfx:
        defs = re.sub(r"\b%s" % re.escape(pfx), "PFX", re.sub(r"\b%s" % re.escape(pfx.upper()), "PFXU", defs))
    defs = " ".join(COMMENT.sub(" ", defs).split())
    used = set(IDENT.findall(COMMENT.sub(" ", STRUCT_DEF.sub(" ", outside)))) & set(IDENT.findall(defs))
    users = {shape(t, pfx, members=True)[:16] for f, t in chunks if f and uses_local.search(t)}
    return "structs:%s:%s:%s" % (hashlib.sha1((role + "\n" + defs).encode()).hexdigest()[:16],
                                 ",".join(sorted(users)), ",".join(sorted(used)))


def users_seen_before(key, seen):
    """A file with KEY (users_key) has no unusedStructMember finding that a
    file checked before with every function using its structs did not
    have: one whose key in SEEN has the same DEFS and only USERS and USED
    that KEY has too (each member it used is used here as well; more uses
    only take findings away)."""
    _, defs, users, used = key.split(":")
    users, used = set(users.split(",")) - {""}, set(used.split(",")) - {""}
    for k in seen:
        if k.startswith("structs:" + defs + ":"):
            _, _, u, n = k.split(":")
            if set(u.split(",")) - {""} <= users and set(n.split(",")) - {""} <= used:
                return True
    return False


IF_LINE = re.compile(r"^[ \t]*#[ \t]*(if|ifdef|ifndef|endif)\b", re.M)


def if_balanced(text):
    """Every #if (#ifdef, #ifndef) of TEXT has its #endif, in order."""
    depth = 0
    for m in IF_LINE.finditer(text):
        depth += -1 if m.group(1) == "endif" else 1
        if depth < 0:
            return False
    return depth == 0


# ---- struct typedefs written out (see untypedef) --------------------------

CTOK = re.compile(r'/\*.*?\*/|//[^\n]*|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|[A-Za-z_]\w*|##|->|\\\n|[ \t]+|\n|.', re.S)
DEFINE = re.compile(r"#[ \t]*define[ \t]+(\w+)(\(([^)]*)\))?")
FWD = r"^typedef struct (%s_\w+) (\1);[ \t]*$"


def _lines(tokens):
    """Splits a token list into logical lines: (is_directive, tokens,
    significant tokens)."""
    line = []
    for t in tokens:
        line.append(t)
        if t == "\n":
            sig = [t for t in line if not _blank(t)]
            yield bool(sig) and sig[0] == "#", line, sig
            line = []
    if line:
        sig = [t for t in line if not _blank(t)]
        yield bool(sig) and sig[0] == "#", line, sig


def _blank(t):
    """Whitespace, a comment or a line continuation."""
    c = t[0]
    return c in " \t\n" or (c in "/\\" and len(t) > 1 and t[1] in "*/\n")


def _args(sig, i):
    """sig[i] is "(": returns (list of args as token lists, index after ")"),
    or None when the parentheses do not close."""
    depth, args, cur = 0, [], []
    for j in range(i, len(sig)):
        t = sig[j]
        if t == "(":
            depth += 1
            if depth == 1:
                continue
        elif t == ")":
            depth -= 1
            if depth == 0:
                args.append(cur)
                return args, j + 1
        elif t == "," and depth == 1:
            args.append(cur)
            cur = []
            continue
        cur.append(t)
    return None


def untypedef(out, pfx):
    """Rewrites OUT's struct typedefs of the catalogue's types as cppcheck's
    simplifyTypedef would: "typedef struct P_X P_X;" (a header line) goes
    (an empty line stays, so line numbers do not move) and every later use of
    P_X as a type becomes "struct P_X", in the headers, the .c files and the
    macro bodies (P_ ## T pasted into a type name too, when every argument
    given for T makes one of these names). cppcheck 2.10 scans every token
    after a typedef once per typedef: worker-backend's 243 cost about a third
    of its cppcheck time, in each of the 11 files that include the header.
    The token lists, symbol database, ASTs and value flow cppcheck builds are
    the same (--debug-normal --verbose), but for the macro-expansion mark of
    these type names inside macros. A name used any other way (a member, a
    macro argument or name, next to # or ##, in #if) is left to cppcheck; so
    is every name when a macro pastes what cannot be told. Returns the number
    of names rewritten."""
    if not pfx:
        return 0
    files = sorted(f for f in os.listdir(out) if f.endswith((".c", ".h")))
    toks = {}
    for f in files:
        with open(os.path.join(out, f), encoding="utf-8", errors="surrogateescape") as fh:
            toks[f] = CTOK.findall(fh.read())
    fwd = re.compile(FWD % re.escape(pfx), re.M)
    names = set()
    for f in files:
        if f.endswith(".h"):
            names.update(m.group(1) for m in fwd.finditer("".join(toks[f])))
    if not names:
        return 0
    # Function-like macros (every definition: (file, line) -> (name, params,
    # body tokens)), and the text outside directives.
    defs = {}
    byname = {}
    plain = []
    bad = set()
    lines = {f: list(_lines(toks[f])) for f in files}
    for f in files:
        for k, (directive, line, sig) in enumerate(lines[f]):
            if not directive:
                plain.extend(sig)
                continue
            m = DEFINE.match("".join(t for t in line if t != "\\\n").strip())
            if not m:
                bad |= names & set(sig)         # in #if, #undef, ...
                continue
            d = sig.index(m.group(1))
            if m.group(2) is None:
                bad |= names & set(sig[d:d + 1])
                defs[(f, k)] = (m.group(1), None, sig[d + 1:])
                continue
            close = sig.index(")", d)
            defs[(f, k)] = (m.group(1), [p for p in sig[d + 2:close] if p != ","], sig[close + 1:])
            byname.setdefault(m.group(1), []).append((f, k))
    bad |= names & set(byname)
    # The arguments each (definition, param) may get, through macros calling
    # macros: every call of a name counts for each of its definitions.
    given = {(dk, p): set() for dk, (n, ps, b) in defs.items() if ps is not None for p in ps}
    unknown = set()
    calls = []      # (calling definition or None, callee name, args)
    for caller, sig in [(None, plain)] + [(dk, b) for dk, (n, ps, b) in defs.items()]:
        for i, t in enumerate(sig):
            if t in byname and i + 1 < len(sig) and sig[i + 1] == "(":
                r = _args(sig, i + 1)
                if r is None:
                    return 0
                calls.append((caller, t, r[0]))
                for a in r[0]:
                    bad |= names & set(a)       # a type name as an argument
    changed = True
    while changed:
        changed = False
        for caller, callee, args in calls:
            cps = defs[caller][1] if caller else None
            for dk in byname[callee]:
                ps = defs[dk][1]
                for p, a in zip(ps, args + [[]] * (len(ps) - len(args))):
                    key = (dk, p)
                    from_caller = bool(cps) and a[0:1] != [] and a[0] in cps
                    if len(a) != 1 or not re.match(r"\w+$", a[0]) or (from_caller and (caller, a[0]) in unknown):
                        if key not in unknown:
                            unknown.add(key)
                            changed = True
                        continue
                    new = (given[(caller, a[0])] if from_caller else {a[0]}) - given[key]
                    if new:
                        given[key] |= new
                        changed = True
    # Pasted chains (A ## B ## ...) in the bodies: which make type names.
    while True:
        rewrite = {dk: set() for dk in defs}    # body indexes to prefix with struct
        more = set()
        for dk, (n, ps, body) in defs.items():
            i = 0
            while i < len(body):
                j = i
                while j + 2 < len(body) and body[j + 1] == "##":
                    j += 2
                if j == i:
                    i += 1
                    continue
                parts = body[i:j + 1:2]
                results = [""]
                for part in parts:
                    if ps and part in ps:
                        if (dk, part) in unknown:
                            results = None
                            break
                        results = [r + a for r in results for a in sorted(given[(dk, part)])]
                    else:
                        results = [r + part for r in results]
                    if len(results) > 20000:
                        results = None
                        break
                if results is None:
                    if (ps and parts[0] in ps) or any(x.startswith(parts[0]) for x in names):
                        return 0        # cannot tell what it makes
                    i = j + 1
                    continue
                hit = set(results) & names
                prev = body[i - 1] if i else ""
                if hit and (len(hit) < len(results) or prev in ("struct", "union", "enum", "#", ".", "->")):
                    more |= hit
                elif hit:
                    rewrite[dk].add(i)
                i = j + 1
        more &= names
        if not more:
            break
        names -= more
    # Uses next to # or ##, or as members, are left to cppcheck.
    for f in files:
        sig = [t for line in lines[f] for t in line[2]]
        for i, t in enumerate(sig):
            if t in names:
                prev = sig[i - 1] if i else ""
                nxt = sig[i + 1] if i + 1 < len(sig) else ""
                if prev in ("#", "##", ".", "->") or nxt == "##":
                    bad.add(t)
    names -= bad
    if not names:
        return 0
    for f in files:
        res = []
        prev = ""
        for k, (directive, line, sig) in enumerate(lines[f]):
            m = None if directive else fwd.match("".join(line).rstrip("\n"))
            if m and m.group(1) in names:
                res.append("\n" if line[-1] == "\n" else "")
                continue
            d = defs.get((f, k)) if directive else None
            marks = rewrite.get((f, k), ()) if d and d[1] is not None else ()
            body_i = None       # index in the body, once past the params
            head = 0
            for t in line:
                if _blank(t):
                    res.append(t)
                    continue
                if marks:
                    if body_i is not None:
                        body_i += 1
                        if body_i in marks:
                            res.append("struct ")
                    elif t == ")" and head >= 3:
                        body_i = -1
                    head += 1
                if t in names and prev not in ("struct", "union", "enum"):
                    res.append("struct " + t)
                else:
                    res.append(t)
                prev = t
        with open(os.path.join(out, f), "w", encoding="utf-8", errors="surrogateescape") as fh:
            fh.write("".join(res))
    return len(names)


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
            # A new frame whose own structs are those of a file checked
            # before with every function that uses them, and which has each
            # of that file's uses of them (users_key, users_seen_before):
            # those functions are checked once per shape too, and
            # unusedStructMember is suppressed for it, as for a frame seen
            # before (no member is unused here that was used there).
            # Every catalogue's _bus.c: the engine (36 functions, 0.3 s of
            # cppcheck each time) is the same, the tables differ.
            ukey = users_key(role, chunks, uses_local, pfx) if local and not frame_seen else None
            users_seen = ukey is not None and users_seen_before(ukey, seen)
            nnew = 0
            for is_fn, text in chunks:
                if not is_fn:
                    parts.append((None, text))
                    continue
                total += 1
                h = shape(text, pfx)
                if h in seen and (frame_seen or users_seen or not (uses_local and uses_local.search(text))):
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
            if (frame_seen or users_seen) and local:
                suppress.append("unusedStructMember:" + name)
            if not frame_seen:
                seen.add(frame)
            if ukey is not None and not users_seen:
                seen.add(ukey)      # (checked with every function using its structs)
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
            balanced = if_balanced("".join(lines))
            for k in range(nparts):
                fname = name if nparts == 1 else "%s.part%02d.c" % (name[:-2], k + 1)
                text = "".join(t if num is None or (num >= 0 and (nparts == 1 or num // chunk == k))
                               else "\n" * t.count("\n") for num, t in parts)
                # (A left-out function must not take a directive of the
                # text around it along: see split.)
                if balanced and not if_balanced(text):
                    raise ValueError("%s: #if and #endif do not pair up once functions are left out" % fname)
                with open(os.path.join(out, fname), "w", encoding="utf-8", errors="surrogateescape") as fh:
                    fh.write(text)
    if os.environ.get("SHAPES_TYPEDEFS", "1") != "0":
        untypedef(out, pfx)
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
