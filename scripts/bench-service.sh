#!/usr/bin/env bash
# Benchmark (not a test): the service against direct access to the same SeaweedFS, with the
# same HTTP client (crates/connector/examples/load.rs), in one run. A bare TCP relay
# (crates/connector/examples/relay.rs) between the same client and store is the third peer for
# large objects: it shows what any extra hop costs on this machine.
#   - GET and PUT of a 256 MiB object, one at a time (throughput), twice:
#       over an emulated network link to the store (LINK, default 5gbit: a traffic-shaped
#       port in a private network namespace), as in any real deployment, where the store is
#       on other machines: this is where the goals apply;
#       and over bare loopback, where client, store and service share the machine's cores and
#       the store alone nearly fills two: there any extra process, even the bare relay, costs
#       its CPU share, so these rows come with the CPU seconds the service and the relay spend
#       per GiB moved, the figure to compare with the relay's;
#   - GET and PUT of 4 KiB objects at 32 concurrent connections (request rate, bare loopback);
#   - the service's peak RSS while streaming 1 GiB up and then down.
# Prints each run, then the medians and their ratios.
#
# Usage: [ROUNDS=5] [LINK=5gbit|none] [SERVICE_ARGS="--worker-threads 1"] scripts/bench-service.sh
# (SERVICE_ARGS: more flags for `s3-connector serve`)
# The link needs root and tc (iproute2) for `ip netns`; LINK=none, or neither, runs on bare
# loopback alone. Inside the namespace every server binds its own private 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/test-servers.sh
LINK=${LINK:-5gbit}

if [ -z "${S3C_BENCH_NETNS:-}" ]; then
    servers_install
    cargo build --release --quiet -p s3-connector --bin s3-connector
    cargo build --release --quiet -p connector --example load --example relay
    if [ "$LINK" != none ]; then
        if [ "$(id -u)" = 0 ] && command -v tc >/dev/null && command -v ip >/dev/null; then
            namespace=s3c-bench-$$
            ip netns add "$namespace"
            trap 'ip netns del "$namespace"' EXIT
            ip netns exec "$namespace" ip link set lo up
            S3C_BENCH_NETNS=$namespace ip netns exec "$namespace" "$PWD/scripts/bench-service.sh" "$@"
            exit
        fi
        echo "no emulated link (it needs root, ip and tc): bare loopback only" >&2
        LINK=none
    fi
fi

servers_start
service_pid=""
relay_pid=""
cleanup() {
    [ -n "$service_pid" ] && kill "$service_pid" 2>/dev/null && wait "$service_pid" 2>/dev/null || true
    [ -n "$relay_pid" ] && kill "$relay_pid" 2>/dev/null && wait "$relay_pid" 2>/dev/null || true
    servers_stop
}
trap cleanup EXIT

BIN=target/release/s3-connector
LOAD=target/release/examples/load
export AWS_ACCESS_KEY_ID=$S3C_AK AWS_SECRET_ACCESS_KEY=$S3C_SK
STORE=$S3C_TEST_SEAWEEDFS
STORE_PORT=${STORE##*:}
"$BIN" mb s3://bench --endpoint "$STORE" >/dev/null

# The emulated link: the store's S3 port (not SeaweedFS' internal ports, nor the hop between
# client and service) gets LINK each way, as a network card would.
link_on() {
    tc qdisc replace dev lo root handle 1: htb r2q 1000
    tc class add dev lo parent 1: classid 1:1 htb rate "$LINK" ceil "$LINK" burst 256k cburst 256k quantum 65536
    tc class add dev lo parent 1: classid 1:2 htb rate "$LINK" ceil "$LINK" burst 256k cburst 256k quantum 65536
    tc filter add dev lo parent 1: protocol ip prio 1 u32 match ip sport "$STORE_PORT" 0xffff flowid 1:1
    tc filter add dev lo parent 1: protocol ip prio 1 u32 match ip dport "$STORE_PORT" 0xffff flowid 1:2
}
link_off() { tc qdisc del dev lo root 2>/dev/null || true; }

start_service() {
    local port; port=$(_free_port 1 40000)
    # shellcheck disable=SC2086 # SERVICE_ARGS is a list of flags
    "$BIN" serve --listen "127.0.0.1:$port" --endpoint "$STORE" ${SERVICE_ARGS:-} >/dev/null 2>"$S3C_STATE/service.log" &
    service_pid=$!
    for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.05; done
    SERVICE="http://127.0.0.1:$port"
}
stop_service() { kill "$service_pid"; wait "$service_pid" 2>/dev/null || true; service_pid=""; }
start_relay() {
    local port; port=$(_free_port 1 41000)
    target/release/examples/relay "127.0.0.1:$port" "${STORE#http://}" &
    relay_pid=$!
    for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.05; done
    RELAY="http://127.0.0.1:$port"
}

TICKS_PER_SECOND=$(getconf CLK_TCK)
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
figure() { sed -n "s|.*$1=\([0-9.]*\).*|\1|p"; }
# Prints the run's figure and, when a middle process is named, the CPU seconds it spent per
# GiB moved: "figure cpu".
run() { # label target base mode size count concurrency field [middle_pid]
    local line before=0 after=0
    [ -n "${9:-}" ] && before=$(cpu_ticks "$9")
    line=$("$LOAD" "$2" "$3" "$4" bench "$5" "$6" "$7")
    [ -n "${9:-}" ] && after=$(cpu_ticks "$9")
    echo "$1: $line" >&2
    echo "$(echo "$line" | figure "$8") $(awk -v t=$((after - before)) -v hz="$TICKS_PER_SECOND" \
        -v bytes="$(($5 * $6))" 'BEGIN { printf "%.3f", t / hz / (bytes / 1073741824) }')"
}

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
# Rounds of direct, service and relay runs, in turn, and the median of each counts: client,
# store and service share two cores of a virtual machine whose speed drifts, so single runs
# vary by 10-20%, and turns spread the drift over all three. The relay is optional (large
# objects only); with ROUNDS rounds (default 5).
compare() { # name mode size count concurrency field with_relay -> sets D, S, R, S_CPU, R_CPU
    local d=() s=() r=() s_cpu=() r_cpu=() round result
    for round in $(seq 1 "${ROUNDS:-5}"); do
        result=$(run "$1 direct " direct "$STORE" "$2" "$3" "$4" "$5" "$6")
        d+=("${result% *}")
        result=$(run "$1 service" service "$SERVICE" "$2" "$3" "$4" "$5" "$6" "$service_pid")
        s+=("${result% *}"); s_cpu+=("${result#* }")
        if [ "${7:-}" = relay ]; then
            result=$(run "$1 relay  " direct "$RELAY" "$2" "$3" "$4" "$5" "$6" "$relay_pid")
            r+=("${result% *}"); r_cpu+=("${result#* }")
        fi
    done
    D=$(median "${d[@]}"); S=$(median "${s[@]}"); S_CPU=$(median "${s_cpu[@]}")
    R=""; R_CPU=""
    if [ "${7:-}" = relay ]; then R=$(median "${r[@]}"); R_CPU=$(median "${r_cpu[@]}"); fi
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
rows=()
large_rows() { # where goal_get goal_put
    rows+=("| 256 MiB GET $1, MiB/s | $d_get | $s_get | $(ratio "$s_get" "$d_get")$2 | $r_get | $(ratio "$r_get" "$d_get") |")
    rows+=("| 256 MiB PUT $1, MiB/s | $d_put | $s_put | $(ratio "$s_put" "$d_put")$3 | $r_put | $(ratio "$r_put" "$d_put") |")
}

start_service
start_relay
large=$((256 << 20))
# Writes first (the reads need the objects), then reads of the same keys.
if [ "$LINK" != none ]; then
    link_on
    compare "large PUT, $LINK link" put $large 3 1 MiB/s relay; d_put=$D; s_put=$S; r_put=$R
    compare "large GET, $LINK link" get $large 3 1 MiB/s relay; d_get=$D; s_get=$S; r_get=$R
    link_off
    large_rows "over a $LINK link" " (>= 0.90)" " (>= 0.85)"
fi
compare "large PUT, loopback" put $large 3 1 MiB/s relay; d_put=$D; s_put=$S; r_put=$R
put_cpu="service $S_CPU s, relay $R_CPU s"
compare "large GET, loopback" get $large 3 1 MiB/s relay; d_get=$D; s_get=$S; r_get=$R
get_cpu="service $S_CPU s, relay $R_CPU s"
if [ "$LINK" = none ]; then
    large_rows "on loopback" " (>= 0.90)" " (>= 0.85)"
else
    large_rows "on loopback" "" ""
fi
kill "$relay_pid"; wait "$relay_pid" 2>/dev/null || true; relay_pid=""
compare "small PUT" put 4096 2000 32 requests/s; d_sput=$D; s_sput=$S
compare "small GET" get 4096 2000 32 requests/s; d_sget=$D; s_sget=$S
stop_service

# Peak memory of a fresh service while 1 GiB goes up and comes back down.
start_service
run "1 GiB PUT service " service "$SERVICE" put $((1 << 30)) 1 1 MiB/s >/dev/null
run "1 GiB GET service " service "$SERVICE" get $((1 << 30)) 1 1 MiB/s >/dev/null
peak_kib=$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$service_pid/status")
stop_service

cat <<REPORT

| measure | direct | through the service | service/direct (goal) | bare TCP relay | relay/direct |
|---|---|---|---|---|---|
$(printf '%s\n' "${rows[@]}")
| 4 KiB GET x32, req/s | $d_sget | $s_sget | $(ratio "$s_sget" "$d_sget") (>= 0.70) | | |
| 4 KiB PUT x32, req/s | $d_sput | $s_sput | $(ratio "$s_sput" "$d_sput") | | |
| peak RSS streaming 1 GiB up and down | | $((peak_kib / 1024)) MiB | (< 64 MiB) | | |

CPU seconds per GiB moved on loopback (the middle process alone): GET $get_cpu; PUT $put_cpu.
REPORT
