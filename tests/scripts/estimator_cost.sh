#!/usr/bin/env bash
# scripts/estimator-cost: a build against itself costs the same instructions (callgrind is
# deterministic), a positive count; UltraTrail's whole network by default; bad input exits 2.
# Usage: estimator_cost.sh SOURCE_DIR ACV_BINARY
set -euo pipefail
src=$1 acv=$2
cost=$src/scripts/estimator-cost
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$cost" "$acv" "$acv" --config "$src/models/systolic/configs/systolic-8x8-os.yaml" \
  --workload "$src/models/workloads/tiny.yaml" > "$tmp/out.txt" || fail "$(cat "$tmp/out.txt")"
grep -Eq '^\| systolic-8x8-os \| [0-9]+\.[0-9]{2} M \| [0-9]+\.[0-9]{2} M \| \+0\.00 % \|$' "$tmp/out.txt" ||
  fail "no equal row: $(cat "$tmp/out.txt")"
grep -q '| 0.00 M |' "$tmp/out.txt" && fail "no instructions counted: $(cat "$tmp/out.txt")"
# Without --workload each accelerator runs its whole network: UltraTrail TC-ResNet8, not ResNet-18.
"$cost" "$acv" --config "$src/models/ultratrail/configs/ultratrail-8x8.yaml" > "$tmp/ut.txt" || fail "$(cat "$tmp/ut.txt")"
grep -q '^acv::estimate instructions, tc_resnet8.yaml$' "$tmp/ut.txt" || fail "not TC-ResNet8: $(cat "$tmp/ut.txt")"
grep -Eq '^\| ultratrail-8x8 \| [0-9]+\.[0-9]{2} M \|$' "$tmp/ut.txt" || fail "no count: $(cat "$tmp/ut.txt")"
for args in "$tmp/none" "$acv --config $tmp/none.yaml" "$acv --workload $tmp/none.csv" \
  "$acv --all --config $src/models/systolic/configs/systolic-8x8-os.yaml"; do
  rc=0
  # shellcheck disable=SC2086
  "$cost" $args > /dev/null 2>&1 || rc=$?
  [ "$rc" -eq 2 ] || fail "'$args': exit $rc, not 2"
done
echo ok
