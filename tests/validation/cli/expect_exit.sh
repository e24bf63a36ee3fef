#!/usr/bin/env bash
# Runs a command and checks its exit code and that its output (stdout + stderr) matches a regex.
# usage: expect_exit.sh CODE REGEX -- COMMAND...
set -u
code=$1; regex=$2; shift 3
out=$("$@" 2>&1); got=$?
if [ "$got" -ne "$code" ]; then echo "expected exit $code, got $got; output:"; echo "$out"; exit 1; fi
if ! grep -Eq -- "$regex" <<<"$out"; then echo "output does not match /$regex/:"; echo "$out"; exit 1; fi
lines=$(grep -c . <<<"$out")
if [ "$code" -eq 2 ] && [ "$lines" -ne 1 ]; then echo "a bad-input error must be one line, got $lines:"; echo "$out"; exit 1; fi
echo "ok: exit $got, output matches /$regex/"
