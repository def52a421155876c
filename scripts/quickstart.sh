#!/usr/bin/env bash
# Builds the agent, starts an echo server, runs a 10-second mixed TCP/UDP generator against it
# with live progress, prints the JSON summary, and stops the echo server.
set -euo pipefail
cd "$(dirname "$0")/.."

swift build -c release --product flowtest-agent
agent=.build/release/flowtest-agent

# The echo server's own summary (printed when it stops) and its log go to files, not the terminal.
$agent echo --tcp-ports 18080 --udp-ports 18080 --metrics-port 19090 >/tmp/flowtest-echo.json 2>/tmp/flowtest-echo.log &
echo_pid=$!
trap 'kill -TERM $echo_pid 2>/dev/null || true' EXIT
until curl -sf http://127.0.0.1:19090/readyz >/dev/null 2>&1; do sleep 0.1; done

$agent generate --target 127.0.0.1 --tcp-ports 18080 --udp-ports 18080 --metrics-port 0 \
  --pattern constant --rate 200 --max-concurrent 100 --message-interval 10ms \
  --time-limit 10s --monitor
