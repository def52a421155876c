#!/usr/bin/env bash
# The controller's cost at scale (issue 25): the real flowtest-controller against the fake API
# server, with 100, 300 and 1,000 simulated generators reporting every 10 s for 60 s as real
# agents do (bench/scale/). Writes bench/scale.md (and the raw figures, bench/scale.json), then
# docs/benchmarks.md through compose.sh; what the figures mean goes in bench/scale-notes.md.
#   bench/scale.sh                      # 100, 300 and 1,000 agents
#   SIZES="50 100" DURATION=30 bench/scale.sh   # a quick try
#   CONTROLLER=/path/to/flowtest-controller OUT=/tmp/scale.md bench/scale.sh   # that build (not built here), kept apart
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${SIZES:-100 300 1000}
DURATION=${DURATION:-60}
INTERVAL=${INTERVAL:-10}
OUT=${OUT:-bench/scale.md}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

[ -n "${CONTROLLER:-}" ] || swift build -c release --product flowtest-controller >&2
swift build -c release --product flowtest-scale-bench >&2
BIN=$(swift build -c release --show-bin-path)
CONTROLLER=${CONTROLLER:-$BIN/flowtest-controller}
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
for n in $SIZES; do
  echo "scale: $n agents" >&2
  "$BIN/flowtest-scale-bench" --agents "$n" --duration "$DURATION" --interval "$INTERVAL" \
    --controller "$CONTROLLER" --controller-log "$WORK/controller-$n.log" >"$WORK/$n.json"
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

python3 - "$WORK" "$LOAD_BEFORE" "$LOAD_AFTER" "$DURATION" "$INTERVAL" $SIZES >"$OUT" <<'PY'
import json, os, subprocess, sys, time
work, before, after, duration, interval, *sizes = sys.argv[1:]
runs = [json.load(open(os.path.join(work, f"{n}.json"))) for n in sizes]
print("## Controller at scale (issue 25)")
print()
print(f"`bench/scale.sh`, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores "
      f"(`nproc` {subprocess.run(['nproc'], capture_output=True, text=True).stdout.strip()}), "
      f"load average {before} before, {after} after. The real `flowtest-controller` (release build, a process "
      f"of its own) runs one FlowTest of N generators (target External, the traffic mix of "
      f"examples/traffic-mix.yaml) against the fake API server; the fake kubelet runs each generator pod "
      f"as a simulated agent that writes a real generator report (bench/scale/generator-report.json, "
      f"7.7 KB, from a local run, with counters varied per agent and interval) into its own "
      f"FlowTestReport every {interval} s, as `StatusReporter` does (create, then merge patches of its "
      f"incarnation), and its final report after {duration} s, then exits. Figures are over the window "
      f"from the first report to the verdict (pod creation is before it).")
print()
print("| agents | pods started over | reports (failed) | report write p50 / p99 | API bytes written/s: window (of which reports), busiest 10 s | busiest 10 s per agent | FlowTest writes/s (peak in 1 s) | FlowTest object (largest) | controller CPU s / 1,000 reports: raw, less idle | controller CPU: idle rate, window, total | controller RSS: before the final reports, peak | last final report → verdict | summary |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
for r in runs:
    m = r["measurement"]
    print(f"| {r['agents']:,} | {m['startSpreadSeconds']:.0f} s | {r['reports']:,} ({r['reportsFailed']}) | {r['reportP50Seconds']*1000:.0f} / {r['reportP99Seconds']*1000:.0f} ms "
          f"| {r['bytesWrittenPerSecond']/1024:,.0f} KiB/s ({r['reportBytesPerSecond']/1024:,.0f}), {m['steadyBytesPerSecond']/1024:,.0f} KiB/s "
          f"| {r['steadyBytesPerSecondPerAgent']:,.0f} B/s "
          f"| {r['flowTestWritesPerSecond']:.2f} ({m['flowTestPeakWritesPerSecond']}) | {m['flowTestBytes']/1024:.1f} KiB ({m['flowTestMaxBytes']/1024:.1f}) "
          f"| {r['controllerCPUSecondsPer1000Reports']:.1f}, {r['controllerNetCPUSecondsPer1000Reports']:.1f} "
          f"| {m['controllerIdleCPUSecondsPerSecond']:.2f} s/s, {m['controllerCPUSeconds']:.1f} s in {m['windowSeconds']:.0f} s, {m['controllerCPUSecondsTotal']:.1f} s "
          f"| {m['controllerRSSBeforeFinalsBytes']/1048576:.0f} MiB, {m['controllerPeakRSSBytes']/1048576:.0f} MiB | {m['verdictSeconds']:.2f} s | {m['phase']}, {'equals' if r['summaryCorrect'] else 'differs from'} the sum of the reports |")
first, last = runs[0], runs[-1]
ratio = lambda key: last[key] / first[key] if first[key] else float("nan")
agents = last["agents"] / first["agents"]
print()
print(f"From {first['agents']:,} to {last['agents']:,} agents ({agents:.0f}×): bytes written per second over the busiest "
      f"10 s grew {last['measurement']['steadyBytesPerSecond']/first['measurement']['steadyBytesPerSecond']:.1f}× "
      f"(over the whole window {ratio('bytesWrittenPerSecond'):.1f}×; linear: {agents:.0f}×), the controller's CPU per report "
      f"{ratio('controllerCPUSecondsPer1000Reports'):.2f}× raw and {ratio('controllerNetCPUSecondsPer1000Reports'):.2f}× less idle "
      f"(target: within 2×), the FlowTest object "
      f"{last['measurement']['flowTestBytes']/first['measurement']['flowTestBytes']:.2f}×.")
print()
print("Columns: *pods started over* the time from the first agent's first report to the last agent's "
      "(the controller creates generator pods one after another); *reports* landed (and writes that failed, each carried by the agent's next report); "
      "*report write* the round trip of an agent's create or patch; *API bytes written/s* the body bytes of "
      "every write request the fake received (reports, the FlowTest's status, pods, events) per second: over the "
      "window (of which report objects), and over the busiest 10 s (one report interval, once all agents report), "
      "which *per agent* divides by the agents; *FlowTest writes/s* the writes to the FlowTest "
      "object (all of them status patches by the controller) per second, and the most within any one second; "
      "*FlowTest object* its JSON size at the end (largest during the run); *controller CPU* its user + system "
      "seconds (/proc/PID/stat) in the window per 1,000 reports that landed, raw and less its idle rate times "
      "the window; then that idle rate (CPU s per s over 5 s of watching an empty namespace before the test), "
      "the CPU in the window, and since it started (pod creation included); *controller RSS* its VmRSS just before the first final report (the report cache at its fullest), and its peak (VmHWM, the final collection's list of every report included); *last final report → verdict* from the last "
      "agent's final report landing to the terminal phase in the store (polled every 20 ms); *summary* the "
      "phase, and whether the status summary's flowsStarted equals the sum over every agent's final report. "
      "Targets: the FlowTest object ≤ 64 KiB at 1,000 agents; ≤ 1 write/s to it; CPU per report flat "
      "(within 2×) from 100 to 1,000; bytes/s linear in agents.")
PY
cat "$OUT"
# The raw figures of every run (one JSON object per line) next to the table; docs/benchmarks.md
# takes the table only from bench/scale.md.
cat $(for n in $SIZES; do echo "$WORK/$n.json"; done) >"${OUT%.md}.json"
if [ "$OUT" = bench/scale.md ]; then bench/compose.sh; fi
