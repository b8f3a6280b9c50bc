#!/usr/bin/env bash
# compare-flap.sh: does `wrtcbench compare` flap, and does it still see a
# real regression? (docs/compare.md, "The experiment")
#
#   bench/compare-flap.sh [-o DIR] [-r OLD_REV] [-n NICE] [-w SECONDS] [-c]
#
# 1. Ten identical runs of bench/scenarios/compare_flap.yaml (5 s at 200/s)
#    against `wrtcbench serve` with a bimodal latency: 2 ms, plus 38 ms for
#    10% of requests (each run its own server and fault seed). Runs 2, 4, ...
#    10 have two busy loops beside them, a noisy CI neighbour.
# 2. One quiet run against the same server with 5 ms more on 20% of requests
#    (latency.tails), the regression.
# 3. compare on all 45 pairs of the ten (run i as baseline, run j > i as
#    current): every REGRESSION is a false one. Then the regression against
#    each of the ten: every "no regression" is a miss.
# With -r, the same comparisons with `compare` built from git revision
# OLD_REV, in the same run. With -c, no runs: the comparisons again, on the
# runs an earlier call left in DIR. The summary also counts the pairs of
# undisturbed runs alone (compare notes a run whose generator lagged).
#
# On a shared machine other work must not be the noise: each run waits (at
# most -w seconds, default 120) until the CPUs have been less than a quarter
# busy for two seconds, and -n sets the niceness of every process of the
# experiment, busy loops included (default -10 as root, else 0). Each run's
# line says how busy the machine was before it and how many requests its
# generator sent late. Only 127.0.0.1; each run is cut off after 60 s; two
# to twenty-five minutes in all, depending on the machine's other work.
set -euo pipefail

out=""
old_rev=""
nice_n=$([ "$(id -u)" = 0 ] && echo -10 || echo 0)
max_wait=120
compare_only=""
while getopts "o:r:n:w:ch" opt; do
	case $opt in
	o) out=$OPTARG ;;
	r) old_rev=$OPTARG ;;
	n) nice_n=$OPTARG ;;
	w) max_wait=$OPTARG ;;
	c) compare_only=1 ;;
	*) sed -n '2,26p' "$0"; exit 2 ;;
	esac
done

root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/wrtcbench-flap.XXXXXX)
out=${out:-$work}
mkdir -p "$out"
say() { printf '%s\n' "$*" >&2; }
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$work/wrtcbench" "$work/wrtcbench-old" "$work/old" "$work/compare.out"
	[ "$out" = "$work" ] || rm -rf "$work"
}
trap cleanup EXIT

say "building wrtcbench${old_rev:+ and the one of $old_rev}"
(cd "$root" && go build -o "$work/wrtcbench" ./cmd/wrtcbench)
bin=$work/wrtcbench
old=""
if [ -n "$old_rev" ]; then
	mkdir -p "$work/old"
	(cd "$root" && git archive "$old_rev" | tar -x -C "$work/old")
	(cd "$work/old" && go build -o "$work/wrtcbench-old" ./cmd/wrtcbench)
	old=$work/wrtcbench-old
fi

cat >"$out/regression.yaml" <<YAML
latency:
  fixed: 2ms
  tail: {fraction: 0.1, latency: 38ms}
  tails: [{fraction: 0.2, latency: 5ms}]
YAML

# busy prints the share of CPU time (all CPUs, percent) spent working over
# the next second.
busy() {
	local a b
	a=$(head -1 /proc/stat)
	sleep 1
	b=$(head -1 /proc/stat)
	awk -v a="$a" -v b="$b" 'BEGIN {
		split(a, x); split(b, y); t = 0; w = 0
		for (i = 2; i <= 9; i++) { d = y[i] - x[i]; t += d; if (i != 5 && i != 6) w += d }
		printf "%d", t ? 100 * w / t : 0 }'
}

# wait_quiet waits until the machine has been less than 25% busy for two
# seconds in a row, or max_wait seconds, and prints the last share.
wait_quiet() {
	local quiet=0 b=100
	for _ in $(seq "$max_wait"); do
		b=$(busy)
		if [ "$b" -lt 25 ]; then
			quiet=$((quiet + 1))
			[ $quiet -ge 2 ] && break
		else
			quiet=0
		fi
	done
	echo "$b"
}

# run NAME SEED NOISY SERVE_ARGS...: one run against its own server.
run() {
	local name=$1 seed=$2 noisy=$3
	shift 3
	# nice execs the command, so $! is the server itself (a function run
	# in the background would be a subshell, and killing it would leave
	# the server running).
	: >"$out/$name.serve"
	nice -n "$nice_n" "$bin" serve --addr 127.0.0.1:0 --seed "$seed" "$@" >"$out/$name.serve" 2>&1 &
	local server=$!
	pids+=("$server")
	local url=""
	for _ in $(seq 100); do
		url=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$out/$name.serve")
		[ -n "$url" ] && break
		sleep 0.05
	done
	[ -n "$url" ] || { say "$name: the server did not start"; cat "$out/$name.serve" >&2; exit 1; }
	local before
	before=$(wait_quiet)
	local loops=()
	if [ "$noisy" = noisy ]; then
		for _ in 1 2; do
			nice -n "$nice_n" sh -c 'while :; do :; done' &
			loops+=("$!")
			pids+=("$!")
		done
	fi
	local rc=0
	WRTC_TARGET=$url timeout 60 nice -n "$nice_n" "$bin" run "$root/bench/scenarios/compare_flap.yaml" \
		--out "$out/$name" --force --no-progress --quiet || rc=$?
	for p in "${loops[@]}" "$server"; do kill "$p" 2>/dev/null || true; done
	wait "${loops[@]}" "$server" 2>/dev/null || true
	local late
	late=$(sed -n 's/^ *"late": \([0-9]*\).*/\1/p' "$out/$name/report.json" 2>/dev/null | head -1)
	printf '%-10s %-6s  exit %d  machine %2d%% busy before  %s requests sent late\n' "$name" "$noisy" "$rc" "$before" "${late:-?}"
}

if [ -z "$compare_only" ]; then
	echo "runs (niceness $nice_n):"
	for i in $(seq 10); do
		noisy=quiet
		[ $((i % 2)) = 0 ] && noisy=noisy
		run "base$i" "$i" "$noisy" --latency fixed:2ms --tail 0.1:38ms
	done
	run regressed 11 quiet --faults "$out/regression.yaml"
fi

# verdict BIN BASE CURRENT: the exit code of compare and its first line.
verdict() {
	local rc=0
	timeout 60 "$1" compare "$2" "$3" >"$work/compare.out" 2>&1 || rc=$?
	printf '%d\t%s\n' "$rc" "$(head -1 "$work/compare.out")"
}

# A run is disturbed when compare notes it (its generator fell behind, sent
# requests late, or lagged by more than a tenth of latency p99): something
# other than the experiment had the CPU.
disturbed=" "
for r in $(seq 10 | sed 's/^/base/') regressed; do
	case $("$bin" compare "$out/$r" "$out/$r") in
	*"was disturbed"* | *"fell behind"*) disturbed="$disturbed$r " ;;
	esac
done
clean() { case "$disturbed" in *" $1 "*) return 1 ;; esac; }

for tool in new old; do
	b=$bin
	if [ $tool = old ]; then
		[ -n "$old" ] || continue
		b=$old
	fi
	false_reg=0 pairs=0 usage=0 invalid=0 clean_pairs=0 clean_false=0
	: >"$out/pairs-$tool.tsv"
	for i in $(seq 10); do
		for j in $(seq $((i + 1)) 10); do
			v=$(verdict "$b" "$out/base$i" "$out/base$j")
			printf 'base%d\tbase%d\t%s\n' "$i" "$j" "$v" >>"$out/pairs-$tool.tsv"
			pairs=$((pairs + 1))
			both_clean=0
			clean "base$i" && clean "base$j" && both_clean=1 && clean_pairs=$((clean_pairs + 1))
			case ${v%%$'\t'*} in
			1) false_reg=$((false_reg + 1)) clean_false=$((clean_false + both_clean)) ;;
			0) ;;
			4) invalid=$((invalid + 1)) ;;
			*) usage=$((usage + 1)) ;;
			esac
		done
	done
	found=0 clean_bases=0 clean_found=0
	: >"$out/detect-$tool.tsv"
	for i in $(seq 10); do
		v=$(verdict "$b" "$out/base$i" "$out/regressed")
		printf 'base%d\tregressed\t%s\n' "$i" "$v" >>"$out/detect-$tool.tsv"
		hit=0
		[ "${v%%$'\t'*}" = 1 ] && hit=1 && found=$((found + 1))
		clean "base$i" && clean_bases=$((clean_bases + 1)) && clean_found=$((clean_found + hit))
	done
	echo
	other=""
	[ "$invalid" = 0 ] || other=" ($invalid pairs not valid, exit 4)"
	[ "$usage" = 0 ] || other="$other ($usage pairs exited neither 0, 1 nor 4)"
	echo "$tool compare: $false_reg false regressions of $pairs pairs$other; the regression flagged against $found of 10 baselines"
	echo "  of which between undisturbed runs: $clean_false false of $clean_pairs pairs; flagged against $clean_found of $clean_bases undisturbed baselines"
	grep -P '^\S+\t\S+\t1\t' "$out/pairs-$tool.tsv" | sed 's/^/  false: /' || true
	grep -P '^\S+\t\S+\t4\t' "$out/pairs-$tool.tsv" | sed 's/^/  not valid: /' || true
	sed 's/^/  /' "$out/detect-$tool.tsv"
done
echo
echo "disturbed runs:${disturbed% }"
echo "results in $out"
