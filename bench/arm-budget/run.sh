#!/usr/bin/env bash
# bench/arm-budget: the highest steady job rate one scale set sustains with zero 429s and every job
# started, for the scaler and for the original design, and ARM calls per job. Arguments (optional):
#   minutes=60 drain=30m rates=1,2,3,...
# Prints one "RESULT bench=arm-budget ..." line per figure, last.
source "$(dirname "$0")/../lib.sh"
start=$(date +%s)
bench_java_main io.vmssrunnerscaler.bench.ArmBudgetBench "$@"
echo "RESULT bench=arm-budget metric=wall_time_s value=$(( $(date +%s) - start ))"
