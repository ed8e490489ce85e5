#!/usr/bin/env bash
# Runs schemathesis (PyPI) against a live service in front of SeaweedFS, driven by the
# definition the service exports, for every operation: no 5xx, and every answer matches the
# documented status codes, content types, headers and schemas.
# Usage: scripts/schemathesis.sh [MAX_EXAMPLES]   (SeaweedFS: started here unless
# S3C_TEST_SEAWEEDFS is set)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/test-servers.sh
[ -x "$S3C_TOOLS/bin/python" ] || python3 -m venv "$S3C_TOOLS"
"$S3C_TOOLS/bin/pip" install -q --disable-pip-version-check schemathesis==4.32.5 openapi-spec-validator==0.9.0
started_servers=""
if [ -z "${S3C_TEST_SEAWEEDFS:-}" ]; then
    servers_install
    servers_start >/dev/null
    started_servers=1
fi
cargo build --quiet --locked -p s3-connector --bin s3-connector
work=$(mktemp -d)
port=$(_free_port 1 41000)
target/debug/s3-connector serve --listen "127.0.0.1:$port" --endpoint "$S3C_TEST_SEAWEEDFS" >"$work/out.txt" 2>"$work/service.log" &
pid=$!
cleanup() {
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    rm -rf "$work"
    [ -z "$started_servers" ] || servers_stop
}
trap cleanup EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.05; done
key=$S3C_AK
secret=$S3C_SK
# Buckets for the generated requests to find (the API creates none).
for bucket in 000 aaa bucket-1; do
    curl -s -o /dev/null --aws-sigv4 "aws:amz:us-east-1:s3" --user "$key:$secret" \
        -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' -X PUT "$S3C_TEST_SEAWEEDFS/$bucket"
done
curl -sf "http://127.0.0.1:$port/connector/apiDefinition.swagger.json" >"$work/definition.json"
# The definition against the Swagger 2.0 specification itself (Microsoft's schemas are checked
# by the Rust tests), for a public host and a loopback one.
"$S3C_TOOLS/bin/openapi-spec-validator" --schema 2.0 "$work/definition.json"
target/debug/s3-connector connector export --host s3c.example.com --out "$work/export" >/dev/null
"$S3C_TOOLS/bin/openapi-spec-validator" --schema 2.0 "$work/export/apiDefinition.swagger.json"
"$S3C_TOOLS/bin/st" run "$work/definition.json" --url "http://127.0.0.1:$port" -a "$key:$secret" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance \
    --phases examples,fuzzing --max-examples "${1:-30}" --workers 2 --seed 1
