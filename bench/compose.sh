#!/usr/bin/env bash
# Writes docs/benchmarks.md (or $OUT) from what the benchmarks left in bench/: the two newest runs
# of bench/run.sh, the analysis, and the figures that have their own benchmark, each kept from its
# last run. bench/run.sh calls it after a run; call it alone after one of the other benchmarks.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-docs/benchmarks.md}
{
  echo "# Benchmarks"
  echo
  echo "Runs of \`bench/run.sh\`, newest first: FlowTest next to iperf3, sockperf and a minimal C"
  echo "program on the same machine in the same run, loopback, echo and generator in separate"
  echo "processes. Machines here are shared and noisy: compare the ratios, not the absolute figures."
  for run in $(ls bench/runs/*.md | sort -r | head -2); do echo; cat "$run"; done
  echo
  cat bench/analysis.md
} >"$OUT"
# Figures that have their own benchmark: disruption accuracy (bench/disruption.py, root and
# nftables), synthetic records (bench/records.py, with the notes on where a record's time goes),
# flow log cost, the protocols' cost (bench/protocols.sh), the data plane before and after a
# change (bench/ab.py), and the controller at scale (bench/scale.sh, with its notes).
for part in bench/echo.md bench/protocols.md bench/protocols-notes.md bench/dataplane-notes.md bench/records.md bench/records-notes.md bench/flowlog.md bench/disruption.md bench/dataplane-ab.md \
  bench/scale.md bench/scale-notes.md; do
  if [ -f "$part" ]; then { echo; cat "$part"; } >>"$OUT"; fi
done
echo "wrote $OUT" >&2
