#!/usr/bin/env bash
# bench/policy: on the same seeded traces, on a virtual clock with Azure's per-scale-set throttling
# enforced: the scaler, the original design as it ran on Azure (baseline) and as first modelled
# (baseline-naive), the actions-runner-controller peer (arc), and the physical limits (oracle: a VM
# booted just in time for every job; jit: the just-in-time reactive bound), with each policy's cost
# as a ratio to the oracle's and its waits as a ratio to (and seconds above) jit's. Arguments (optional):
#   provisioning=90s reimage=60s takedown=10s seed=7 traces=light,steady,burst,workday
#   policies=scaler,baseline,baseline-naive,arc
# traces=spot (not in the default list) runs the scaler alone on a Spot-then-Regular pool that re-runs
# lost jobs, without and with Spot evictions (eviction-rate=0.1 per instance-hour, storm-at=2h,
# storm-fraction=0.5), and prices Spot minutes at spot-price=0.2 of Regular (SpotBench).
# Prints one "RESULT bench=policy ..." line per figure, last.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
source "$(dirname "$0")/../lib.sh"
start=$(date +%s)
bench_java_main io.vmssrunnerscaler.bench.PolicyBench "$@"
echo "RESULT bench=policy metric=wall_time_s value=$(( $(date +%s) - start ))"
