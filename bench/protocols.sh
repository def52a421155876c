#!/usr/bin/env bash
# The cost of speaking the protocols (issue 27): each built-in pattern's flows, once speaking its
# protocol and once as a custom pattern with the same ports, sizes and exchanges (FlowTest's own
# sized framing, what every pattern sent before), alternating, at a fixed rate for a fixed time.
# Each measurement is one `flowtest-agent run --any-ports` (echo and generator in one process, on
# loopback; the echo binds ports the kernel picks, and the spec's ports still choose each flow's
# protocol, as the tests' remapped ports do). CPU is read per thread from /proc/PID/task:
# the echo's data-plane loops (threads `flowtest-echo-N`) are the echo, every other thread (the
# generator's NIO loops, the main thread, telemetry) the generator. Writes bench/protocols.md.
#   bench/protocols.sh                  # 10 s per measurement, 200 new flows/s (about 4 min)
#   DURATION=4 RATE=50 bench/protocols.sh
#   BUILD_PATH=.build-proto bench/protocols.sh   # a release build apart from the tree's .build
set -euo pipefail
cd "$(dirname "$0")/.."
D=${DURATION:-10}
RATE=${RATE:-200}
ROUNDS=${ROUNDS:-1}
OUT=${OUT:-bench/protocols.md}
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
BUILD_PATH=${BUILD_PATH:-.build}
swift build -c release --build-path "$BUILD_PATH" --product flowtest-agent >&2
AGENT=$BUILD_PATH/release/flowtest-agent

# label | transport | port | request | response | exchanges ("" = until the lifetime ends) | built-in pattern
ROWS=(
  "web 80 (HTTP/1.1)|tcp|80|200 800|2000 65536|1 10|web"
  "web 443 (TLS records)|tcp|443|200 800|2000 65536|1 10|web"
  "dns 53 (UDP)|udp|53|32 100|64 512|1 1|dns"
  "database 5432 (PostgreSQL)|tcp|5432|64 512|64 8192|1 50|database"
  "database 3306 (MySQL)|tcp|3306|64 512|64 8192|1 50|database"
  "database 27017 (MongoDB)|tcp|27017|64 512|64 8192|1 50|database"
  "database 6379 (Redis)|tcp|6379|64 512|64 8192|1 50|database"
  "ssh 22|tcp|22|32 256|32 256||ssh"
  "smtp 25|tcp|25|32 1400|32 256|5 20|smtp"
  "ftp 21 (control)|tcp|21|32 128|32 256|2 10|ftp"
)

spec() {  # name pattern transport port request response exchanges -> a FlowTest of that one pattern
  local name=$1 pattern=$2 transport=$3 port=$4 request=($5) response=($6) exchanges=($7)
  local messages=""
  [ ${#exchanges[@]} -eq 2 ] && messages=", messages: {min: ${exchanges[0]}, max: ${exchanges[1]}}"
  cat <<YAML
apiVersion: flowtest.dev/v1alpha1
kind: FlowTest
metadata: {name: $name}
spec:
  duration: ${D}s
  flows:
    protocol: $transport
    pattern: constant
    rate: $RATE
    maxConcurrent: $RATE
    messageInterval: 10ms
    seed: 20261206
    mix:
      - {pattern: $pattern, weight: 1, protocol: $transport, ports: [$port], requestSize: {min: ${request[0]}, max: ${request[1]}}, responseSize: {min: ${response[0]}, max: ${response[1]}}$messages}
  ports:
    $transport: [$port]
YAML
}

# Runs one FlowTest and prints "completed failed generator-CPU echo-CPU" (CPU in seconds).
measure() {  # file pattern-name
  python3 - "$AGENT" "$1" "$2" <<'PY'
import json, os, subprocess, sys, time
agent, path, pattern = sys.argv[1:]
out = open(path + ".out", "w")
p = subprocess.Popen([agent, "run", "--any-ports", "--quiet", "--output", "json", "--metrics-port", "0", "--log-level", "error", path],
                     stdout=out, stderr=open(path + ".err", "w"))
cpu = {}  # tid -> (comm, ticks): the last seen, so threads that ended still count
task = f"/proc/{p.pid}/task"
while p.poll() is None:
    try:
        for tid in os.listdir(task):
            try:
                stat = open(f"{task}/{tid}/stat").read()
            except OSError:
                continue
            comm = stat[stat.index("(") + 1:stat.rindex(")")]
            fields = stat[stat.rindex(")") + 2:].split()
            cpu[tid] = (comm, int(fields[11]) + int(fields[12]))  # utime + stime
    except OSError:
        pass
    time.sleep(0.1)
out.close()
hz = os.sysconf("SC_CLK_TCK")
echo = sum(t for c, t in cpu.values() if c.startswith("flowtest-echo")) / hz
generator = sum(t for c, t in cpu.values() if not c.startswith("flowtest-echo")) / hz
text = open(path + ".out").read()
try:
    status = json.loads(text[text.index("{"):])
except ValueError:
    sys.exit(f"bench: no JSON status from {path}: {text[-1000:]} {open(path + '.err').read()[-1000:]}")
def find(node):  # the summary's figures of the pattern (the first "patterns" that has it)
    if isinstance(node, list):
        node = dict(enumerate(node))
    if isinstance(node, dict):
        if pattern in (node.get("patterns") or {}):
            return node["patterns"][pattern]
        for value in node.values():
            found = find(value)
            if found is not None:
                return found
    return None
figures = find(status)
if figures is None:
    sys.exit(f"bench: no figures of pattern {pattern} in the status of {path}")
print(figures.get("flowsCompleted", 0), figures.get("flowsFailed", 0), f"{generator:.2f}", f"{echo:.2f}")
PY
}

declare -A RESULT
for round in $(seq 1 $ROUNDS); do
  for i in "${!ROWS[@]}"; do
    IFS='|' read -r label transport port request response exchanges pattern <<<"${ROWS[$i]}"
    for kind in protocol sized; do
      if [ $kind = protocol ]; then name=$pattern; sport=$port
      # The custom pattern on another spec port: the echo greets on 3306, 25 and 21 (MySQL, SMTP,
      # FTP speak first), which a sized client would not expect. With --any-ports the bound
      # ports are the kernel's either way.
      else name=sized; sport=$((port + 10000)); fi
      spec "bench-$i-$kind" $name $transport $sport "$request" "$response" "$exchanges" >"$WORK/$i-$kind.yaml"
      RESULT[$i,$kind]="${RESULT[$i,$kind]:-}$(measure "$WORK/$i-$kind.yaml" $name);"
    done
  done
done

{
  echo "## The protocols' cost: each pattern speaking its protocol against FlowTest's sized framing (bench/protocols.sh)"
  echo
  echo "$(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the end. Each row: one"
  echo "\`flowtest-agent run --any-ports\` of that pattern alone for ${D} s at $RATE new flows/s (constant, $RATE open at most,"
  echo "10 ms between exchanges), once speaking the protocol and once as a custom pattern with the same sizes and"
  echo "exchanges (FlowTest's sized framing: what the pattern sent before issue 27), alternating, $ROUNDS round(s), the"
  echo "figures summed over the rounds. CPU is utime+stime per thread from /proc: the echo is its data-plane loops"
  echo "(\`flowtest-echo-N\`), the generator every other thread of the process (its NIO loops, main, telemetry),"
  echo "in seconds per 1,000 completed flows; /proc counts in 10 ms ticks, so an echo figure under 0.05 s/1k flows"
  echo "(DNS's, FTP's) is a few ticks and its ratio coarse. The sized runs name spec ports 10,000 above the"
  echo "protocol's (the echo greets on 3306, 25 and 21, which a sized client would not expect); with --any-ports"
  echo "both bind ports the kernel picks. Generator and echo share the two cores. Ratios are protocol / sized."
  echo
  echo "| pattern, port | flows/s protocol | flows/s sized | ratio | generator CPU s/1k flows protocol | sized | ratio | echo CPU s/1k flows protocol | sized | ratio | failed (protocol / sized) |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
  for i in "${!ROWS[@]}"; do
    IFS='|' read -r label _ <<<"${ROWS[$i]}"
    python3 - "$label" "$D" "${RESULT[$i,protocol]}" "${RESULT[$i,sized]}" <<'PY'
import sys
label, d, a, b = sys.argv[1], float(sys.argv[2]), sys.argv[3], sys.argv[4]
def total(text):
    runs = [list(map(float, r.split())) for r in text.split(";") if r.strip()]
    return [sum(r[k] for r in runs) for k in range(4)], len(runs)
(pc, pf, pg, pe), n = total(a)
(sc, sf, sg, se), _ = total(b)
rate = lambda c: c / (d * n)
per = lambda cpu, c: cpu / c * 1000 if c else float("nan")
ratio = lambda x, y: f"{x / y:.2f}" if y else "—"
print(f"| {label} | {rate(pc):.1f} | {rate(sc):.1f} | {ratio(rate(pc), rate(sc))} | {per(pg, pc):.3f} | {per(sg, sc):.3f} | {ratio(per(pg, pc), per(sg, sc))} "
      f"| {per(pe, pc):.3f} | {per(se, sc):.3f} | {ratio(per(pe, pc), per(se, sc))} | {int(pf)} / {int(sf)} |")
PY
  done
  echo
  echo "Every measurement (flows completed, failed, generator CPU s, echo CPU s): $(for i in "${!ROWS[@]}"; do echo -n "$i protocol ${RESULT[$i,protocol]} sized ${RESULT[$i,sized]} "; done)"
} >"$OUT"
cat "$OUT"
