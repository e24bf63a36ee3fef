#!/usr/bin/env bash
# The job-list path under GNU parallel: acv validate --emit-jobs, parallel runs the jobs, acv merge;
# the merged result equals a local run byte for byte (wall times aside, see compare_results.py).
# usage: parallel_test.sh ACV SOURCE_DIR ONNX_MODELS_DIR WORK_DIR
set -u
. "$(dirname "$0")/scaleout_lib.sh"
scaleout_setup "$@" || exit 1
command -v parallel > /dev/null || { echo "FAILED: GNU parallel is not installed (scripts/setup installs it)"; exit 1; }
scaleout_local_and_jobs || exit 1
step "$WORK/parallel.out" parallel --jobs 2 --halt now,fail=1 --joblog "$WORK/parallel.log" < "$WORK/jobs.txt" || exit 1
ran=$(($(wc -l < "$WORK/parallel.log") - 1))
[ "$ran" -eq "$JOBS" ] || { echo "FAILED: parallel ran $ran of $JOBS jobs"; exit 1; }
scaleout_merge_and_compare || exit 1
echo "ok"
