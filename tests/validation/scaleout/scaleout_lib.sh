# Shared by the scale-out tests (parallel_test.sh, slurm_test.sh); sourced, not run.
# The suite: both accelerators' 4x4 configs x tiny.yaml and the generated ResNet-18-shaped ONNX
# model x rtl, tlm-lt, tlm-at, estimator. The commands are the ones docs/validation.md shows.

# usage: scaleout_setup ACV SOURCE_DIR ONNX_MODELS_DIR WORK_DIR
scaleout_setup() {
  ACV=$1; SRC=$2; ONNX_DIR=$3; WORK=$4
  rm -rf "$WORK" && mkdir -p "$WORK" || return 1
  cat > "$WORK/suite.yaml" <<YAML
suite: scaleout
configs:
  - $SRC/models/systolic/configs/systolic-4x4-os.yaml
  - $SRC/models/gemmini/configs/gemmini-4x4-ws.yaml
workloads:
  - $SRC/models/workloads/tiny.yaml
  - $ONNX_DIR/resnet18_small.onnx
backends:
  - rtl
  - {name: tlm-lt, backend: tlm, options: {tlm-mode: lt}}
  - {name: tlm-at, backend: tlm, options: {tlm-mode: at}}
  - estimator
YAML
}

# A command that must succeed; on failure its log's tail and a non-zero exit.
step() {
  local log=$1; shift
  echo "+ $*"
  if ! "$@" > "$log" 2>&1; then
    echo "FAILED (exit $?): $*"; tail -20 "$log"; return 1
  fi
}

# The local run the merged result must equal, and the job list for the engine.
scaleout_local_and_jobs() {
  step "$WORK/local.log" "$ACV" validate --suite "$WORK/suite.yaml" --out "$WORK/local" --no-cache --no-plots -j 2 || return 1
  step "$WORK/emit.log" "$ACV" validate --suite "$WORK/suite.yaml" --out "$WORK/jobs" --emit-jobs "$WORK/jobs.txt" || return 1
  JOBS=$(wc -l < "$WORK/jobs.txt")
  echo "$JOBS jobs in $WORK/jobs.txt"
  [ "$JOBS" -gt 0 ] || { echo "FAILED: no jobs emitted"; return 1; }
}

# After the engine ran the jobs: merge, then the merged folder must equal the local one.
scaleout_merge_and_compare() {
  step "$WORK/merge.log" "$ACV" merge "$WORK/jobs" --out "$WORK/merged" --no-plots || return 1
  step "$WORK/compare.log" /usr/bin/python3 "$SRC/tests/validation/scaleout/compare_results.py" \
    "$WORK/local" "$WORK/merged" || return 1
  cat "$WORK/compare.log"
  # The wall times now equal, acv merge must write the local run's reports byte for byte.
  step "$WORK/remerge.log" "$ACV" merge "$WORK/merged" --no-plots || return 1
  if ! diff -r -x logs "$WORK/local" "$WORK/merged" > "$WORK/diff.log"; then
    echo "FAILED: merged result differs from the local run:"; head -20 "$WORK/diff.log"; return 1
  fi
  echo "merged result equals the local run byte for byte: $(cd "$WORK/local" && find . -path ./logs -prune -o -type f -print | wc -l) files"
}
