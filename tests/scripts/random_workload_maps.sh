#!/usr/bin/env bash
# scripts/random-workload: the same seed gives the same file, and what it writes maps on every
# accelerator (acv map exit 0: shapes within each mapper's limits, nets within UltraTrail's); bad
# arguments exit 2. Usage: random_workload_maps.sh SOURCE_DIR ACV_BINARY
set -euo pipefail
src=$1 acv=$2
gen=$src/scripts/random-workload
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

for seed in 11 12 13; do
  "$gen" layers "$seed" > "$tmp/a.yaml"
  "$gen" layers "$seed" > "$tmp/b.yaml"
  cmp -s "$tmp/a.yaml" "$tmp/b.yaml" || fail "layers $seed: two runs differ"
  [ "$(grep -c '^  - {name:' "$tmp/a.yaml")" -eq 18 ] || fail "layers $seed: not 18 layers"
  for cfg in systolic/configs/systolic-8x8-os gemmini/configs/gemmini-8x8-ws plasticine/configs/plasticine-4x4; do
    "$acv" map --config "$src/models/$cfg.yaml" --workload "$tmp/a.yaml" > "$tmp/map.txt" 2>&1 ||
      fail "layers $seed on $cfg: $(tail -1 "$tmp/map.txt")"
  done
  for net in "0" "1" "2 wide"; do
    # shellcheck disable=SC2086
    "$gen" ultratrail "$seed" $net > "$tmp/ut.yaml"
    "$acv" map --config "$src/models/ultratrail/configs/ultratrail-8x8.yaml" --workload "$tmp/ut.yaml" > "$tmp/map.txt" 2>&1 ||
      fail "ultratrail $seed $net: $(tail -1 "$tmp/map.txt")"
  done
done

for args in "" "layers" "layers x" "layers 1 0" "layers 1 -3" "layers 1 4 3e7" "ultratrail 1 0 narrow" "other 1"; do
  rc=0
  # shellcheck disable=SC2086
  "$gen" $args > /dev/null 2>&1 || rc=$?
  [ "$rc" -eq 2 ] || fail "'random-workload $args' exited $rc, not 2"
done
echo "ok"
