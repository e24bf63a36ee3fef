#!/usr/bin/python3
"""Compares a local `acv validate` result folder with one merged from a job list run elsewhere
(tests/validation/scaleout/*.sh), then makes them comparable byte for byte.

    compare_results.py LOCAL MERGED

Every file must be byte-identical except the measured wall times ("wall_seconds" in runs/*.json),
which differ between any two runs of the same case. Those are checked to be the only difference,
then copied from LOCAL into MERGED's runs/, so that `acv merge` writing MERGED's reports again
must reproduce LOCAL's report.md, summary.json, cases.csv and junit.xml byte for byte (the
caller runs it and diffs). Exit 1 naming the first difference.
"""
import os
import re
import sys

WALL = re.compile(rb'("wall_seconds": )([-+0-9.eE]+)')


def files(root):
    out = set()
    for dirpath, _, names in os.walk(root):
        rel = os.path.relpath(dirpath, root)
        if rel.split(os.sep)[0] == "logs":  # a local run's per-case stdout/stderr; jobs have none
            continue
        out.update(os.path.normpath(os.path.join(rel, n)) for n in names)
    return out


def read(path):
    with open(path, "rb") as f:
        return f.read()


def main():
    local, merged = sys.argv[1], sys.argv[2]
    a, b = files(local), files(merged)
    if a != b:
        sys.exit("file sets differ: only in %s: %s; only in %s: %s"
                 % (local, sorted(a - b)[:5], merged, sorted(b - a)[:5]))
    runs = sorted(f for f in a if f.startswith("runs" + os.sep))
    if not runs:
        sys.exit("no runs/ in %s" % local)
    differ = 0
    for f in runs:
        la, mb = read(os.path.join(local, f)), read(os.path.join(merged, f))
        if WALL.sub(rb"\1-", la) != WALL.sub(rb"\1-", mb):
            sys.exit("%s differs beyond its wall times" % f)
        walls = iter([m.group(2) for m in WALL.finditer(la)])
        transplanted = WALL.sub(lambda m: m.group(1) + next(walls), mb)
        assert transplanted == la
        differ += la != mb
        with open(os.path.join(merged, f), "wb") as out:
            out.write(transplanted)
    print("compare_results: %d run results equal but for their wall times (%d of them differed there)"
          % (len(runs), differ))


if __name__ == "__main__":
    main()
