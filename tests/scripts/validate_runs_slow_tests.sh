#!/usr/bin/env bash
# scripts/validate runs the slow tests (ctest -L slow) after every sign-off suite, and not when
# asked for one suite; checked on its dry run (commands printed, none run).
set -euo pipefail
repo=$1
out=$(ACV_VALIDATE_DRY_RUN=1 "$repo/scripts/validate" 2>&1)
echo "$out"
fail() { echo "FAILED: $*" >&2; exit 1; }
last_suite=$(echo "$out" | grep -n '^+ build/bin/acv validate --suite' | tail -1 | cut -d: -f1)
slow=$(echo "$out" | grep -n '^+ ctest .*-L slow' | cut -d: -f1)
[ -n "$last_suite" ] || fail "no sign-off suite was run"
[ -n "$slow" ] || fail "the slow tests were not run"
[ "$slow" -gt "$last_suite" ] || fail "the slow tests ran before the last suite"
echo "$out" | grep -q '^  slow tests  *passed' || fail "the summary has no slow-tests line"
one=$(ACV_VALIDATE_DRY_RUN=1 "$repo/scripts/validate" --suite models/suites/quick.yaml --out /tmp/x 2>&1)
echo "$one" | grep -q -- '-L slow' && fail "one --suite run ran the slow tests too"
echo "$one" | grep -q '^+ build/bin/acv validate --suite models/suites/quick.yaml' || fail "the --suite run ran no suite"
echo "ok"
