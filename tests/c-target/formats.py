#!/usr/bin/env python3
"""Tricky strings for the generated runtime's format checkers (every format
msggen checks), against `msggen validate --schema`: both run generator/format.c,
one compiled into msggen, one pasted into the generated runtime.

  formats.py make DIR
      Writes DIR/<format>.schema.json (an array of strings of that format), the
      strings as DIR/<format>_<n>.json (at most 50 per file, so that msggen's
      limit of 100 errors per file never hides one) and DIR/manifest
      ("FORMAT<TAB>FILE" lines for tests/c-target/formats.c).
  formats.py compare DIR GOT.txt MSGGEN
      GOT.txt holds formats.c's "FILE<TAB>INDEX<TAB>0|1" lines; compares each
      verdict with msggen's (an error "/INDEX: must be a valid FORMAT (format)"
      or none) and prints one test line per format.

The strings put every byte 0x01-0x7f, every 2-byte UTF-8 character up to
U+00FF and one character per other UTF-8 lead byte (msggen reads UTF-8 only)
into each part of a URI (scheme, userinfo, host, IP literal, IPvFuture, port,
path, query, fragment, after a '%' and between its hex digits), and into each
place of a UUID (every position, lengths 0-38, either case, misplaced dashes).
The other formats get mutants of a few valid seeds (SEEDS): every prefix, and
at every position each byte of MUTANTS in place of, and before, the seed's.
"""
import json
import os
import re
import subprocess
import sys

FORMATS = ["uri", "uuid", "date-time", "date", "time", "email", "hostname", "ipv4", "ipv6", "regex"]

# Valid examples of the other formats; each is mutated below (every position
# replaced by, and followed by, each of a few bytes; every prefix) so that
# most mutants are invalid and some stay valid.
SEEDS = {
    "date-time": ["1985-04-12T23:20:50.52Z", "1996-12-19T16:39:57-08:00", "1990-12-31T23:59:60Z",
                  "2024-02-29t00:00:00+14:00"],
    "date": ["1963-06-19", "2024-02-29", "2023-12-31"],
    "time": ["08:30:06Z", "23:59:60+00:00", "12:00:00.123-23:59"],
    "email": ["joe.bloggs@example.com", "a+b@x.io", "\"q t\"@example.org", "u@[127.0.0.1]"],
    "hostname": ["www.example.com", "a-b.c", "xn--bcher-kva.example", "x" * 63 + ".y"],
    "ipv4": ["192.168.0.1", "0.0.0.0", "255.255.255.255"],
    "ipv6": ["::1", "2001:db8::ff00:42:8329", "1:2:3:4:5:6:7:8", "::ffff:192.0.2.128", "fe80::"],
    "regex": ["^[a-z]+$", "(a|b)*c", "\\d{2,3}", "[^\\]]"],
}
MUTANTS = "0aZ.:-@[]%\\\" \u00e9\u0100\x01+/Tt9"


def mutant_strings(fmt):
    out = []
    for seed in SEEDS[fmt]:
        out.append(seed)
        for i in range(len(seed) + 1):
            out.append(seed[:i])
            for c in MUTANTS:
                out.append(seed[:i] + c + seed[i + 1:])
                out.append(seed[:i] + c + seed[i:])
    return sorted(set(out))


def odd_chars():
    chars = [chr(c) for c in range(1, 0x100)]
    for lead in range(0xC4, 0xF5):
        n = 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4
        for second in (0x80, 0x90, 0xA0):
            try:
                chars.append(bytes([lead, second] + [0x80] * (n - 2)).decode("utf-8"))
                break
            except UnicodeDecodeError:
                pass
    return chars


URI_TEMPLATES = [
    "X", "aXb:", "aX:", "Xa:", "a:X", "a://X", "a://X@h", "a://u@X", "a://u@hX", "a://h:X", "a://h:8X",
    "a://[X]", "a://[vX]", "a://[v1.X]", "a://[::1]X", "a://[::1]:X", "a://[vX:]", "a://X:80", "a://h/X",
    "a://h/p?X", "a://h/p?q#X", "a:X/p", "a:/X", "a:p?X#X", "a:?X", "a:#X", "aX", "a:X%", "a:%X", "a:%4X",
    "a:%X4", "a:%X%", "a:%44X", "a://%X@h", "a://h%X", "a://u%X@h", "a://h?%X", "a://h#%4X", "a:XX",
    "a://XX", "a://h/XX",
]
UUID = "0123abcd-ABCD-4ef0-9A8b-0123456789aB"


def uri_strings():
    out = [t.replace("X", c) for t in URI_TEMPLATES for c in odd_chars()]
    out += ["", "a:", "a://", "a:///", "a://@", "a://[]", "a://[v]", "a://h:", "a:%", "a:%4", "a:%41",
            "a:%4g", "a:%G1", "http://example.com/a%2Fb?c=d&e#f", "urn:isbn:0451450523", "//h/p"]
    return out


def uuid_strings():
    out = []
    for i in range(36):
        for c in "09afAFgGzZ-/:@`{ \u00e9\u00ff\u0100":
            out.append(UUID[:i] + c + UUID[i + 1:])
    for n in range(0, 37):
        out.append(UUID[:n])
    out += [UUID + c for c in "0a-\u00e9 "]
    out += [UUID.lower(), UUID.upper(), UUID.replace("-", ""), "-" * 36, "0" * 36,
            UUID[:8] + UUID[9:] + "0", "0" + UUID[:8] + UUID[9:]]
    return out


def make(d):
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "manifest"), "w") as man:
        corpus = [("uri", uri_strings()), ("uuid", uuid_strings())]
        corpus += [(fmt, mutant_strings(fmt)) for fmt in FORMATS[2:]]
        for fmt, strings in corpus:
            with open(os.path.join(d, fmt + ".schema.json"), "w") as fh:
                json.dump({"type": "array", "items": {"type": "string", "format": fmt}}, fh)
            for k in range(0, len(strings), 50):
                path = os.path.join(d, "%s_%03d.json" % (fmt, k // 50))
                with open(path, "w", encoding="utf-8") as fh:
                    json.dump(strings[k:k + 50], fh, ensure_ascii=False)
                man.write("%s\t%s\n" % (fmt, path))


def compare(d, got_path, msggen):
    files = {}
    for line in open(os.path.join(d, "manifest")):
        fmt, path = line.rstrip("\n").split("\t")
        files.setdefault(fmt, []).append(path)
    got = {}
    for line in open(got_path, encoding="utf-8", errors="replace"):
        path, idx, verdict = line.rstrip("\n").split("\t")
        got[(path, int(idx))] = verdict == "1"
    for fmt in FORMATS:
        r = subprocess.run([msggen, "validate", "--schema", os.path.join(d, fmt + ".schema.json")] + files[fmt],
                           capture_output=True, text=True, errors="replace")
        bad, other = set(), []
        suffix = ": must be a valid %s (format)" % fmt
        for line in (r.stdout + r.stderr).splitlines():
            path, sep, rest = line.partition(": error: /")
            path = re.sub(r":\d+:\d+$", "", path)  # the value's line:col
            if sep and rest.endswith(suffix) and rest[:-len(suffix)].isdigit():
                bad.add((path, int(rest[:-len(suffix)])))
            elif line.strip():
                other.append(line)
        name = "c_format_%s_should_agree_with_msggen_validate_on_tricky_strings" % fmt
        if other or r.returncode not in (0, 1):
            print("not ok %s: msggen validate said something else (exit %d)" % (name, r.returncode))
            for line in other[:10]:
                print("# " + line)
            continue
        total, valid, wrong = 0, 0, []
        for path in files[fmt]:
            strings = json.load(open(path, encoding="utf-8"))
            for i, s in enumerate(strings):
                total += 1
                want = (path, i) not in bad
                valid += want
                if got.get((path, i)) != want:
                    wrong.append("%r: msggen %s, generated C %s" % (
                        s, "valid" if want else "invalid",
                        {None: "no verdict", True: "valid", False: "invalid"}[got.get((path, i))]))
        if wrong:
            print("not ok %s: %d of %d strings disagree" % (name, len(wrong), total))
            for w in wrong[:10]:
                print("# " + w)
        elif valid == 0 or valid == total:
            print("not ok %s: all %d strings %s, the strings test nothing" % (
                name, total, "valid" if valid else "invalid"))
        else:
            print("ok c_format_%s_should_agree_with_msggen_validate_on_%d_tricky_strings_%d_valid" % (fmt, total, valid))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "make":
        make(sys.argv[2])
    elif len(sys.argv) == 5 and sys.argv[1] == "compare":
        compare(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        sys.exit("usage: formats.py make DIR | compare DIR GOT.txt MSGGEN")
