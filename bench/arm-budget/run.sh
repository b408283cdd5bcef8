#!/usr/bin/env bash
# bench/arm-budget: steady job rates on one scale set with Azure's per-scale-set throttling enforced,
# for the scaler, the original design as deployed and the actions-runner-controller peer. Every rate
# is run and reported (no stop at the first failure): p50 / p95 / max job wait, instance-minutes per
# job, ARM calls and 429s per bucket, jobs never started, and the ratios to the oracle / jit bounds;
# then per policy the highest rate sustained with no 429 and every job started. Arguments (optional):
#   minutes=60 drain=30m rates=1,2,6,10,30,60,100 policies=scaler,baseline,arc scaleSets=1
# scaleSets= only accepts 1 for now (a pool over several scale sets is not in the engine yet).
# If a run takes more than 5 minutes, shorten each step (minutes=30) rather than dropping rates.
# Prints one "RESULT bench=arm-budget ..." line per figure, last.
source "$(dirname "$0")/../lib.sh"
start=$(date +%s)
bench_java_main io.vmssrunnerscaler.bench.ArmBudgetBench "$@"
echo "RESULT bench=arm-budget metric=wall_time_s value=$(( $(date +%s) - start ))"
