#!/usr/bin/env python3
"""Resident memory per idle open TCP flow, from two plateaus: N/2 and N flows held open.

    bench/plateaus.py AGENT [--flows 18500] [--out FILE.json]

Each plateau is its own echo and generator pair, over 8 ports: the generator opens its flows at 2,500/s, each
living 60 s and sending one 64-byte message every 10 s, and the figures are read once the open
count has reached its target and both processes' RSS has stopped moving (two readings 1 s apart
within 0.5 %), bounded by 60 s. Per flow, on each side: (RSS at N - RSS at N/2) / (N/2), so fixed
costs (histograms, thread stacks, the binary) cancel out. Both plateaus are reported, so a
reader can check the figure; kernel socket buffers are not in RSS.
"""
import argparse, json, re, signal, socket, subprocess, sys, time, urllib.request


def rss(pid):
    with open(f"/proc/{pid}/status") as status:
        return int(re.search(r"VmRSS:\s+(\d+) kB", status.read()).group(1)) * 1024


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def open_flows(metrics_port):
    text = urllib.request.urlopen(f"http://127.0.0.1:{metrics_port}/metrics", timeout=5).read().decode()
    return int(sum(float(v) for v in re.findall(r'^flowtest_active_flows\{[^}]*\} ([0-9.e+]+)', text, re.M)))


def plateau(agent, flows, base):
    metrics = free_port()
    # Spread over 8 ports: towards one, connect() spends seconds searching for a free source port
    # once thousands are taken (bench/analysis.md), and flows time out while the loop waits.
    ports = ",".join(str(base + i) for i in range(8))
    echo = subprocess.Popen([agent, "echo", "--tcp-ports", ports, "--udp-ports", str(base), "--metrics-port", "0",
                             "--log-level", "error"], stdout=subprocess.DEVNULL)
    time.sleep(0.5)
    generator = subprocess.Popen([agent, "generate", "--target", "127.0.0.1", "--tcp-ports", ports, "--protocol", "tcp",
                                  "--metrics-port", str(metrics), "--log-level", "error", "--pattern", "random",
                                  "--rate", "2500", "--max-concurrent", str(flows), "--flow-count", str(flows),
                                  "--min-duration", "60s", "--max-duration", "60s", "--message-interval", "10s",
                                  "--response-timeout", "10s"], stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        previous = None
        while time.monotonic() < deadline:
            time.sleep(1)
            try:
                count = open_flows(metrics)
            except OSError:
                continue
            reading = (count, rss(echo.pid), rss(generator.pid))
            if count >= 0.995 * flows and previous and previous[0] == count and all(
                    abs(a - b) <= 0.005 * b for a, b in zip(reading[1:], previous[1:])):
                return {"flows": count, "echoRSS": reading[1], "generatorRSS": reading[2]}
            previous = reading
        raise SystemExit(f"plateaus: {flows} flows were not held steady within 60 s (last reading: {previous})")
    finally:
        for process in (generator, echo):
            process.send_signal(signal.SIGKILL)
            process.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("agent")
    # 18,500 of the 19,744 sockets a 20,000 descriptor budget allows (less the reserve).
    parser.add_argument("--flows", type=int, default=18_500)
    parser.add_argument("--out")
    args = parser.parse_args()
    half = plateau(args.agent, args.flows // 2, 24100)
    full = plateau(args.agent, args.flows, 24110)
    added = full["flows"] - half["flows"]
    result = {
        "half": half, "full": full,
        "echoBytesPerFlow": round((full["echoRSS"] - half["echoRSS"]) / added),
        "generatorBytesPerFlow": round((full["generatorRSS"] - half["generatorRSS"]) / added),
    }
    print(f"plateaus: echo {result['echoBytesPerFlow']} B, generator {result['generatorBytesPerFlow']} B per open flow "
          f"({half['flows']} → {full['flows']} flows)", file=sys.stderr)
    text = json.dumps(result)
    if args.out:
        with open(args.out, "w") as file:
            file.write(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
