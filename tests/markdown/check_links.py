#!/usr/bin/env python3
"""check_links.py FILE.md... - checks the links of Markdown files.
check_links.py --group NAME FILE.md... [--group NAME FILE.md...]...


Every `](#anchor)` link must name a heading of the same file, and every
relative `](path)` / `](path#anchor)` link an existing file (and a heading of
it), with anchors made the way GitHub makes them (github-slugger): the
heading's text content lower-cased, characters other than letters, digits,
spaces, '-' and '_' dropped, spaces turned into '-', and a repeated slug
suffixed with -1, -2, ... Prints one line per broken link, as
FILE:LINE: message; exits 1 if there was any.

With --group, each group of files is checked as a run of its own would
check them, all in one Python start (a start costs more than a folder's
check): each broken link is printed as NAME<TAB>FILE:LINE: message, and
after each group the line "checked NAME ERRORS" (ERRORS: how many broken
links it has), so that a group without that line was not checked; exits 1
if any group has a broken link.
"""
import html
import os
import re
import sys

FENCE = re.compile(r'^ {0,3}(`{3,}|~{3,})')
HEADING = re.compile(r'^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$')
LINK = re.compile(r'\]\((<[^<>\n]*>|[^)\s]*)\)')
CODE_SPAN = re.compile(r'(`+)(.+?)\1')


def lines_outside_fences(text):
    """(line number, line) for lines outside fenced code blocks."""
    fence = None
    for no, line in enumerate(text.split('\n'), 1):
        m = FENCE.match(line)
        if fence:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
                fence = None
            continue
        if m:
            fence = m.group(1)
            continue
        yield no, line


def heading_text(raw):
    """The text content of a heading's inline Markdown."""
    t = CODE_SPAN.sub(lambda m: m.group(2).strip(), raw)
    t = re.sub(r'!?\[([^\]]*)\]\([^)]*\)', r'\1', t)
    t = re.sub(r'<[^>]+>', '', t)
    t = re.sub(r'\\(.)', r'\1', t)
    t = re.sub(r'(\*+|(?<!\w)_+|_+(?!\w))', '', t)
    return html.unescape(t)


def slug(text):
    s = ''.join(c for c in text.strip().lower() if c.isalnum() or c in ' -_')
    return s.replace(' ', '-')


def anchors(path, cache={}):
    if path not in cache:
        seen, out = {}, set()
        with open(path, encoding='utf-8') as f:
            for _, line in lines_outside_fences(f.read()):
                m = HEADING.match(line)
                if not m:
                    continue
                base = slug(heading_text(m.group(2)))
                n = seen.get(base, 0)
                seen[base] = n + 1
                out.add(base if n == 0 else '%s-%d' % (base, n))
        cache[path] = out
    return cache[path]


def check(path):
    errors = []
    with open(path, encoding='utf-8') as f:
        text = f.read()
    for no, line in lines_outside_fences(text):
        line = CODE_SPAN.sub('', line)
        for target in LINK.findall(line):
            if target.startswith('<'):
                target = target[1:-1]  # a destination in angle brackets
            if re.match(r'^[a-z][a-z0-9+.-]*:', target):
                continue  # http:, https:, mailto: ...
            file_part, _, frag = target.partition('#')
            dest = path
            if file_part:
                dest = os.path.normpath(os.path.join(os.path.dirname(path), file_part))
                if not os.path.isfile(dest):
                    errors.append('%s:%d: link to missing file %s' % (path, no, target))
                    continue
            if frag and dest.endswith('.md') and frag not in anchors(dest):
                errors.append('%s:%d: no heading for #%s in %s' % (path, no, frag, dest))
    return errors


def main_groups(args):
    groups = []
    for a in args:
        if groups and groups[-1][0] is None:
            groups[-1][0] = a
        elif a == '--group':
            groups.append([None, []])
        elif not groups:
            print('check_links.py: %s before the first --group' % a, file=sys.stderr)
            return 2
        else:
            groups[-1][1].append(a)
    if not groups or any(name is None or not files for name, files in groups):
        print('usage: check_links.py --group NAME FILE.md... [--group NAME FILE.md...]...', file=sys.stderr)
        return 2
    failed = False
    for name, files in groups:
        errors = []
        for p in files:
            try:
                errors += check(p)
            except Exception as e:  # as a run of its own would fail
                errors.append('%s: cannot check: %s: %s' % (p, type(e).__name__, e))
        for e in errors:
            print('%s\t%s' % (name, e))
        print('checked %s %d' % (name, len(errors)), flush=True)
        failed = failed or bool(errors)
    return 1 if failed else 0


def main(argv):
    if len(argv) < 2:
        print('usage: check_links.py FILE.md...', file=sys.stderr)
        return 2
    if argv[1] == '--group':
        return main_groups(argv[1:])
    errors = []
    for p in argv[1:]:
        errors += check(p)
    for e in errors:
        print(e)
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
