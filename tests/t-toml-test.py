#!/usr/bin/env python3
"""Runs toml-test's TOML 1.0.0 cases (tests/toml-test) through the decoder.

valid/X.toml must decode (exit 0) to JSON equal to valid/X.json: tables and
arrays structurally, strings and bools exactly, integers by value, floats by
value (nan equals nan), date/times semantically at millisecond precision.
invalid/X.toml must be rejected: exit status 1 and no sanitizer report or
signal. Cases go BATCH at a time through one `toml-decoder --batch` process
(a sanitized process costs more to start than a case to decode); a batch
whose process does not answer every case cleanly (a crash, a sanitizer or
leak report, a timeout) is run again one process per case, so a failure is
named with its own case. Prints one "ok"/"not ok" line per case; exits 1 if
any failed.
Environment: DIGEST_BUILD (default build/release), DIGEST_TESTS.
"""
import concurrent.futures
import json
import math
import os
import re
import subprocess
import sys

HERE = os.environ.get("DIGEST_TESTS") or os.path.dirname(os.path.abspath(__file__))
SUITE = os.path.join(HERE, "toml-test")
BUILD = os.environ.get("DIGEST_BUILD", "build/release")
DECODER = os.path.join(BUILD, "tests", "toml-decoder")
# A sanitizer report must not look like an ordinary rejection (exit 1).
SAN_EXIT = "86"
SAN_MARKERS = ("Sanitizer", "runtime error:", "AddressSanitizer", "LeakSanitizer")
BATCH = 40

DT_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?"
                   r"([Zz]|[+-]\d{2}:\d{2})?$")
DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
TIME_RE = re.compile(r"^(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?$")


def millis(frac):
    return int((frac or "")[:3].ljust(3, "0"))


def days_from_civil(y, m, d):
    """Days since 1970-01-01 in the proleptic Gregorian calendar."""
    y -= m <= 2
    era = (y if y >= 0 else y - 399) // 400
    yoe = y - era * 400
    doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def datetime_key(kind, text):
    """A comparable value for a date/time string, or None if malformed."""
    if kind == "date-local":
        m = DATE_RE.match(text)
        return m and tuple(int(g) for g in m.groups())
    if kind == "time-local":
        m = TIME_RE.match(text)
        return m and (int(m[1]), int(m[2]), int(m[3]), millis(m[4]))
    m = DT_RE.match(text)
    if not m or (kind == "datetime") != (m[8] is not None):
        return None
    y, mo, d, h, mi, s = (int(g) for g in m.groups()[:6])
    if kind == "datetime-local":
        return (y, mo, d, h, mi, s, millis(m[7]))
    off = 0
    if m[8] not in ("Z", "z"):
        off = (int(m[8][1:3]) * 60 + int(m[8][4:6])) * (-1 if m[8][0] == "-" else 1)
    return ((days_from_civil(y, mo, d) * 24 + h) * 60 + mi - off) * 60000 + s * 1000 + millis(m[7])


def as_float(text):
    try:
        return float(text)
    except ValueError:
        return None


def compare(want, got, path):
    """None when equal, else a reason naming the JSON path."""
    where = path or "(root)"
    if isinstance(want, dict) and isinstance(want.get("type"), str) and "value" in want:
        if not isinstance(got, dict) or set(got) != {"type", "value"}:
            return f"{where}: expected a {want['type']} value, got {json.dumps(got)[:80]}"
        kind, wv, gv = want["type"], want["value"], got["value"]
        if got["type"] != kind:
            return f"{where}: type {got['type']!r}, expected {kind!r}"
        if not isinstance(gv, str):
            return f"{where}: value is not a JSON string"
        if kind in ("string", "bool"):
            same = wv == gv
        elif kind == "integer":
            try:
                same = int(wv) == int(gv)
            except ValueError:
                same = False
        elif kind == "float":
            a, b = as_float(wv), as_float(gv)
            same = a is not None and b is not None and (
                a == b or (math.isnan(a) and math.isnan(b)))
        else:
            a, b = datetime_key(kind, wv), datetime_key(kind, gv)
            same = a is not None and a == b
        return None if same else f"{where}: got {gv!r}, expected {wv!r}"
    if isinstance(want, dict):
        if not isinstance(got, dict):
            return f"{where}: expected a table, got {type(got).__name__}"
        if set(want) != set(got):
            missing, extra = sorted(set(want) - set(got)), sorted(set(got) - set(want))
            return f"{where}: keys differ (missing {missing}, unexpected {extra})"
        for k in want:
            r = compare(want[k], got[k], f"{path}.{k}" if path else k)
            if r:
                return r
        return None
    if isinstance(want, list):
        if not isinstance(got, list) or len(got) != len(want):
            return f"{where}: expected an array of {len(want)}, got {json.dumps(got)[:80]}"
        for i, (w, g) in enumerate(zip(want, got)):
            r = compare(w, g, f"{path}[{i}]")
            if r:
                return r
        return None
    return f"{where}: unexpected expected-JSON shape"


def run_decoder(data, env):
    return subprocess.run([DECODER], input=data, capture_output=True, env=env, timeout=30)


def read_case(name):
    with open(os.path.join(SUITE, name), "rb") as f:
        return f.read()


def verdict(name, status, out, err):
    """None when the decoder's answer (status 0 with the tagged JSON, or 1
    with the message) is right for the case, else the reason."""
    if name.startswith("invalid/"):
        if status != 1:
            return f"accepted (exit {status}), output {out[:80]!r}"
        if err.count("\n") != 1:
            return f"error message is not one line: {err[:200]!r}"
        return None
    if status != 0:
        return f"rejected: {err.strip()[:200]}"
    with open(os.path.join(SUITE, name)[:-5] + ".json", "rb") as f:
        want = json.load(f)
    try:
        got = json.loads(out)
    except ValueError as e:
        return f"decoder printed invalid JSON: {e}"
    return compare(want, got, "")


def check_batch(names, env):
    """The reasons of `names` (None: passed) from one --batch process, or
    None when that process did not answer every case cleanly."""
    data = b"".join(b"%d\n%s" % (len(d), d) for d in map(read_case, names))
    try:
        r = subprocess.run([DECODER, "--batch"], input=data, capture_output=True, env=env, timeout=120)
    except subprocess.TimeoutExpired:
        return None
    err = r.stderr.decode("utf-8", "replace")
    lines = r.stdout.split(b"\n")
    if r.returncode != 0 or err or lines[-1] != b"" or len(lines) - 1 != len(names):
        return None
    reasons = []
    for name, line in zip(names, lines):
        try:
            ans = json.loads(line)
            status = ans["status"]
        except (ValueError, KeyError, TypeError):
            return None
        if status == 0:
            reasons.append(verdict(name, 0, json.dumps(ans.get("value")).encode(), ""))
        else:
            reasons.append(verdict(name, status, b"", "toml-decoder: %s\n" % ans.get("error")))
    return reasons


def check_case(name, env):
    data = read_case(name)
    try:
        r = run_decoder(data, env)
    except subprocess.TimeoutExpired:
        return "decoder timed out"
    err = r.stderr.decode("utf-8", "replace")
    if r.returncode < 0:
        return f"killed by signal {-r.returncode}"
    report = [ln for ln in err.splitlines() if any(m in ln for m in SAN_MARKERS)]
    if report or r.returncode == int(SAN_EXIT):
        return "sanitizer report: " + (report or [f"exit {SAN_EXIT}"])[0].strip()[:200]
    return verdict(name, r.returncode, r.stdout, err)


def check_group(names, env):
    """A batch's reasons, case by case when the batch process failed."""
    reasons = check_batch(names, env)
    return reasons if reasons is not None else [check_case(n, env) for n in names]


def main():
    if not os.access(DECODER, os.X_OK):
        print(f"not ok - toml-decoder not built at {DECODER}")
        return 1
    env = dict(os.environ)
    for var in ("ASAN_OPTIONS", "UBSAN_OPTIONS"):
        env[var] = ":".join(filter(None, [env.get(var, ""), "exitcode=" + SAN_EXIT]))
    cases = []
    for kind in ("valid", "invalid"):
        for dirpath, _, files in os.walk(os.path.join(SUITE, kind)):
            for fn in files:
                if fn.endswith(".toml"):
                    cases.append(os.path.relpath(os.path.join(dirpath, fn), SUITE))
    cases.sort()
    if not cases:
        print(f"not ok - no toml-test cases found under {SUITE}")
        return 1
    failed = 0
    groups = [cases[i:i + BATCH] for i in range(0, len(cases), BATCH)]
    # Two workers: the machine has two cores and each batch is a process.
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        reasons = [r for rs in pool.map(lambda g: check_group(g, env), groups) for r in rs]
        for name, reason in zip(cases, reasons):
            label = name[:-5]
            if reason:
                failed += 1
                print(f"not ok - {label}: {reason}")
            else:
                print(f"ok - {label}")
    print(f"# toml-test: {len(cases) - failed} of {len(cases)} cases passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
