#!/usr/bin/env bash
# bench/arm-budget: steady job rates with Azure's per-scale-set throttling enforced, in two parts:
#   scale_sets=1: one scale set, rates 1..100 jobs/min, steps of 60 min, for the scaler, the original
#     design as deployed and the actions-runner-controller peer;
#   scale_sets=4: one pool spanning 4 scale sets (max 700 each, each with its own Azure buckets),
#     rates 100,200,400 jobs/min, steps of 20 min (not 60: so that the whole run stays under 5 min on
#     2 cores), the scaler only (the baseline and the peer model one-scale-set designs).
# Every rate is run and reported (no stop at the first failure): p50 / p95 / max job wait,
# instance-minutes per job, ARM calls and 429s per bucket (summed over the scale sets, and per scale
# set with a scale_set= key), jobs never started, and the ratios to the oracle / jit bounds; then per
# policy the highest rate sustained with no 429 and every job started. Arguments (optional):
#   scaleSets=1,4 minutes=60 drain=30m rates=1,2,6,10,30,60,100 policies=scaler,baseline,arc
#   minutes@4=20 rates@4=100,200,400 policies@4=scaler   (settings for one part only)
# If a run takes more than 5 minutes, shorten each step (minutes=30) rather than dropping rates.
# Prints one "RESULT bench=arm-budget ..." line per figure, last.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
source "$(dirname "$0")/../lib.sh"
start=$(date +%s)
bench_java_main io.vmssrunnerscaler.bench.ArmBudgetBench "$@"
echo "RESULT bench=arm-budget metric=wall_time_s value=$(( $(date +%s) - start ))"
