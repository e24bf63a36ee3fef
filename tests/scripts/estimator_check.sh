#!/usr/bin/env bash
# scripts/estimator-check: the same build against itself gives no difference; an estimate changed
# in saved outputs is named and exits 1; bad usage exits 2. Usage: estimator_check.sh SOURCE_DIR ACV_BINARY
set -euo pipefail
src=$1 acv=$2
check=$src/scripts/estimator-check
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$check" "$acv" "$acv" --only systolic-16x16-os-64k. --save "$tmp/saved" > "$tmp/out.txt" || fail "itself: $(cat "$tmp/out.txt")"
grep -q ": 0 differ;" "$tmp/out.txt" || fail "itself: $(tail -1 "$tmp/out.txt")"
# One run per workload file of the suite and the extras (calibration.yaml among them).
[ -f "$tmp/saved/systolic-16x16-os-64k__calibration.yaml.txt" ] || fail "calibration.yaml not run: $(ls "$tmp/saved")"
# One layer's cycles changed in a saved output: that run differs, the others not.
f=$tmp/saved/systolic-16x16-os-64k__Resnet18.csv.txt
[ -f "$f" ] || fail "Resnet18.csv not run: $(ls "$tmp/saved")"
cp "$f" "$f.orig"
sed -i '3s/ \([0-9][0-9,]*[0-9]\) / 1\1 /' "$f"
cmp -s "$f" <("$acv" run --backend estimator --explain --config "$src/models/systolic/configs/systolic-16x16-os-64k.yaml" \
  --workload "$src/models/workloads/Resnet18.csv") && fail "the edit did not change the saved output"
rc=0
"$check" "$acv" --against "$tmp/saved" --only systolic-16x16-os-64k. > "$tmp/out.txt" || rc=$?
[ "$rc" -eq 1 ] || fail "changed cycles: exit $rc, not 1"
grep -q "^differs: systolic-16x16-os-64k__Resnet18.csv$" "$tmp/out.txt" || fail "changed cycles not named: $(cat "$tmp/out.txt")"
[ "$(grep -c '^differs' "$tmp/out.txt")" -eq 1 ] || fail "more than the changed run differs"
# A loop's steady state left out of one output or with other cycles per period: no difference (which
# entry of a loop a layer lists moves with the memos).
cp "$tmp/saved/systolic-16x16-os-64k__Resnet18.csv.txt.orig" "$f"
grep -q "^    loop [^:]*: period [0-9]*, [0-9]* cycles per period" "$f" || fail "no loop line to edit: $(head -20 "$f")"
sed -i '0,/^    loop /{/^    loop /d}' "$f"
sed -i '0,/^    loop /{s/^\(    loop [^:]*: period [0-9]*, \)\([0-9]*\) cycles/\11\2 cycles/}' "$f"
cmp -s "$f" "$f.orig" && fail "the edit did not change a loop line"
"$check" "$acv" --against "$tmp/saved" --only systolic-16x16-os-64k. > "$tmp/out.txt" || fail "loop lines edited: $(cat "$tmp/out.txt")"
# Bad usage.
for args in "$acv" "$acv $acv --against $tmp/saved" "$tmp/none $acv" "$acv --against $tmp/none" "$acv $acv --only nothing-like-this"; do
  rc=0
  # shellcheck disable=SC2086
  "$check" $args > /dev/null 2>&1 || rc=$?
  [ "$rc" -eq 2 ] || fail "'$args': exit $rc, not 2"
done
echo ok
