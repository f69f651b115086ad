#!/bin/bash
# Renders one manifest on a Slurm job array: task I of N takes the I-th contiguous block of rows
# (imagery batch reads SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_MIN and SLURM_ARRAY_TASK_COUNT).
# Submit from the folder that holds the manifest and style:
#   mkdir -p logs && sbatch --export=ALL,MANIFEST=synapses.csv,STYLE=style.json,OUT=figures \
#     examples/cluster/slurm_array.sh
# Resubmitting the same command later renders only the rows still missing.
#SBATCH --job-name=imagery-batch
#SBATCH --array=0-15
#SBATCH --cpus-per-task=4
#SBATCH --mem=8G
#SBATCH --time=02:00:00
#SBATCH --output=logs/imagery-%A_%a.out
#SBATCH --requeue
set -uo pipefail

MANIFEST="${MANIFEST:-synapses.csv}"
STYLE="${STYLE:-style.json}"
OUT="${OUT:-figures}"
mkdir -p "$OUT/status"

# One status file per task; each row's line says ok / skipped / failed with the error.
# A node-local disk cache keeps chunks that neighbouring rows share off the network.
imagery batch "$MANIFEST" --defaults "$STYLE" --out-dir "$OUT" \
  --jobs "${SLURM_CPUS_PER_TASK:-2}" \
  --status "$OUT/status/task-${SLURM_ARRAY_TASK_ID}.jsonl" \
  --cache "${TMPDIR:-/tmp}/imagery-cache-$USER" --progress-interval 60
status=$?

# 0: done. 10: some rows failed for good (see the status file; rerunning will not help).
# 75: retry later (network trouble, or Slurm's SIGTERM before a time limit or preemption):
# requeue this task; it skips the figures already written.
if [ "$status" -eq 75 ] && [ "${SLURM_RESTART_COUNT:-0}" -lt 3 ]; then
  scontrol requeue "${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}"
fi
exit "$status"
