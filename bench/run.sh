#!/usr/bin/env bash
# Benchmarks FlowTest on loopback next to iperf3 and sockperf, in one run, and writes
# docs/benchmarks.md. Needs iperf3 and sockperf (apt-get install iperf3 sockperf).
#   bench/run.sh                 # 10 s per measurement
#   DURATION=2 bench/run.sh      # a quick smoke run
set -euo pipefail
cd "$(dirname "$0")/.."
D=${DURATION:-10}
OUT=${OUT:-docs/benchmarks.md}
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT

for tool in iperf3 sockperf python3; do
  command -v $tool >/dev/null || { echo "bench: $tool is missing (apt-get install iperf3 sockperf)" >&2; exit 1; }
done
swift build -c release --product flowtest-agent >&2
AGENT=.build/release/flowtest-agent
PORT=17100

echo_start() {  # an echo server on $PORT (TCP and UDP); sets ECHO_PID
  $AGENT echo --tcp-ports $PORT --udp-ports $PORT --metrics-port 0 --log-level error >/dev/null 2>&1 &
  ECHO_PID=$!
  sleep 0.5
}
echo_stop() { kill -TERM $ECHO_PID 2>/dev/null; wait $ECHO_PID 2>/dev/null || true; PORT=$((PORT + 1)); }
generate() {  # generator flags... -> JSON summary in $WORK/gen.json
  $AGENT generate --target 127.0.0.1 --tcp-ports $PORT --udp-ports $PORT --metrics-port 0 --log-level error "$@" >"$WORK/gen.json"
}
field() { python3 -c "import json,sys; r=json.load(open('$WORK/gen.json')); print(eval(sys.argv[1]))" "$1"; }

# 1. TCP throughput of one flow, both directions (1 MiB messages back-to-back) vs iperf3 --bidir.
echo_start
generate --protocol tcp --pattern random --rate 1000 --flow-count 1 --min-duration ${D}s --max-duration ${D}s --message-interval 0 --payload-size 1048576
FT_TPUT=$(field "round(r['tcp']['throughputBitsPerSecond']/1e9, 2)")
echo_stop
iperf3 -s -p $PORT -1 >/dev/null 2>&1 & sleep 0.5
iperf3 -c 127.0.0.1 -p $PORT -t $D --bidir -J >"$WORK/iperf.json"
IPERF_TPUT=$(python3 -c "import json; e=json.load(open('$WORK/iperf.json'))['end']; print(round((e['sum_received']['bits_per_second']+e['sum_received_bidir_reverse']['bits_per_second'])/1e9, 2))")
PORT=$((PORT + 1))

# 2. Round trips of 64-byte messages, one flow, vs sockperf ping-pong --full-rtt.
rtt_flowtest() {  # protocol -> "p50 p99" in microseconds
  echo_start
  generate --protocol $1 --pattern random --rate 1000 --flow-count 1 --min-duration ${D}s --max-duration ${D}s --message-interval 0 --payload-size 64
  field "'%.1f %.1f %d' % (r['$1']['rttMilliseconds']['p50']*1000, r['$1']['rttMilliseconds']['p99']*1000, r['$1']['counters']['messagesReceived']/r['elapsedSeconds'])"
  echo_stop
}
rtt_sockperf() {  # [--tcp] -> "p50 p99" in microseconds
  sockperf server -i 127.0.0.1 -p $PORT $1 >/dev/null 2>&1 & local pid=$!
  sleep 0.5
  sockperf ping-pong -i 127.0.0.1 -p $PORT $1 -m 64 -t $D --full-rtt >"$WORK/sockperf.txt" 2>&1
  kill $pid 2>/dev/null; wait $pid 2>/dev/null || true
  PORT=$((PORT + 1))
  python3 - "$WORK/sockperf.txt" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
p = lambda q: float(re.search(r"percentile %s\s*=\s*([0-9.]+)" % q, text).group(1))
print("%.1f %.1f" % (p("50.000"), p("99.000")))
PY
}
read FT_TCP_P50 FT_TCP_P99 FT_TCP_RATE < <(rtt_flowtest tcp)
read FT_UDP_P50 FT_UDP_P99 FT_UDP_RATE < <(rtt_flowtest udp)
read SP_TCP_P50 SP_TCP_P99 < <(rtt_sockperf --tcp)
read SP_UDP_P50 SP_UDP_P99 < <(rtt_sockperf "")

# 3. New TCP flows per second: connect, one 64-byte exchange, close (each flow lives 5 ms and sends
# its one message at once; the next would be due after 1 s). Requested rates step up; the figure
# is the highest rate sustained with at most 0.1 % failed flows. The echo listens on 8 ports:
# towards a single port, connect() spends its time searching for a source port not in TIME_WAIT.
NEW_PORTS=$(seq -s, $((PORT + 100)) $((PORT + 107)))
$AGENT echo --tcp-ports $NEW_PORTS --udp-ports $PORT --metrics-port 0 --log-level error >/dev/null 2>&1 &
ECHO_PID=$!; sleep 0.5
NEW_RATE=0; NEW_STEPS=""
for rate in 10000 15000 20000 25000 30000; do
  $AGENT generate --target 127.0.0.1 --tcp-ports $NEW_PORTS --metrics-port 0 --log-level error --protocol tcp --pattern constant \
    --rate $rate --max-concurrent $((rate / 200)) --message-interval 1s --payload-size 64 --time-limit ${D}s >"$WORK/gen.json"
  read done failed < <(field "'%d %d' % (r['tcp']['counters']['flowsCompleted']/r['elapsedSeconds'], r['tcp']['counters']['flowsFailed'])")
  NEW_STEPS="$NEW_STEPS ${rate}→${done}/s (${failed} failed);"
  if (( failed * 1000 <= rate * D )); then NEW_RATE=$done; else break; fi
  sleep 2  # let TIME_WAIT drain between steps
done
kill -TERM $ECHO_PID; wait $ECHO_PID 2>/dev/null || true

# 4. UDP datagrams per second echoed: 50 flows, each ping-pong back-to-back.
echo_start
generate --protocol udp --pattern random --rate 1000 --flow-count 50 --min-duration ${D}s --max-duration ${D}s --message-interval 0 --payload-size 64
UDP_RATE=$(field "int(r['udp']['counters']['messagesReceived']/r['elapsedSeconds'])")
echo_stop

# 5. Concurrent long-lived TCP flows, and resident memory per flow in each process: the growth of
# RSS between two moments of the ramp, over the growth in open flows (so fixed costs, such as
# histograms and thread stacks, are not counted per flow).
# 18,500 of the 19,744 sockets the descriptor budget allows (20,000 less the reserve).
FLOWS=18500
GEN_METRICS=$((PORT + 1000))
echo_start
rss() { awk '/VmRSS/{print $2 * 1024}' /proc/$1/status; }
active() { python3 -c "
import re, urllib.request
text = urllib.request.urlopen('http://127.0.0.1:$GEN_METRICS/metrics').read().decode()
print(int(sum(float(v) for v in re.findall(r'^flowtest_active_flows\{[^}]*\} ([0-9.e+]+)', text, re.M))))"; }
$AGENT generate --target 127.0.0.1 --tcp-ports $PORT --protocol tcp --metrics-port $GEN_METRICS --log-level error --pattern constant \
  --rate 2500 --max-concurrent $FLOWS --message-interval 10s --response-timeout 10s --time-limit 9s >"$WORK/gen.json" &
GEN_PID=$!
sleep 1.5
ECHO_RSS1=$(rss $ECHO_PID); GEN_RSS1=$(rss $GEN_PID); FLOWS1=$(active)
sleep 6.5
ECHO_RSS2=$(rss $ECHO_PID); GEN_RSS2=$(rss $GEN_PID); FLOWS2=$(active)
wait $GEN_PID
read PEAK CONC_FAILED < <(field "'%d %d' % (r['peakActiveFlows'], r['tcp']['counters']['flowsFailed'])")
ECHO_PER_FLOW=$(( (ECHO_RSS2 - ECHO_RSS1) / (FLOWS2 - FLOWS1) ))
GEN_PER_FLOW=$(( (GEN_RSS2 - GEN_RSS1) / (FLOWS2 - FLOWS1) ))
echo_stop

# 6. Rate accuracy in the constant pattern at 1k and 10k flows/s.
accuracy() {
  echo_start
  generate --protocol tcp --pattern constant --rate $1 --max-concurrent $(($1 / 10)) --message-interval 50ms --payload-size 64 --time-limit ${D}s
  field "'%.2f %d %d' % (abs(r['startRate']['achieved']-$1)/$1*100, r['startRate'].get('minPerSecond',0), r['startRate'].get('maxPerSecond',0))"
  echo_stop
}
read ACC1K_ERR ACC1K_MIN ACC1K_MAX < <(accuracy 1000)
read ACC10K_ERR ACC10K_MIN ACC10K_MAX < <(accuracy 10000)

ratio() { python3 -c "print('%.2f' % ($1 / $2))"; }
cat >"$OUT" <<MD
# Benchmarks

One run of \`bench/run.sh\` (${D} s per measurement), FlowTest next to iperf3 and sockperf on the
same machine, loopback, echo and generator in separate processes. Machines here are shared
and noisy: compare the ratios, not the absolute figures.

- Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GiB, Linux $(uname -r)
- Build: $(swift --version 2>&1 | head -1), release; $(iperf3 --version | head -1); sockperf $(sockperf --version 2>&1 | grep -o 'version [^ ]*' | head -1)
- Date: $(date -u +%Y-%m-%dT%H:%MZ)

| # | measurement | FlowTest | peer | ratio FlowTest/peer | target |
|---|---|---|---|---|---|
| 1 | TCP throughput, one flow, both directions | ${FT_TPUT} Gbit/s | iperf3 --bidir ${IPERF_TPUT} Gbit/s | $(ratio $FT_TPUT $IPERF_TPUT) | ≥ 1.0 |
| 2a | TCP RTT p50 / p99, 64 B, one flow | ${FT_TCP_P50} / ${FT_TCP_P99} µs | sockperf ${SP_TCP_P50} / ${SP_TCP_P99} µs | p50 $(ratio $FT_TCP_P50 $SP_TCP_P50), p99 $(ratio $FT_TCP_P99 $SP_TCP_P99) | p50 ≤ 1.25 |
| 2b | UDP RTT p50 / p99, 64 B, one flow | ${FT_UDP_P50} / ${FT_UDP_P99} µs | sockperf ${SP_UDP_P50} / ${SP_UDP_P99} µs | p50 $(ratio $FT_UDP_P50 $SP_UDP_P50), p99 $(ratio $FT_UDP_P99 $SP_UDP_P99) | p50 ≤ 1.25 |
| 3 | New TCP flows per second, one exchange each, sustained ≤ 0.1 % failed | ${NEW_RATE}/s (steps:${NEW_STEPS}) | — | — | ≥ 30,000 |
| 4 | UDP datagrams echoed per second (50 flows, ping-pong) | ${UDP_RATE}/s | — | — | — |
| 5 | Concurrent TCP flows, one generator + one echo | ${PEAK} held (${CONC_FAILED} failed) | — | — | descriptor limit |
| 5b | Resident memory per flow (growth from ${FLOWS1} to ${FLOWS2} flows) | echo ${ECHO_PER_FLOW} B, generator ${GEN_PER_FLOW} B | — | — | ≤ 2 KiB |
| 6a | Rate error at 1,000 flows/s (per-second min/max) | ${ACC1K_ERR} % (${ACC1K_MIN}/${ACC1K_MAX}) | — | — | ≤ 1 % |
| 6b | Rate error at 10,000 flows/s (per-second min/max) | ${ACC10K_ERR} % (${ACC10K_MIN}/${ACC10K_MAX}) | — | — | ≤ 1 % |

Notes on method:
- 1: FlowTest keeps one 1 MiB message in flight (send, wait for the whole echo), so its flow is
  request/response, while iperf3 streams both directions at once.
- 2: the same single-exchange-in-flight ping-pong on both sides; RTT is measured per exchange
  from user space.
- 3: each flow is a new connection (new 5-tuple): connect, one 64-byte exchange, close after
  5 ms. Echo and generator share the two cores with the kernel's connection handling.
- 5b: growth of each process's RSS between 1.5 s and 8 s into the ramp, over the growth in open
  flows; kernel socket buffers are not in RSS.
MD
cat bench/analysis.md >>"$OUT"
# The disruption accuracy figures come from bench/disruption.py (root, nftables); keep the last ones.
if [ -f bench/disruption.md ]; then { echo; cat bench/disruption.md; } >>"$OUT"; fi
echo "wrote $OUT" >&2
cat "$OUT"
