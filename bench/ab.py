#!/usr/bin/env python3
"""The data plane before and after a change: two flowtest-agent builds, alternated, on loopback.

    bench/ab.py BASE_AGENT NEW_AGENT [--rounds 3] [--seconds 5]

For a change that touches the per-packet path (the echo handlers, the flow handlers), measured the
way the path is used: one UDP flow and one TCP flow back-to-back (64-byte messages, the next one as
soon as the echo is back: round trips per second and p50), and TCP flows at a fixed new-flow rate
(CPU microseconds per flow, generator and echo, from their rusage). Each build runs its own echo
and generator; the builds alternate round by round, so a machine that slows down during the run
slows both. Prints medians and the ratio new/base; a ratio is the figure to quote, these machines
being shared and noisy.
"""
import argparse, json, os, socket, statistics, subprocess, sys, time


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port, deadline=10.0):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise SystemExit(f"ab: no echo on port {port} after {deadline} s")


def cpu_seconds(pid):
    """Waits for `pid` and returns its user+system CPU seconds."""
    _, _, usage = os.wait4(pid, 0)
    return usage.ru_utime + usage.ru_stime


def run(agent, generator_flags):
    """One echo and one generator of `agent`; returns (generator summary, generator CPU s, echo CPU s)."""
    port = free_port()
    echo = subprocess.Popen(
        [agent, "echo", "--tcp-ports", str(port), "--udp-ports", str(port), "--metrics-port", "0", "--log-level", "error"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for_port(port)
    generator = subprocess.Popen(
        [agent, "generate", "--target", "127.0.0.1", "--tcp-ports", str(port), "--udp-ports", str(port), "--metrics-port", "0",
         "--log-level", "error", "--seed", "7"] + generator_flags, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    output = generator.stdout.read()
    generator_cpu = cpu_seconds(generator.pid)
    echo.terminate()
    echo_cpu = cpu_seconds(echo.pid)
    return json.loads(output), generator_cpu, echo_cpu


def one_flow(agent, transport, seconds):
    summary, _, _ = run(agent, [
        "--protocol", transport, "--pattern", "random", "--rate", "1000", "--flow-count", "1", "--min-duration", f"{seconds}s",
        "--max-duration", f"{seconds}s", "--message-interval", "0", "--payload-size", "64"])
    figures = summary[transport]
    return figures["counters"]["messagesReceived"] / seconds, figures["rttMilliseconds"]["p50"] * 1000


def new_flows(agent, seconds, rate=2000):
    summary, generator_cpu, echo_cpu = run(agent, [
        "--protocol", "tcp", "--pattern", "constant", "--rate", str(rate), "--max-concurrent", str(rate // 100),
        "--time-limit", f"{seconds}s", "--message-interval", "0", "--payload-size", "64"])
    started = summary["tcp"]["counters"]["flowsStarted"]
    return generator_cpu / started * 1e6, echo_cpu / started * 1e6, summary["tcp"]["counters"]["flowsFailed"]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("base")
    parser.add_argument("new")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5)
    arguments = parser.parse_args()
    builds = {"base": arguments.base, "new": arguments.new}
    results = {name: {} for name in builds}
    for round_number in range(arguments.rounds):
        # Alternate which build goes first, so neither always runs on the warmer machine.
        order = list(builds) if round_number % 2 == 0 else list(reversed(builds))
        for name in order:
            for transport in ("udp", "tcp"):
                rate, p50 = one_flow(builds[name], transport, arguments.seconds)
                results[name].setdefault(f"{transport} one flow, round trips/s", []).append(rate)
                results[name].setdefault(f"{transport} one flow, p50 µs", []).append(p50)
            generator_us, echo_us, failed = new_flows(builds[name], arguments.seconds)
            results[name].setdefault("tcp new flows, generator CPU µs/flow", []).append(generator_us)
            results[name].setdefault("tcp new flows, echo CPU µs/flow", []).append(echo_us)
            results[name].setdefault("tcp new flows, failed", []).append(failed)
            print(f"round {round_number + 1} {name}: " + ", ".join(f"{key} {values[-1]:.1f}" for key, values in results[name].items()), file=sys.stderr)
    print(f"| measurement (median of {arguments.rounds}) | base | new | new / base |")
    print("|---|---|---|---|")
    for key in results["base"]:
        base, new = statistics.median(results["base"][key]), statistics.median(results["new"][key])
        ratio = f"{new / base:.3f}" if base else "-"
        print(f"| {key} | {base:,.1f} | {new:,.1f} | {ratio} |")


if __name__ == "__main__":
    main()
