#!/usr/bin/env bash
# One contended flock(1) worker: after the common start time, runs `flock <file> true` in a loop until the
# window ends (a process spawn per cycle, which is how a shell script would use it) and prints a WorkerResult
# as one line of JSON. Times come from $EPOCHREALTIME (bash 5), so timing spawns no processes.
# Usage: bash bench/flockWorker.sh <lockFile> <startAtEpochMs> <windowMs>
set -euo pipefail
lock=$1
start_us=$(($2 * 1000))
end_us=$((($2 + $3) * 1000))
now() { now_us=${EPOCHREALTIME/[.,]/}; }

ready_ms=20 # an estimate of bash's boot under load, for the driver's start slack (bash cannot time its own start)
now
late_ms=$(((now_us - start_us) / 1000))
((late_ms < 0)) && late_ms=0
# Sleep until 10 ms before the start, then spin.
wait_ms=$(((start_us - now_us) / 1000 - 10))
if ((wait_ms > 0)); then
  printf -v secs '%d.%03d' $((wait_ms / 1000)) $((wait_ms % 1000))
  sleep "$secs"
fi
now
while ((now_us < start_us)); do now; done

count=0
waits=''
while :; do
  now
  t0=$now_us
  ((t0 >= end_us)) && break
  flock "$lock" true
  now
  ((now_us >= end_us)) && break
  count=$((count + 1))
  waits+="${waits:+,}$((now_us - t0))"
done
printf '{"count":%d,"violations":0,"lateMs":%d,"readyMs":%d,"readyCpuMs":%d,"waitsUs":[%s]}\n' "$count" "$late_ms" "$ready_ms" "$ready_ms" "$waits"
