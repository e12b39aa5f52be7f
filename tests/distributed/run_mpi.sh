#!/usr/bin/env bash
# run_mpi.sh MPIEXEC NP PROGRAM CASE: one case of tests/distributed/mpi_ddp.cpp under mpirun.
# Passes when every rank printed "PASS CASE"; for the fault cases (stalled, throws), when the
# job ended well within the time limit with the expected Error.  Exit 77 (skip) without MPI.
set -u
mpiexec=$1 np=$2 program=$3 case=$4
if [ -z "$mpiexec" ] || ! command -v "$mpiexec" > /dev/null; then
  echo "no MPI in this build (CONVIS_MPI=OFF) or no mpirun: skipped"
  exit 77
fi
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1  # CI runs as root
export OMPI_MCA_btl_vader_single_copy_mechanism=none              # containers forbid CMA
export OMP_NUM_THREADS=1                                          # NP ranks share 2 cores
start=$(date +%s)
out=$(timeout 150 "$mpiexec" --oversubscribe --bind-to none -np "$np" "$program" "$case" 2>&1)
rc=$?
if [ "$rc" -ne 0 ] && ! grep -q "^rank " <<< "$out"; then
  # No rank printed a line: mpirun could not start the job (a launcher failure, not the test's).
  echo "$out"
  echo "mpirun failed to start the job (exit code $rc); trying once more"
  out=$(timeout 150 "$mpiexec" --oversubscribe --bind-to none -np "$np" "$program" "$case" 2>&1)
  rc=$?
fi
elapsed=$(( $(date +%s) - start ))
echo "$out"
echo "mpirun exit code $rc after $elapsed s"
fail() { echo "FAILED: $*"; exit 1; }
[ "$rc" -eq 124 ] && fail "the job hung (killed after 150 s)"
case "$case" in
  stalled)
    grep -q "did not complete within 2000 ms" <<< "$out" || fail "no timeout Error on rank 0"
    grep -q "rank 0: PASS stalled" <<< "$out" || fail "rank 0 did not pass"
    [ "$rc" -ne 0 ] || fail "mpirun reported success"
    [ "$elapsed" -lt 60 ] || fail "took $elapsed s" ;;
  throws)
    [ "$rc" -ne 0 ] || fail "mpirun reported success"
    grep -q "rank 1 gives up" <<< "$out" || fail "rank 1's Error is not in the output"
    [ "$elapsed" -lt 60 ] || fail "took $elapsed s" ;;
  *)
    [ "$rc" -eq 0 ] || fail "mpirun exit code $rc"
    passed=$(grep -c "PASS $case" <<< "$out")
    [ "$passed" -eq "$np" ] || fail "$passed of $np ranks passed" ;;
esac
echo "passed"
