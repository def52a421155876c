#!/usr/bin/env python3
"""What the flow log costs: the new-flow workload of bench/newflows.py with and without it.

    bench/flowlog.py AGENT [--rate 10000] [--duration 10] [--rounds 3] [--out bench/flowlog.md]

One run is bench/newflows.py's FlowTest step: `flowtest-agent echo` on 8 ports, and
`flowtest-agent generate --pattern constant --rate R --max-concurrent R/200 --message-interval 1s
--payload-size 64` over them for the duration (each flow: connect, one 64-byte exchange, close).
Runs alternate without (A) and with (B) `--flow-log FILE` on both agents (JSON Lines to a file
in a temporary directory), A B A B ..., each on fresh ports once the previous run's TIME_WAIT
sockets have drained, so neither side inherits the other's source-port state.

The figure is the achieved rate: flows completed per second of the run (and flows started per
second, as the generator reports it), median over the rounds; the ratio is B/A. With the log,
the records each agent wrote and dropped come from its summary, and the records in each file are
counted: the generator must have written one per flow started, none dropped.
"""
import argparse, json, os, signal, statistics, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from newflows import Ports, drain_time_wait  # noqa: E402


def run(agent, ports, rate, duration, log_dir):
    block = ports.take()
    left = drain_time_wait()
    # The machine is shared: its load when the run starts says how comparable two runs are.
    load = os.getloadavg()[0]
    joined = ",".join(map(str, block))
    echo_log = gen_log = None
    echo_flags, gen_flags = [], []
    if log_dir:
        echo_log, gen_log = os.path.join(log_dir, "echo.jsonl"), os.path.join(log_dir, "generator.jsonl")
        echo_flags, gen_flags = ["--flow-log", echo_log], ["--flow-log", gen_log]
    echo = subprocess.Popen([agent, "echo", "--tcp-ports", joined, "--udp-ports", str(block[-1] + 1), "--metrics-port", "0",
                             "--log-level", "error", *echo_flags], stdout=subprocess.PIPE, text=True)
    time.sleep(0.5)
    out = subprocess.run([agent, "generate", "--target", "127.0.0.1", "--tcp-ports", joined, "--metrics-port", "0",
                          "--log-level", "error", "--protocol", "tcp", "--pattern", "constant", "--rate", str(rate),
                          "--max-concurrent", str(max(1, rate // 200)), "--message-interval", "1s", "--payload-size", "64",
                          "--time-limit", f"{duration}s", *gen_flags], capture_output=True, text=True).stdout
    echo.send_signal(signal.SIGTERM)
    echo_out, _ = echo.communicate()
    report = json.loads(out)
    echo_report = json.loads(echo_out.strip().splitlines()[-1])
    counters = report["tcp"]["counters"]
    result = {
        "flowLog": bool(log_dir),
        "requested": rate,
        "started": counters["flowsStarted"],
        "startedPerSecond": round(report["startRate"]["achieved"]),
        "completedPerSecond": round(counters["flowsCompleted"] / report["elapsedSeconds"]),
        "failed": counters["flowsFailed"],
        "timeWaitAtStart": left,
        "loadAtStart": round(load, 2),
    }
    if log_dir:
        result["generatorLog"] = report.get("flowLog")
        result["echoLog"] = echo_report.get("flowLog")
        with open(gen_log) as file:
            result["generatorRecordsInFile"] = sum(1 for _ in file)
        with open(echo_log) as file:
            result["echoRecordsInFile"] = sum(1 for _ in file)
        os.remove(gen_log)
        os.remove(echo_log)
    label = "with flow log   " if log_dir else "without flow log"
    extra = (f", records written {result['generatorLog']['written']}/{result['echoLog']['written']} (generator/echo), "
             f"dropped {result['generatorLog']['dropped']}/{result['echoLog']['dropped']}") if log_dir else ""
    print(f"flowlog: {label}: {result['completedPerSecond']}/s completed, {result['startedPerSecond']}/s started, "
          f"{result['failed']} failed{extra}", file=sys.stderr)
    return result


def markdown(rate, duration, runs, rounds):
    without = [r for r in runs if not r["flowLog"]]
    with_log = [r for r in runs if r["flowLog"]]
    med = lambda rs, key: statistics.median(r[key] for r in rs)
    ratio_completed = med(with_log, "completedPerSecond") / med(without, "completedPerSecond")
    ratio_started = med(with_log, "startedPerSecond") / med(without, "startedPerSecond")
    dropped = sum(r["generatorLog"]["dropped"] + r["echoLog"]["dropped"] for r in with_log)
    complete = all(r["generatorLog"]["written"] == r["started"] == r["generatorRecordsInFile"] for r in with_log)
    lines = [
        "# Flow log overhead",
        "",
        f"`bench/flowlog.py`: the new-flow workload of bench/newflows.py (TCP, connect + one 64-byte exchange + close, "
        f"8 ports, loopback) requested at {rate:,} new flows/s for {duration} s, {rounds} rounds alternating without and "
        f"with `--flow-log FILE` (JSON Lines) on both the generator and the echo. {os.cpu_count()} cores, shared with other work.",
        "",
        "| run | flow log | load at start | started/s | completed/s | failed | records written (generator / echo) | dropped |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for index, r in enumerate(runs, 1):
        records = f"{r['generatorLog']['written']:,} / {r['echoLog']['written']:,}" if r["flowLog"] else ""
        dropped_text = f"{r['generatorLog']['dropped'] + r['echoLog']['dropped']:,}" if r["flowLog"] else ""
        lines.append(f"| {index} | {'on' if r['flowLog'] else 'off'} | {r['loadAtStart']} | {r['startedPerSecond']:,} | {r['completedPerSecond']:,} | "
                     f"{r['failed']:,} | {records} | {dropped_text} |")
    lines += [
        "",
        f"- Median achieved rate (completed/s): **{med(without, 'completedPerSecond'):,.0f} without, "
        f"{med(with_log, 'completedPerSecond'):,.0f} with the flow log: ratio {ratio_completed:.3f}** "
        f"({(1 - ratio_completed) * 100:.1f} % lower{' — within' if ratio_completed >= 0.9 else ' — over'} the 10 % target). "
        f"Started/s ratio {ratio_started:.3f}.",
        f"- {rate:,}/s requested is above what this machine sustains; the achieved rate is the machine's, with and without.",
        f"- Spread without the log: {min(r['completedPerSecond'] for r in without):,}–{max(r['completedPerSecond'] for r in without):,}/s; "
        f"with: {min(r['completedPerSecond'] for r in with_log):,}–{max(r['completedPerSecond'] for r in with_log):,}/s. "
        "Where the spread of one side is wider than the difference, the machine's other load, not the log, sets it (load column).",
        f"- Records dropped over all runs: {dropped:,}. Every generator record in its file, one per flow started: "
        f"{'yes' if complete else 'NO'}.",
        "",
        "Raw figures: `bench/flowlog.py --json`.",
    ]
    return "\n".join(lines) + "\n", {"ratioCompleted": ratio_completed, "ratioStarted": ratio_started, "dropped": dropped}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("agent")
    parser.add_argument("--rate", type=int, default=10_000)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "flowlog.md"))
    parser.add_argument("--json", help="also write every run's figures to this file")
    args = parser.parse_args()
    ports = Ports(base=26000)
    runs = []
    with tempfile.TemporaryDirectory() as log_dir:
        for _ in range(args.rounds):
            runs.append(run(args.agent, ports, args.rate, args.duration, None))
            runs.append(run(args.agent, ports, args.rate, args.duration, log_dir))
    text, summary = markdown(args.rate, args.duration, runs, args.rounds)
    with open(args.out, "w") as file:
        file.write(text)
    if args.json:
        with open(args.json, "w") as file:
            json.dump({"runs": runs, **summary}, file)
    print(text)


if __name__ == "__main__":
    main()
