//! `s3-connector sign` against the AWS suite, and its handling of bad input.

use crate::run;
use serde_json::Value;
use std::path::PathBuf;

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

fn suite_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../sigv4/tests/data/aws-c-auth/aws-signing-test-suite/v4")
}

fn json(output: &std::process::Output) -> Value {
    assert!(output.status.success(), "stderr: {}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn signs_every_suite_case_like_the_suite() {
    let mut checked = 0;
    for entry in std::fs::read_dir(suite_dir()).unwrap() {
        let dir = entry.unwrap().path();
        let context: Value =
            serde_json::from_slice(&std::fs::read(dir.join("context.json")).unwrap()).unwrap();
        if context["omit_session_token"] == true {
            // The CLI always signs the token, as S3 requires.
            continue;
        }
        let request = dir.join("request.txt");
        let mut args = vec![
            "sign".to_owned(),
            request.to_string_lossy().into_owned(),
            "--json".to_owned(),
            "--service".to_owned(),
            "service".to_owned(),
            "--time".to_owned(),
            context["timestamp"].as_str().unwrap().to_owned(),
        ];
        if context["normalize"] == true {
            args.push("--normalize".to_owned());
        }
        let mut env = vec![
            ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"),
            ("AWS_SECRET_ACCESS_KEY", SECRET),
            ("AWS_REGION", "us-east-1"),
        ];
        let token = context["credentials"]["token"].as_str().map(str::to_owned);
        if let Some(token) = &token {
            env.push(("AWS_SESSION_TOKEN", token));
        }
        let read = |file: &str| std::fs::read_to_string(dir.join(file)).unwrap();

        let mut header_args = args.clone();
        if context["sign_body"] == true {
            header_args.push("--content-sha256".to_owned());
        }
        let header_args: Vec<&str> = header_args.iter().map(String::as_str).collect();
        let header = json(&run(&header_args, b"", &env));
        assert_eq!(header["canonical_request"], read("header-canonical-request.txt"), "{dir:?}");
        assert_eq!(header["string_to_sign"], read("header-string-to-sign.txt"), "{dir:?}");
        assert_eq!(header["signature"], read("header-signature.txt"), "{dir:?}");
        assert_eq!(header["signed_request"], read("header-signed-request.txt"), "{dir:?}");
        assert!(header["url"].is_null());

        let expires = context["expiration_in_seconds"].to_string();
        let mut query_args: Vec<&str> = args.iter().map(String::as_str).collect();
        query_args.extend(["--presign", "--expires", &expires]);
        let query = json(&run(&query_args, b"", &env));
        assert_eq!(query["canonical_request"], read("query-canonical-request.txt"), "{dir:?}");
        assert_eq!(query["signature"], read("query-signature.txt"), "{dir:?}");
        assert_eq!(query["signed_request"], read("query-signed-request.txt"), "{dir:?}");
        assert!(query["url"].as_str().unwrap().starts_with("https://example.amazonaws.com/"));
        assert!(query["authorization"].is_null());
        checked += 1;
    }
    assert_eq!(checked, 37);
}

#[test]
fn reads_standard_input_and_flags_override_the_environment() {
    let request = b"PUT /bucket/my%20key HTTP/1.1\nHost: 127.0.0.1:9000\nContent-Type: text/plain\n\nhello";
    let env = [("AWS_ACCESS_KEY_ID", "FROM_ENV"), ("AWS_SECRET_ACCESS_KEY", SECRET)];
    let output = run(
        &["sign", "-", "--access-key", "FROM_FLAG", "--time", "20240101T000000Z", "--json"],
        request,
        &env,
    );
    let value = json(&output);
    let authorization = value["authorization"].as_str().unwrap();
    assert!(
        authorization.starts_with("AWS4-HMAC-SHA256 Credential=FROM_FLAG/20240101/us-east-1/s3/aws4_request")
    );
    assert!(value["canonical_request"].as_str().unwrap().ends_with(&sigv4::sha256_hex(b"hello")));

    let presigned = json(&run(
        &["sign", "-", "--presign", "--unsigned-payload", "--json", "--region", "eu-west-1"],
        request,
        &env,
    ));
    let url = presigned["url"].as_str().unwrap();
    assert!(
        url.starts_with("http://127.0.0.1:9000/bucket/my%20key?X-Amz-Algorithm=AWS4-HMAC-SHA256"),
        "{url}"
    );
    assert!(url.contains("eu-west-1"));
    assert!(presigned["canonical_request"].as_str().unwrap().ends_with("UNSIGNED-PAYLOAD"));
}

#[test]
fn text_output_shows_every_step_and_never_the_secret() {
    let request = b"GET /b/k HTTP/1.1\nHost: s3.amazonaws.com\n\n";
    let env = [("AWS_ACCESS_KEY_ID", "AKID"), ("AWS_SECRET_ACCESS_KEY", SECRET)];
    let output = run(&["sign", "-"], request, &env);
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    for heading in
        ["Canonical request:", "String to sign:", "Signature:", "Authorization:", "Signed request:"]
    {
        assert!(text.contains(heading), "{heading} missing from\n{text}");
    }
    assert!(!text.contains(SECRET));
}

#[test]
fn bad_input_gets_one_line_and_exit_code_2() {
    let env = [("AWS_ACCESS_KEY_ID", "AKID"), ("AWS_SECRET_ACCESS_KEY", SECRET)];
    let good = b"GET / HTTP/1.1\nHost: example.com\n\n".as_slice();
    type Case<'a> = (&'a [&'a str], &'a [u8], &'a [(&'a str, &'a str)]);
    let cases: &[Case<'_>] = &[
        (&["sign", "-"], b"", &env),
        (&["sign", "-"], b"\n\n", &env),
        (&["sign", "-"], b"GET\n", &env),
        (&["sign", "-"], b"GET /\n", &env),
        (&["sign", "-"], b"GET / HTTP/1.1\nHost example.com\n", &env),
        (&["sign", "-"], b"GET / HTTP/1.1\n folded\n", &env),
        (&["sign", "-"], b"GET / HTTP/1.1\nX-A: 1\n", &env),
        (&["sign", "-"], b"GET / HTTP/1.1\nHost: \xff\n", &env),
        (&["sign", "-", "--time", "yesterday"], good, &env),
        (&["sign", "-", "--time", "20151330T000000Z"], good, &env),
        (&["sign", "-", "--presign", "--expires", "0"], good, &env),
        (&["sign", "-", "--presign", "--expires", "604801"], good, &env),
        (&["sign", "-", "--expires", "soon"], good, &env),
        (&["sign", "-", "--no-such-option"], good, &env),
        (&["sign", "/no/such/file.txt"], good, &env),
        (&["sign", "-"], good, &[("AWS_ACCESS_KEY_ID", "AKID")]),
        (&["sign", "-"], good, &[]),
        (&["sign"], good, &env),
        (&["frobnicate"], good, &env),
    ];
    for (args, stdin, env) in cases {
        let output = run(args, stdin, env);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?} {stdin:?}: {stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "{args:?}: not one line: {stderr}");
        assert!(stderr.starts_with("s3-connector: error: "), "{stderr}");
        assert!(!stderr.contains(SECRET));
        assert!(output.stdout.is_empty());
    }
}

#[test]
fn connector_export_writes_the_three_files() {
    let dir = std::env::temp_dir().join(format!("s3c-export-{}", std::process::id()));
    let output = run(
        &["connector", "export", "--host", "s3c.example.com:8443", "--out", dir.to_str().unwrap()],
        b"",
        &[],
    );
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let definition: Value =
        serde_json::from_slice(&std::fs::read(dir.join("apiDefinition.swagger.json")).unwrap()).unwrap();
    assert_eq!(definition["host"], "s3c.example.com:8443");
    assert_eq!(definition["schemes"], serde_json::json!(["https"]));
    let properties: Value =
        serde_json::from_slice(&std::fs::read(dir.join("apiProperties.json")).unwrap()).unwrap();
    assert_eq!(
        properties["properties"]["connectionParameters"]["username"]["uiDefinition"]["displayName"],
        "Access key ID"
    );
    assert!(std::fs::read_to_string(dir.join("README.md")).unwrap().contains("pac connector create"));
    std::fs::remove_dir_all(&dir).unwrap();
    let bad = run(&["connector", "export", "--host", "https://s3c.example.com/"], b"", &[]);
    assert_eq!(bad.status.code(), Some(2));
}
