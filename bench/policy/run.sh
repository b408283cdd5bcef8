#!/usr/bin/env bash
# bench/policy: the scaler's policy against the original design on the same seeded traces, on a
# virtual clock, with Azure's per-scale-set throttling enforced. Arguments (optional):
#   provisioning=90s reimage=60s seed=7 traces=light,steady,burst,workday
# Prints one "RESULT bench=policy ..." line per figure, last.
source "$(dirname "$0")/../lib.sh"
start=$(date +%s)
bench_java_main io.vmssrunnerscaler.bench.PolicyBench "$@"
echo "RESULT bench=policy metric=wall_time_s value=$(( $(date +%s) - start ))"
