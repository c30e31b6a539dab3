"""The hostile payloads of tests/hostile-payloads, and the comparison of what
each target's validator says with what `msggen validate` says.

  cases.py make DIR          writes DIR/NAME.json (the payload as JSON text)
                             and DIR/manifest (NAME MESSAGE per line)
  cases.py compare DIR MSGGEN CATALOGUE TARGET RESULTS
                             one ok/not ok line per case for TARGET

A case's payload is JSON text, so `msggen validate` gives the reference
verdict; its errors (in order) must be the target's when msggen validate reads
the payload (a payload it cannot read, or a pattern too costly for PCRE2, is a
verdict only: invalid). A few cases say what they expect where msggen
validate cannot see the value (NaN is not JSON text), where the C records
hold less than JSON (integers are int64_t), or where a target decides more
exactly than msggen validate (multipleOf of an integer beyond 2^53). Every
case must be decided in under LIMIT seconds.

A payload may hold {"$nonfinite": "NaN"}: each harness puts that number there
(JSON text cannot carry it; a client's own record or dict can).
"""
import json
import os
import subprocess
import sys

LIMIT = 1.0
sys.setrecursionlimit(50000)  # json.loads of the 10 000-deep payloads
UUID = "3f2504e0-4f89-41d3-9a0c-0305e82c3301"


def nest(n, inner="[]"):
    """n arrays, one inside the other, around `inner` (n + 1 levels with [])."""
    return "[" * n + inner + "]" * n


CASES = [
    # Report, never crash.
    ("format_regex_deep_parentheses", "regex", '{"expr": "%s"}' % ("(" * 1000)),
    ("format_regex_valid", "regex", '{"expr": "^a+(b|c)*$"}'),
    ("unique_items_350_deep", "deep", '{"items": [%s, %s]}' % (nest(350), nest(350))),
    ("unique_items_513_deep", "deep", '{"items": [%s, %s]}' % (nest(513), nest(513))),
    ("any_10000_deep", "deep", '{"any": %s}' % nest(10000)),
    ("unique_items_at_the_limit_equal", "deep", '{"items": [%s, %s]}' % (nest(253), nest(253))),
    ("unique_items_at_the_limit_different", "deep", '{"items": [%s, %s]}' % (nest(253), nest(253, "[1]"))),
    ("nesting_one_past_the_limit", "deep", '{"any": %s}' % nest(255)),
    # Numbers.
    ("number_nan", "numbers", '{"ratio": {"$nonfinite": "NaN"}}'),
    ("number_infinity", "numbers", '{"ratio": {"$nonfinite": "Infinity"}}'),
    ("number_minus_infinity", "numbers", '{"count": {"$nonfinite": "-Infinity"}}'),
    ("integer_2_63", "numbers", '{"count": 9223372036854775808}'),
    ("integer_1e308", "numbers", '{"count": 1e308}'),
    ("integer_2_53_minus_1", "numbers", '{"count": 9007199254740991, "big": -9007199254740991}'),
    # int64/int32 at their bounds, where doubles round (+-2^63 is one double
    # for 2^63 - 1, 2^63 and -2^63 - 1): decided on the number as written.
    ("int64_2_63_minus_1", "numbers", '{"big": 9223372036854775807}'),
    ("int64_minus_2_63", "numbers", '{"big": -9223372036854775808}'),
    ("int64_2_63", "numbers", '{"big": 9223372036854775808}'),
    ("int64_minus_2_63_minus_1", "numbers", '{"big": -9223372036854775809}'),
    ("int64_2_63_minus_1_point_0", "numbers", '{"big": 9223372036854775807.0}'),
    ("int64_2_63_minus_1_exponent", "numbers", '{"big": 9.223372036854775807e18}'),
    ("int64_1e19", "numbers", '{"big": 1e19}'),
    ("int64_2_53_plus_1", "numbers", '{"big": 9007199254740993}'),
    ("int32_max_point_0", "numbers", '{"small": 2147483647.0}'),
    ("int32_max_plus_1", "numbers", '{"small": 2147483648}'),
    ("int32_fraction_a_double_drops", "numbers", '{"small": 2147483647.0000000001}'),
    ("int64_400_digits", "numbers", '{"big": 1%s}' % ("0" * 400)),
    # multipleOf on integers beyond 2^53, where a double's quotient is within
    # 16 ulps of an integer (msggen validate's and the doubles' verdict) but
    # the integer is not a multiple: 2^53 + 1 = 3 * 3002399751580331,
    # 2^63 - 1 = 7 * 1317624576693539401.
    ("multiple_of_3_2_53_plus_1", "numbers", '{"third": 9007199254740993}'),
    ("multiple_of_3_2_53_plus_2", "numbers", '{"third": 9007199254740994}'),
    ("multiple_of_3_minus_2_53_minus_2", "numbers", '{"third": -9007199254740994}'),
    ("multiple_of_3_2_53_plus_2_point_0", "numbers", '{"third": 9007199254740994.0}'),
    ("multiple_of_7_2_63_minus_1", "numbers", '{"seventh": 9223372036854775807}'),
    ("multiple_of_7_2_63_minus_2", "numbers", '{"seventh": 9223372036854775806}'),
    # Integer limits, enum and const beyond 2^53, where the limit's double is
    # not the limit (9007199254740993 reads as 2^53) or the value's is not
    # the value: decided on the numbers as written.
    ("limit_max_2_53_plus_1_at", "numbers", '{"atmost": 9007199254740993}'),
    ("limit_max_2_53_plus_1_above", "numbers", '{"atmost": 9007199254740994}'),
    ("limit_max_2_53_above", "numbers", '{"atmost53": 9007199254740993}'),
    ("limit_max_2_53_plus_1_fraction_above", "numbers", '{"atmost": 9007199254740993.5}'),
    ("limit_min_minus_2_53_minus_1_at", "numbers", '{"atleast": -9007199254740993}'),
    ("limit_min_minus_2_53_minus_1_below", "numbers", '{"atleast": -9007199254740994}'),
    ("limit_exmax_2_53_plus_1_below", "numbers", '{"below": 9007199254740992}'),
    ("limit_exmax_2_53_plus_1_at", "numbers", '{"below": 9007199254740993}'),
    ("limit_exmin_minus_2_53_minus_1_above", "numbers", '{"above": -9007199254740992}'),
    ("limit_exmin_minus_2_53_minus_1_at", "numbers", '{"above": -9007199254740993}'),
    ("limit_min_5_fraction_below", "numbers", '{"fraction": 4.99999999999999999}'),
    ("enum_2_53_plus_1", "numbers", '{"onebig": 9007199254740993}'),
    ("enum_2_53", "numbers", '{"onebig": 9007199254740992}'),
    ("const_2_53_plus_1", "numbers", '{"constbig": 9007199254740993}'),
    ("const_2_53", "numbers", '{"constbig": 9007199254740992}'),
    ("enum_array_2_53_plus_1", "numbers", '{"pairbig": [9007199254740993, 1]}'),
    ("enum_array_2_53", "numbers", '{"pairbig": [9007199254740992, 1]}'),
    # NUL.
    ("nul_in_uuid", "ids", '{"modelId": "%s\\u0000../../etc/passwd"}' % UUID),
    ("nul_in_member_name", "ids", '{"modelId\\u0000evil": "%s", "modelId": "%s"}' % ("x", UUID)),
    ("nul_in_job_id", "ids", '{"modelId": "%s", "jobId": "job-1\\u0000../../x"}' % UUID),
    ("nul_in_map_key", "ids", '{"modelId": "%s", "tags": {"a\\u0000b": "c"}}' % UUID),
    ("escaped_backslash_u0000_is_text", "ids", '{"modelId": "%s", "jobId": "job\\\\u0000"}' % UUID),
    # Error order: required before the members' errors.
    ("required_before_members", "order", '{"count": "x", "extra": 1}'),
    ("required_before_members_2", "order", '{"name": 5, "count": 1.5}'),
    # Bounded regex time: each takes seconds to minutes in a backtracking
    # matcher (last, so that a harness stuck here has given the rest).
    ("regex_nested_quantifier", "regex", '{"nested": "%s!"}' % ("a" * 28)),
    ("regex_nested_quantifier_long", "regex", '{"nested": "%s!"}' % ("a" * 5000)),
    ("regex_nested_quantifier_match", "regex", '{"nested": "%s"}' % ("a" * 5000)),
    ("regex_alternation", "regex", '{"alternation": "%sb"}' % ("a" * 40)),
    ("regex_alternation_match", "regex", '{"alternation": "%s"}' % ("a" * 41)),
    ("regex_counted", "regex", '{"counted": "%s!"}' % ("ab1-" * 30)),
    ("regex_counted_match", "regex", '{"counted": "abc-de.fgh"}'),
    ("regex_classes_match", "regex", '{"word": "x_1 22"}'),
    ("regex_classes_nomatch", "regex", '{"word": "x_1 2"}'),
    ("regex_classes_unicode_space", "regex", '{"word": "ab\\u00a0123"}'),
    ("regex_classes_unicode_digit", "regex", '{"word": "ab \\u0661\\u0662\\u0663"}'),
]

# What msggen validate cannot say: case -> (verdict, an error that must be
# among the target's), per target ("*" for all).
NAN = ("invalid", "/ratio: not a JSON number (NaN)")
RANGE = ("invalid", "/count: must be >= -9223372036854775808 and <= 9223372036854775807 (a 64-bit integer)")
RANGE_BIG = ("invalid", "/big: must be >= -9223372036854775808 and <= 9223372036854775807 (a 64-bit integer)")
DOUBLE_INT64 = ("invalid", "/big: must be a valid int64 (format)")
DOUBLE_VALID = ("valid", None)
INFINITE_BIG = ("invalid", "/big: not a JSON number (Infinity)")
EXPECT = {
    "number_nan": {"*": NAN},
    "number_infinity": {"*": ("invalid", "/ratio: not a JSON number (Infinity)")},
    "number_minus_infinity": {"*": ("invalid", "/count: not a JSON number (-Infinity)")},
    "integer_2_63": {"c": RANGE},
    "integer_1e308": {"c": RANGE},
    # int64 beyond its bounds: the C records' own error comes first.
    "int64_2_63": {"c": RANGE_BIG},
    "int64_minus_2_63_minus_1": {"c": RANGE_BIG, "typescript": DOUBLE_VALID},
    "int64_1e19": {"c": RANGE_BIG},
    # Python's json reads a number with a fraction or an exponent, and
    # JavaScript's JSON.parse every number, as a double (docs/validation.md):
    # 2^63 - 1 reads as 2^63, -2^63 - 1 as -2^63, 2147483647.0000000001 as
    # 2^31 - 1, and they are decided so. C and msggen validate read the text.
    "int64_2_63_minus_1": {"typescript": DOUBLE_INT64},
    "int64_2_63_minus_1_point_0": {"python": DOUBLE_INT64, "typescript": DOUBLE_INT64},
    "int64_2_63_minus_1_exponent": {"python": DOUBLE_INT64, "typescript": DOUBLE_INT64},
    "int32_fraction_a_double_drops": {"python": DOUBLE_VALID, "typescript": DOUBLE_VALID},
    # An integer beyond the doubles: Python's int, and msggen validate's text,
    # are exact; cJSON and JSON.parse read an infinity, which JSON cannot mean.
    "int64_400_digits": {"c": INFINITE_BIG, "typescript": INFINITE_BIG},
    # multipleOf of an integer: msggen validate (on the digits), C (on the
    # text) and Python (on its int) decide exactly; TypeScript on the doubles
    # (docs/validation.md, "Numbers"), and Python a number with a fraction too.
    "multiple_of_3_2_53_plus_2": {"typescript": DOUBLE_VALID},
    "multiple_of_3_minus_2_53_minus_2": {"typescript": DOUBLE_VALID},
    "multiple_of_3_2_53_plus_2_point_0": {"python": DOUBLE_VALID, "typescript": DOUBLE_VALID},
    "multiple_of_7_2_63_minus_2": {"typescript": DOUBLE_VALID},
    # Integer limits, enum and const: msggen validate and C decide on the
    # numbers as written, Python on its int against the limit's int (a float
    # as the double it is); TypeScript on the doubles, where 2^53 + 1 is 2^53.
    "limit_max_2_53_above": {"typescript": DOUBLE_VALID},
    "limit_max_2_53_plus_1_fraction_above": {"python": ("invalid", "/atmost: must be <= 9007199254740993"),
                                             "typescript": ("invalid", "/atmost: must be <= 9007199254740993")},
    "limit_exmax_2_53_plus_1_below": {"typescript": ("invalid", "/below: must be < 9007199254740993")},
    "limit_exmin_minus_2_53_minus_1_above": {"typescript": ("invalid", "/above: must be > -9007199254740993")},
    "limit_min_5_fraction_below": {"python": DOUBLE_VALID, "typescript": DOUBLE_VALID},
    "enum_2_53": {"typescript": DOUBLE_VALID},
    "const_2_53": {"typescript": DOUBLE_VALID},
    "enum_array_2_53": {"typescript": DOUBLE_VALID},
}


def make(d):
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "manifest"), "w") as m:
        for name, message, text in CASES:
            json.loads(text)  # every payload is JSON text
            with open(os.path.join(d, name + ".json"), "w") as f:
                f.write(text)
            m.write("%s %s\n" % (name, message))


def reference(msggen, catalogue, path, message):
    """('valid'|'invalid', [errors in order] or None when msggen validate
    could not check the value against the schema)."""
    r = subprocess.run([msggen, "validate", "-i", catalogue, "--message", message, path],
                       capture_output=True, text=True)
    if r.returncode == 0:
        return "valid", []
    errors = []
    tag = "payload does not match the payload of message '%s': " % message
    for line in r.stderr.splitlines():
        if tag not in line:
            return "invalid", None   # not JSON, too deep, or a pattern too costly for PCRE2
        errors.append(line.split(tag, 1)[1])
    return "invalid", errors


def compare(d, msggen, catalogue, target, results):
    # msggen validate's answers are the same for every target: the first
    # compare of a run keeps them in the cases folder (made afresh by each
    # run, for this msggen and catalogue) and the others read them, instead
    # of starting msggen once per case again for each target.
    ref_path = os.path.join(d, "reference.json")
    key = "%s\n%s" % (msggen, catalogue)
    refs = {}
    if os.path.exists(ref_path):
        saved = json.load(open(ref_path))
        if saved.get("key") == key:
            refs = saved["refs"]
    known = len(refs)
    got = {}
    for line in open(results, encoding="utf-8"):
        name, verdict, seconds, errors = line.rstrip("\n").split("\t")
        got[name] = (verdict, float(seconds), json.loads(errors))
    for name, message, _ in CASES:
        test = "hostile_payload_%s_%s" % (name, target)
        if name not in got:
            print("not ok %s: no result (the harness crashed or timed out before it)" % test)
            continue
        verdict, seconds, errors = got[name]
        if name not in refs:
            refs[name] = reference(msggen, catalogue, os.path.join(d, name + ".json"), message)
        want, want_errors = refs[name]
        special = EXPECT.get(name, {})
        must = None
        if target in special or "*" in special:
            (want, must), want_errors = special.get(target, special.get("*")), None
        problems = []
        if verdict != want:
            problems.append("verdict %s, %s %s" % (verdict, "want" if must else "msggen validate says", want))
        elif want_errors is not None and errors != want_errors:
            problems.append("errors differ")
        elif must is not None and must not in errors:
            problems.append("no error '%s'" % must)
            want_errors = [must]
        if seconds > LIMIT:
            problems.append("took %.1f s (limit %.1f s)" % (seconds, LIMIT))
        if problems:
            print("not ok %s: %s" % (test, "; ".join(problems)))
            print("# want %s" % (want_errors if want_errors is not None else want))
            print("#  got %s" % [e[:200] for e in errors[:5]])
        else:
            print("ok %s" % test)
    if len(refs) > known:
        with open(ref_path + ".tmp", "w") as fh:
            json.dump({"key": key, "refs": refs}, fh)
        os.replace(ref_path + ".tmp", ref_path)


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2])
    else:
        compare(*sys.argv[2:7])
