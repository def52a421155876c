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

# 3. New TCP flows per second: connect, exchange back-to-back for 5 ms, close; 10,000/s requested.
echo_start
generate --protocol tcp --pattern constant --rate 10000 --max-concurrent 50 --message-interval 0 --payload-size 64 --time-limit ${D}s
read NEW_RATE NEW_FAILED < <(field "'%d %d' % (r['tcp']['counters']['flowsCompleted']/r['elapsedSeconds'], r['tcp']['counters']['flowsFailed'])")
echo_stop

# 4. UDP datagrams per second echoed: 50 flows, each ping-pong back-to-back.
echo_start
generate --protocol udp --pattern random --rate 1000 --flow-count 50 --min-duration ${D}s --max-duration ${D}s --message-interval 0 --payload-size 64
UDP_RATE=$(field "int(r['udp']['counters']['messagesReceived']/r['elapsedSeconds'])")
echo_stop

# 5. Concurrent long-lived TCP flows, and resident memory per flow in each process.
# 18,500 of the 19,744 sockets the descriptor budget allows (20,000 less the reserve).
FLOWS=18500
echo_start
ECHO_RSS0=$(awk '/VmRSS/{print $2}' /proc/$ECHO_PID/status)
$AGENT generate --target 127.0.0.1 --tcp-ports $PORT --protocol tcp --metrics-port 0 --log-level error --pattern constant \
  --rate 2500 --max-concurrent $FLOWS --message-interval 10s --response-timeout 10s --time-limit 9s >"$WORK/gen.json" &
GEN_PID=$!
sleep 8.2
ECHO_RSS=$(awk '/VmRSS/{print $2}' /proc/$ECHO_PID/status)
GEN_RSS=$(awk '/VmRSS/{print $2}' /proc/$GEN_PID/status)
wait $GEN_PID
read PEAK CONC_FAILED < <(field "'%d %d' % (r['peakActiveFlows'], r['tcp']['counters']['flowsFailed'])")
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
| 3 | New TCP flows per second (10,000/s requested) | ${NEW_RATE} completed/s, ${NEW_FAILED} failed | — | — | ≥ 30,000 |
| 4 | UDP datagrams echoed per second (50 flows, ping-pong) | ${UDP_RATE}/s | — | — | — |
| 5 | Concurrent TCP flows, one generator + one echo | ${PEAK} held (${CONC_FAILED} failed) | — | — | descriptor limit |
| 5b | Resident memory per flow | echo $(( (ECHO_RSS - ECHO_RSS0) * 1024 / FLOWS )) B, generator $(( GEN_RSS * 1024 / FLOWS )) B | — | — | ≤ 2 KiB |
| 6a | Rate error at 1,000 flows/s (per-second min/max) | ${ACC1K_ERR} % (${ACC1K_MIN}/${ACC1K_MAX}) | — | — | ≤ 1 % |
| 6b | Rate error at 10,000 flows/s (per-second min/max) | ${ACC10K_ERR} % (${ACC10K_MIN}/${ACC10K_MAX}) | — | — | ≤ 1 % |

Notes on method:
- 1: FlowTest keeps one 1 MiB message in flight (send, wait for the whole echo), so its flow is
  request/response, while iperf3 streams both directions at once.
- 2: the same single-exchange-in-flight ping-pong on both sides; RTT is measured per exchange
  from user space.
- 3: each flow is a new connection (new 5-tuple) that exchanges back-to-back for its 5 ms life.
  Loopback from one source address runs out of ephemeral ports in TIME_WAIT near 28k/60 s.
- 5b: generator figure is its whole RSS divided by the flows; echo figure is its growth.
MD
echo "wrote $OUT" >&2
cat "$OUT"
