#!/usr/bin/env bash
# The echo alone, against the kernel's limit (issue 26): the same minimal C clients drive three
# echo servers in turn, in one run, alternating: the minimal C echoes (bench/udpecho.c and
# bench/newflows.c's server), FlowTest's echo on its data plane (epoll loops, the default),
# FlowTest's echo on NIO (FLOWTEST_ECHO_NIO=1, the previous data plane) and in latency mode
# (--dedicated-threads: a blocked thread per socket). Writes bench/echo.md.
#   bench/echo.sh                # 5 s per measurement, two rounds
#   DURATION=2 ROUNDS=1 bench/echo.sh
set -euo pipefail
cd "$(dirname "$0")/.."
D=${DURATION:-5}
ROUNDS=${ROUNDS:-2}
OUT=${OUT:-bench/echo.md}
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
swift build -c release --product flowtest-agent >&2
AGENT=.build/release/flowtest-agent
cc -O2 -pthread -o "$WORK/udpecho" bench/udpecho.c
cc -O2 -pthread -o "$WORK/newflows" bench/newflows.c
PORT=18100
PORTS8() { seq -s ' ' $1 $(($1 + 7)); }
CSV8() { seq -s ',' $1 $(($1 + 7)); }

wait_udp() {  # port -> once a datagram to it is echoed, at most 10 s
  python3 - $1 <<'PY' || { echo "bench: no UDP echo on port $1 after 10 s" >&2; exit 1; }
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(0.1)
end = time.monotonic() + 10
while time.monotonic() < end:
    try:
        s.sendto(b"x", ("127.0.0.1", int(sys.argv[1]))); s.recvfrom(10); sys.exit(0)
    except OSError:
        pass
sys.exit(1)
PY
}
wait_tcp() {  # port -> once something accepts on it, at most 10 s
  python3 - $1 <<'PY' || { echo "bench: nothing accepts on port $1 after 10 s" >&2; exit 1; }
import socket, sys, time
end = time.monotonic() + 10
while time.monotonic() < end:
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2).close(); sys.exit(0)
    except OSError:
        time.sleep(0.05)
sys.exit(1)
PY
}
server() {  # kind port -> starts the echo of that kind on port (UDP) and port..port+7 (TCP); sets PID
  case $1 in
    c) "$WORK/udpecho" server $2 & PID=$!; "$WORK/newflows" server $(PORTS8 $(($2 + 1))) >/dev/null 2>&1 & PID="$PID $!" ;;
    epoll) $AGENT echo --udp-ports $2 --tcp-ports $(CSV8 $(($2 + 1))) --metrics-port 0 --log-level error >/dev/null 2>&1 & PID=$! ;;
    nio) FLOWTEST_ECHO_NIO=1 $AGENT echo --udp-ports $2 --tcp-ports $(CSV8 $(($2 + 1))) --metrics-port 0 --log-level error >/dev/null 2>&1 & PID=$! ;;
    threads) $AGENT echo --dedicated-threads --udp-ports $2 --tcp-ports $(CSV8 $(($2 + 1))) --metrics-port 0 --log-level error >/dev/null 2>&1 & PID=$! ;;
  esac
  wait_udp $2
  wait_tcp $(($2 + 1))
}
field() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }

declare -A RESULT
for round in $(seq 1 $ROUNDS); do
  for kind in c epoll nio threads; do
    server $kind $PORT
    # The UDP round trip: one socket, 64 bytes, blocking ping-pong.
    read p50 p99 < <("$WORK/udpecho" rtt 127.0.0.1 $PORT $D | python3 -c "import json,sys; r=json.load(sys.stdin); print(r['p50'], r['p99'])")
    RESULT[$kind,rtt50]="${RESULT[$kind,rtt50]:-} $p50"
    RESULT[$kind,rtt99]="${RESULT[$kind,rtt99]:-} $p99"
    # Datagrams echoed per second: 50 and 1,000 flows ping-pong.
    for flows in 50 1000; do
      rate=$("$WORK/udpecho" client 127.0.0.1 $PORT $flows $D | field perSecond)
      RESULT[$kind,udp$flows]="${RESULT[$kind,udp$flows]:-} $rate"
    done
    # New TCP flows per second: connect, 64 bytes echoed, close, over 8 ports, a client thread per core.
    rate=$("$WORK/newflows" client 127.0.0.1 $(nproc) $D $(PORTS8 $(($PORT + 1))) | field perSecond)
    RESULT[$kind,tcpnew]="${RESULT[$kind,tcpnew]:-} $rate"
    kill $PID 2>/dev/null || true
    wait 2>/dev/null || true
    PORT=$((PORT + 20))
  done
done

# Resident memory per idle open TCP flow at the echo (bench/plateaus.py: the generator holds
# 9,250 then 18,500 flows open), the data plane and NIO; the generator's figure is NIO's either way.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
MEM_PLANE=$(python3 bench/plateaus.py $AGENT 2>/dev/null | field echoBytesPerFlow)
MEM_NIO=$(FLOWTEST_ECHO_NIO=1 python3 bench/plateaus.py $AGENT 2>/dev/null | field echoBytesPerFlow)

best() { echo $1 | tr ' ' '\n' | sort -n | tail -1; }
least() { echo $1 | tr ' ' '\n' | grep . | sort -n | head -1; }
ratio() { python3 -c "print(f'{$1 / $2:.2f}')"; }
row() {  # label key [unit pick]: a rate (best of the rounds) or, with "µs least", a latency (least)
  local unit=${3:-/s} pick=${4:-best}
  local c=$($pick "${RESULT[c,$2]}") e=$($pick "${RESULT[epoll,$2]}") n=$($pick "${RESULT[nio,$2]}") t=$($pick "${RESULT[threads,$2]}")
  echo "| $1 | $e $unit | $n $unit | $t $unit | $c $unit | $(ratio $e $c) | $(ratio $n $c) | $(ratio $t $c) |"
}
{
  echo "## The echo alone against the kernel's limit (bench/echo.sh)"
  echo
  echo "$(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the end, ${D} s per measurement,"
  echo "best of $ROUNDS alternating rounds. The same minimal C clients (bench/udpecho.c, bench/newflows.c) drive each echo"
  echo "server in turn: the minimal C echoes, FlowTest's echo on its data plane (the default), on NIO"
  echo "(FLOWTEST_ECHO_NIO=1, the previous data plane) and in latency mode (--dedicated-threads). Client and server"
  echo "share the two cores, as they do for every row. Rates are the best round's, round trips the least."
  echo
  echo "| measurement | FlowTest echo, data plane | FlowTest echo, NIO | FlowTest echo, latency mode | C echo | data plane / C | NIO / C | latency mode / C |"
  echo "|---|---|---|---|---|---|---|---|"
  row "UDP datagrams echoed, 50 flows ping-pong" udp50
  row "UDP datagrams echoed, 1,000 flows ping-pong" udp1000
  row "new TCP flows (connect, 64 B echoed, close), 8 ports" tcpnew
  row "UDP round trip p50, 64 B, one flow" rtt50 µs least
  row "UDP round trip p99, 64 B, one flow" rtt99 µs least
  echo "| resident memory per idle open TCP flow at the echo (bench/plateaus.py) | $MEM_PLANE B | $MEM_NIO B | — | — | target ≤ 1,024 B: $( [ "$MEM_PLANE" -le 1024 ] && echo met || echo 'not met') | | |"
  echo
  echo "Every round: $(for k in c epoll nio threads; do echo -n "$k: udp50${RESULT[$k,udp50]}, udp1000${RESULT[$k,udp1000]}, tcpnew${RESULT[$k,tcpnew]}, rtt p50${RESULT[$k,rtt50]} p99${RESULT[$k,rtt99]}; "; done)"
} >"$OUT"
cat "$OUT"
