#!/usr/bin/env bash
# kmod4j benchmarks: runs the suite (or some rows) and prints the results table with ratios.
#
#   benchmarks/run.sh [--quick|--full] [--out DIR] [ROW ...]
#
#   --quick  (default) 1 fork, 1×1 s warm-up, 2×1 s measurement; burst 1+3 shots; hot swap 2 s
#            windows; 500 class-loader cycles. The whole suite takes 5-6 minutes on 2 cores.
#   --full   3 forks, 5×2 s warm-up, 5×2 s measurement; burst 2 forks × (2+10) shots; hot swap 10 s
#            windows, 2 callers as well as 1; 500 class-loader cycles. ~45 minutes.
#   ROW      1..8 (the rows of BENCHMARKS.md); default all.
#   JMH_OPTS="-f 2 -wi 3 -w 1s -i 5 -r 1s" overrides the JMH options of rows 1-4 and 6.
#
# Build first:  mvn -q -pl benchmarks -am package -DskipTests   (gives benchmarks/target/benchmarks.jar)
# Results go to DIR (default benchmarks/target/results-MODE): JMH CSV and text output per row,
# the load (uptime) at the start of each row, and table.md, which is also printed.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
jar="$here/target/benchmarks.jar"
mode=quick
out=""
rows=()
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) mode=quick ;;
    --full) mode=full ;;
    --out) shift; out="$1" ;;
    [1-8]) rows+=("$1") ;;
    -h|--help) sed -n '2,/^set /p' "$0" | grep '^#'; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done
[ ${#rows[@]} -eq 0 ] && rows=(1 2 3 4 5 6 7 8)
[ -n "$out" ] || out="$here/target/results-$mode"
if [ ! -f "$jar" ]; then
  echo "no $jar: build it with  mvn -q -pl benchmarks -am package -DskipTests" >&2
  exit 1
fi
mkdir -p "$out"
java=${JAVA:-java}

if [ "$mode" = quick ]; then
  avgt=(-f 1 -wi 1 -w 1s -i 2 -r 1s)
  shot=(-f 1 -wi 1 -i 3)
  swap_secs=2; swap_callers=(1)
else
  avgt=(-f 3 -wi 5 -w 2s -i 5 -r 2s)
  shot=(-f 2 -wi 2 -i 10)
  swap_secs=10; swap_callers=(1 2)
fi
cycles=500
if [ -n "${JMH_OPTS:-}" ]; then read -r -a avgt <<< "$JMH_OPTS"; fi

load() { echo "LOAD|row $1 ($mode): $(uptime | sed 's/^ *//')" >> "$out/load.txt"; }
jmh() { # row name regex [extra args]
  local row="$1" name="$2" regex="$3"; shift 3
  load "$row"
  echo "== row $row: $name" >&2
  "$java" -jar "$jar" "$regex" "$@" -rf csv -rff "$out/row$row-$name.csv" | tee "$out/row$row-$name.log" \
    | grep -E '^(Benchmark|[A-Z][A-Za-z]*Bench)|^\[' >&2 || true
}

rm -f "$out/load.txt"
for r in "${rows[@]}"; do
  case "$r" in
    1) jmh 1 guard 'org.kmod4j.bench.GuardBench' "${avgt[@]}" ;;
    2) jmh 2 refs 'org.kmod4j.bench.RefBench' "${avgt[@]}" ;;
    3) jmh 3 lookups 'org.kmod4j.bench.LookupBench' "${avgt[@]}" ;;
    4) jmh 4 churn 'org.kmod4j.bench.RegistryChurnBench' "${avgt[@]}" ;;
    5) jmh 5 burst 'org.kmod4j.bench.BurstBench' "${shot[@]}"
       jmh 5 manifest 'org.kmod4j.bench.ManifestReadBench' "${avgt[@]}" ;;
    6) jmh 6 cycle 'org.kmod4j.bench.FelixCycleBench' "${avgt[@]}"
       jmh 6 jfr-events 'org.kmod4j.bench.JfrEventBench' "${avgt[@]}" ;;
    7) load 7; echo "== row 7: hot swap" >&2
       : > "$out/row7-hotswap.txt"
       for c in "${swap_callers[@]}"; do
         "$java" -cp "$jar" org.kmod4j.bench.HotSwap "$swap_secs" "$c" 100 | tee -a "$out/row7-hotswap.txt" >&2
       done ;;
    8) load 8; echo "== row 8: class loaders" >&2
       "$java" -cp "$jar" org.kmod4j.bench.ClassLoaderLeak "$cycles" | tee "$out/row8-classloaders.txt" >&2 ;;
  esac
done
"$java" -cp "$jar" org.kmod4j.bench.Report "$out" | tee "$out/table.md"
