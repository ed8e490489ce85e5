#!/usr/bin/env bash
# Benchmark (not a test): the service against direct access to the same SeaweedFS, with the
# same HTTP client (crates/connector/examples/load.rs), in one run. A bare TCP relay
# (crates/connector/examples/relay.rs) between the same client and store is the third peer for
# large objects: it shows what any extra hop costs on this machine, the floor for the service.
#   - GET and PUT of a 256 MiB object, one at a time (throughput);
#   - GET and PUT of 4 KiB objects at 32 concurrent connections (request rate);
#   - the service's peak RSS while streaming 1 GiB up and then down.
# Prints each run, then the medians and their ratios. Usage: [ROUNDS=5] scripts/bench-service.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/test-servers.sh
servers_install
servers_start
service_pid=""
relay_pid=""
cleanup() {
    [ -n "$service_pid" ] && kill "$service_pid" 2>/dev/null && wait "$service_pid" 2>/dev/null || true
    [ -n "$relay_pid" ] && kill "$relay_pid" 2>/dev/null && wait "$relay_pid" 2>/dev/null || true
    servers_stop
}
trap cleanup EXIT

cargo build --release --quiet -p s3-connector --bin s3-connector
cargo build --release --quiet -p connector --example load --example relay
BIN=target/release/s3-connector
LOAD=target/release/examples/load
export AWS_ACCESS_KEY_ID=$S3C_AK AWS_SECRET_ACCESS_KEY=$S3C_SK
STORE=$S3C_TEST_SEAWEEDFS
"$BIN" mb s3://bench --endpoint "$STORE" >/dev/null

start_service() {
    local port; port=$(_free_port 1 40000)
    "$BIN" serve --listen "127.0.0.1:$port" --endpoint "$STORE" >/dev/null 2>"$S3C_STATE/service.log" &
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

figure() { sed -n "s|.*$1=\([0-9.]*\).*|\1|p"; }
run() { # label target base mode size count concurrency field
    local line; line=$("$LOAD" "$2" "$3" "$4" bench "$5" "$6" "$7")
    echo "$1: $line" >&2
    echo "$line" | figure "$8"
}

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
# Rounds of direct, service and relay runs, in turn, and the median of each counts: client,
# store and service share two cores of a virtual machine whose speed drifts, so single runs
# vary by 10-20%, and turns spread the drift over all three. The relay is optional (large
# objects only); with ROUNDS rounds (default 5).
compare() { # name mode size count concurrency field with_relay -> sets D, S and R
    local d=() s=() r=() round
    for round in $(seq 1 "${ROUNDS:-5}"); do
        d+=("$(run "$1 direct " direct "$STORE" "$2" "$3" "$4" "$5" "$6")")
        s+=("$(run "$1 service" service "$SERVICE" "$2" "$3" "$4" "$5" "$6")")
        if [ "${7:-}" = relay ]; then
            r+=("$(run "$1 relay  " direct "$RELAY" "$2" "$3" "$4" "$5" "$6")")
        fi
    done
    D=$(median "${d[@]}"); S=$(median "${s[@]}"); R=$([ "${7:-}" = relay ] && median "${r[@]}" || echo "")
}

start_service
start_relay
large=$((256 << 20))
# Writes first (the reads need the objects), then reads of the same keys.
compare "large PUT" put $large 3 1 MiB/s relay; d_put=$D; s_put=$S; r_put=$R
compare "large GET" get $large 3 1 MiB/s relay; d_get=$D; s_get=$S; r_get=$R
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

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
cat <<REPORT

| measure | direct | through the service | service/direct (goal) | bare TCP relay | relay/direct |
|---|---|---|---|---|---|
| 256 MiB GET, MiB/s | $d_get | $s_get | $(ratio "$s_get" "$d_get") (>= 0.90) | $r_get | $(ratio "$r_get" "$d_get") |
| 256 MiB PUT, MiB/s | $d_put | $s_put | $(ratio "$s_put" "$d_put") (>= 0.85) | $r_put | $(ratio "$r_put" "$d_put") |
| 4 KiB GET x32, req/s | $d_sget | $s_sget | $(ratio "$s_sget" "$d_sget") (>= 0.70) | | |
| 4 KiB PUT x32, req/s | $d_sput | $s_sput | $(ratio "$s_sput" "$d_sput") | | |
| peak RSS streaming 1 GiB up and down | | $((peak_kib / 1024)) MiB | (< 64 MiB) | | |
REPORT
