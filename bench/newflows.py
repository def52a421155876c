#!/usr/bin/env python3
"""New TCP flows per second: FlowTest against the kernel's own limit, in the same run.

    bench/newflows.py AGENT [--duration 10] [--out FILE.json] [--dedicated-threads]

The anchor is bench/newflows.c (compiled here with the system's cc): an epoll echo with one thread
per core, and blocking clients (2, 4 and 8 threads) doing connect, one 64-byte exchange, close,
round-robin over 8 ports. Its best flows/s is the kernel's limit on these cores.

FlowTest is then asked for rising rates, as fractions of the highest anchor measured so far, with
1,200 flows open at every step (issue 26 asks for at least 1,000: the constant pattern keeps
--max-concurrent open, each living 1,200/rate). A step holds when the generator started at least
99 % of the requested flows, the starts per whole second never fell below 95 % of the rate, at
most 0.1 % of the flows failed and at least 1,000 were open at the peak. The per-second rule is
what tells a generator that keeps up from one that falls behind and catches up: a flow started
late still ends on schedule, so a late generator has fewer flows open (578 of 1,200 at 42,100/s)
while its average start rate looks whole. The anchor is held to no such rule (its figure is an
average); its slowest whole seconds are in the output next to FlowTest's, to show what that costs
(at 38,800/s, a step that started 38,773/s on average and failed none was refused for one second
of 33,307). After the first step that does not hold, one more step halfway between
the last held and the failed rate narrows the figure.

These machines change speed from one minute to the next (a third of the anchor's rate came and went
within one run), so every step is measured between two anchor runs (8 client threads, half the
step's length), and the ratio is the highest held rate over the higher of the anchors just before
and just after it: a disturbed minute only ever slows the C program (one anchor run of a 2026-12-06
run measured 17,600/s between two of 35,500 and 33,100), so the higher of the two is the nearer to
the kernel's limit at the time. A step that does not hold is measured once more: on these shared
machines one disturbed second ended the ladder below what the same build held in the runs before
and after (2026-12-06: 31,600/s missed by one slow second, 31,563 of 31,600 started), so the ladder
ends at a rate that failed twice. Every attempt is in the output. Every anchor run and every step
gets 8 destination ports of its own, so none inherits another's source-port state; the TIME_WAIT
sockets left over are counted at the start of each (the kernel reuses them on loopback,
tcp_tw_reuse=2, and beyond tcp_max_tw_buckets closes without them, for both programs alike).
"""
import argparse, json, os, re, signal, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
# Flows open at once at every step (issue 26: at least 1,000).
OPEN_FLOWS = 1200


def time_wait_sockets():
    text = subprocess.run(["ss", "-s"], capture_output=True, text=True).stdout
    match = re.search(r"timewait (\d+)", text)
    return int(match.group(1)) if match else 0


class Ports:
    """Fresh blocks of 8 ports, one per step, below the ephemeral range."""
    def __init__(self, base=23000):
        self.next = base

    def take(self, count=8):
        block = list(range(self.next, self.next + count))
        self.next += count + 2
        return block


def compile_anchor(workdir):
    binary = os.path.join(workdir, "newflows")
    subprocess.run(["cc", "-O2", "-pthread", "-o", binary, os.path.join(HERE, "newflows.c")], check=True)
    return binary


def anchor(binary, ports, duration, thread_counts=(2, 4, 8)):
    runs = []
    for threads in thread_counts:
        block = ports.take()
        left = time_wait_sockets()
        server = subprocess.Popen([binary, "server", *map(str, block)])
        time.sleep(0.3)
        out = subprocess.run([binary, "client", "127.0.0.1", str(threads), str(duration), *map(str, block)],
                             capture_output=True, text=True, check=True).stdout
        server.kill(); server.wait()
        result = json.loads(out)
        result.update(threads=threads, timeWaitAtStart=left)
        runs.append(result)
        print(f"newflows: C anchor, {threads} client threads: {result['perSecond']:.0f}/s, {result['failed']} failed, "
              f"slowest second {result['minPerSecond']}", file=sys.stderr)
    return runs


def flowtest_step(agent, ports, rate, duration, flags=()):
    """One step at `rate`; `flags` go to both agents (latency mode: --dedicated-threads)."""
    block = ports.take()
    left = time_wait_sockets()
    joined = ",".join(map(str, block))
    echo = subprocess.Popen([agent, "echo", "--tcp-ports", joined, "--udp-ports", str(block[-1] + 1), "--metrics-port", "0",
                             "--log-level", "error", *flags], stdout=subprocess.DEVNULL)
    time.sleep(0.5)
    # Each flow lives OPEN_FLOWS/rate: connect, one 64-byte exchange at once (the next would be due
    # after 1 s), close; OPEN_FLOWS are open throughout.
    concurrent = OPEN_FLOWS
    out = subprocess.run([agent, "generate", "--target", "127.0.0.1", "--tcp-ports", joined, "--metrics-port", "0",
                          "--log-level", "error", "--protocol", "tcp", "--pattern", "constant", "--rate", str(rate),
                          "--max-concurrent", str(concurrent), "--message-interval", "1s", "--payload-size", "64",
                          "--time-limit", f"{duration}s", *flags], capture_output=True, text=True).stdout
    echo.send_signal(signal.SIGTERM); echo.wait()
    report = json.loads(out)
    counters = report["tcp"]["counters"]
    started = counters["flowsStarted"]
    start_rate = report["startRate"]
    step = {
        "requested": rate,
        "started": started,
        "completedPerSecond": round(counters["flowsCompleted"] / report["elapsedSeconds"]),
        "failed": counters["flowsFailed"],
        "failures": counters.get("failures", {}),
        "minStartsPerSecond": start_rate.get("minPerSecond", 0),
        "peakOpen": report.get("peakActiveFlows", 0),
        "timeWaitAtStart": left,
    }
    step["held"] = (started >= 0.99 * rate * duration and step["minStartsPerSecond"] >= 0.95 * rate
                    and step["failed"] * 1000 <= started and step["peakOpen"] >= 1000)
    print(f"newflows: FlowTest at {rate}/s: {step['completedPerSecond']}/s completed, {step['failed']} failed "
          f"{step['failures'] or ''}, slowest second {step['minStartsPerSecond']} starts, {step['peakOpen']} open at the peak: "
          f"{'held' if step['held'] else 'not held'}",
          file=sys.stderr)
    return step


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("agent")
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--out")
    parser.add_argument("--dedicated-threads", action="store_true", help="both agents in latency mode")
    args = parser.parse_args()
    flags = ["--dedicated-threads"] if args.dedicated_threads else []
    ports = Ports()
    with tempfile.TemporaryDirectory() as workdir:
        binary = compile_anchor(workdir)
        runs = anchor(binary, ports, args.duration)
        best = max(run["perSecond"] for run in runs)
        steps, held, failed_at = [], None, None
        # The anchor runs in order: each step sits between the last one and the next.
        around = [anchor(binary, ports, max(1, args.duration // 2), (8,))[0]]
        anchors = [around[0]["perSecond"]]

        def step(rate):
            measured = flowtest_step(args.agent, ports, rate, args.duration, flags)
            around.append(anchor(binary, ports, max(1, args.duration // 2), (8,))[0])
            anchors.append(around[-1]["perSecond"])
            measured["anchorBefore"], measured["anchorAfter"] = round(anchors[-2]), round(anchors[-1])
            measured["anchorSlowestSeconds"] = [around[-2]["minPerSecond"], around[-1]["minPerSecond"]]
            measured["ratio"] = round(rate / max(anchors[-2], anchors[-1]), 2)
            steps.append(measured)
            return measured

        def attempt(rate):
            """The step at `rate`, measured again if it does not hold."""
            measured = step(rate)
            return measured if measured["held"] else step(rate)

        # Rates rise as fractions of the highest anchor seen so far, not only the first: a first
        # anchor measured in a disturbed minute (17,000–23,000/s where the rest of the run measured
        # 35,000–39,000) otherwise capped the ladder below what FlowTest held.
        for tenths in range(3, 14):
            reference = max([best] + anchors)
            rate = max(int(round(reference * tenths / 10, -2)), (held["requested"] + 100) if held else 0)
            measured = attempt(rate)
            if not measured["held"]:
                failed_at = measured["requested"]
                break
            held = measured
        if failed_at and held:
            rate = int(round((held["requested"] + failed_at) / 2, -2))
            if held["requested"] < rate < failed_at:
                measured = attempt(rate)
                if measured["held"]:
                    held = measured
    result = {
        "anchor": runs, "anchorBest": best, "steps": steps,
        "sustained": held["requested"] if held else 0,
        "anchorAroundSustained": max(held["anchorBefore"], held["anchorAfter"]) if held else best,
        "ratio": held["ratio"] if held else 0,
    }
    text = json.dumps(result)
    if args.out:
        with open(args.out, "w") as file:
            file.write(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
