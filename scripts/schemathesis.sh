#!/usr/bin/env bash
# Runs schemathesis (PyPI) against a live service in front of the embedded store, driven by the
# definition the service exports, for every operation. Not yet part of scripts/test.sh: see the
# open Power Platform issue for the cases it still reports.
# Usage: scripts/schemathesis.sh [MAX_EXAMPLES]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/test-servers.sh
[ -x "$S3C_TOOLS/bin/python" ] || python3 -m venv "$S3C_TOOLS"
"$S3C_TOOLS/bin/pip" install -q --disable-pip-version-check schemathesis
cargo build --quiet -p s3-connector --bin s3-connector
work=$(mktemp -d)
port=$(_free_port 1 41000)
target/debug/s3-connector serve --listen "127.0.0.1:$port" --data-dir "$work/data" >"$work/out.txt" 2>"$work/service.log" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.05; done
key=$(sed -n 's/.*access key id: *//p' "$work/out.txt")
secret=$(sed -n 's/.*secret access key: *//p' "$work/out.txt")
curl -sf "http://127.0.0.1:$port/connector/apiDefinition.swagger.json" >"$work/definition.json"
"$S3C_TOOLS/bin/st" run "$work/definition.json" --url "http://127.0.0.1:$port" -a "$key:$secret" \
    --checks all --max-examples "${1:-30}" --workers 2
