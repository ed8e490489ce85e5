//! ls, get, put, rm, presign, mb and rb against a real server (s3s-fs in this process).

use crate::run;
use std::path::Path;
use std::process::Output;
use test_support::{ACCESS_KEY, SECRET_KEY};

fn env(endpoint: &str) -> Vec<(&'static str, String)> {
    vec![
        ("AWS_ACCESS_KEY_ID", ACCESS_KEY.to_owned()),
        ("AWS_SECRET_ACCESS_KEY", SECRET_KEY.to_owned()),
        ("AWS_ENDPOINT_URL", endpoint.to_owned()),
        ("HOME", "/nonexistent".to_owned()),
    ]
}

fn s3c(args: &[&str], stdin: &[u8], env: &[(&'static str, String)]) -> Output {
    let env: Vec<(&str, &str)> = env.iter().map(|(name, value)| (*name, value.as_str())).collect();
    run(args, stdin, &env)
}

#[track_caller]
fn ok(output: &Output) -> String {
    assert!(
        output.status.success(),
        "exit {:?}: {}",
        output.status.code(),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[track_caller]
fn fails_with(output: &Output, code: i32, needle: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(code), "{stderr}");
    assert!(stderr.starts_with("s3-connector: error: "), "{stderr}");
    assert!(stderr.contains(needle), "{needle:?} not in {stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn objects_go_up_and_down() {
    let server = test_support::s3s_fs().await.unwrap();
    let env = env(&server.endpoint);
    let dir = tempfile::tempdir().unwrap();
    let body: Vec<u8> = (0..=255u8).cycle().take(3 << 20).collect();
    let file = dir.path().join("every byte.bin");
    std::fs::write(&file, &body).unwrap();
    let file_arg = file.to_str().unwrap();

    assert!(ok(&s3c(&["mb", "s3://cli-bucket"], b"", &env)).contains("make_bucket: cli-bucket"));
    assert!(ok(&s3c(&["ls"], b"", &env)).contains("cli-bucket"));
    assert!(ok(&s3c(&["put", file_arg, "s3://cli-bucket/docs/"], b"", &env)).contains("3145728 bytes"));
    ok(&s3c(&["put", "-", "s3://cli-bucket/from stdin+1.txt"], b"piped", &env));

    let listing = ok(&s3c(&["ls", "s3://cli-bucket"], b"", &env));
    assert!(listing.contains("PRE  docs/"), "{listing}");
    assert!(listing.contains("from stdin+1.txt"), "{listing}");
    let recursive = ok(&s3c(&["ls", "--recursive", "s3://cli-bucket/docs/"], b"", &env));
    assert!(recursive.contains("3145728  docs/every byte.bin"), "{recursive}");

    let back = dir.path().join("back.bin");
    ok(&s3c(&["get", "s3://cli-bucket/docs/every byte.bin", back.to_str().unwrap()], b"", &env));
    assert_eq!(std::fs::read(&back).unwrap(), body);
    assert_eq!(s3c(&["get", "s3://cli-bucket/from stdin+1.txt", "-"], b"", &env).stdout, b"piped");

    let url = ok(&s3c(&["presign", "s3://cli-bucket/from stdin+1.txt", "--expires", "60"], b"", &env));
    let fetched = std::process::Command::new("curl").args(["-s", "-f", url.trim()]).output().unwrap();
    assert_eq!(fetched.stdout, b"piped");

    ok(&s3c(&["rm", "s3://cli-bucket/from stdin+1.txt", "s3://cli-bucket/docs/every byte.bin"], b"", &env));
    assert!(!ok(&s3c(&["ls", "--recursive", "s3://cli-bucket"], b"", &env)).contains("stdin"));
    ok(&s3c(&["rb", "s3://cli-bucket"], b"", &env));
    assert!(!ok(&s3c(&["ls"], b"", &env)).contains("cli-bucket"));
}

fn tree(root: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path.strip_prefix(root).unwrap().to_string_lossy().into_owned();
                out.push((relative, std::fs::read(&path).unwrap()));
            }
        }
    }
    out.sort();
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn folders_copy_recursively_both_ways() {
    let server = test_support::s3s_fs().await.unwrap();
    let env = env(&server.endpoint);
    let source = tempfile::tempdir().unwrap();
    for (relative, size) in
        [("a.txt", 10), ("sub dir/b+c.json", 2000), ("sub dir/deeper/日本.png", 6 << 20), ("empty", 0)]
    {
        let path = source.path().join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, vec![relative.len() as u8; size]).unwrap();
    }
    ok(&s3c(&["mb", "s3://tree-bucket"], b"", &env));
    // 70 MiB: downloaded with concurrent ranged GETs.
    let big: Vec<u8> = (0..70u32 << 20).map(|i| (i % 251) as u8).collect();
    let big_path = source.path().join("big.bin");
    std::fs::write(&big_path, &big).unwrap();
    ok(&s3c(
        &[
            "put",
            "--recursive",
            source.path().to_str().unwrap(),
            "s3://tree-bucket/backup",
            "--concurrency",
            "3",
        ],
        b"",
        &env,
    ));
    let target = tempfile::tempdir().unwrap();
    ok(&s3c(&["get", "--recursive", "s3://tree-bucket/backup/", target.path().to_str().unwrap()], b"", &env));
    assert_eq!(tree(target.path()), tree(source.path()));
    let removed = ok(&s3c(&["rm", "--recursive", "s3://tree-bucket/backup/"], b"", &env));
    assert!(removed.contains("deleted 5 objects"), "{removed}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failures_are_one_line_with_documented_codes() {
    let server = test_support::s3s_fs().await.unwrap();
    let env = env(&server.endpoint);
    ok(&s3c(&["mb", "s3://err-bucket"], b"", &env));
    fails_with(&s3c(&["get", "s3://err-bucket/missing key", "-"], b"", &env), 1, "NoSuchKey");
    fails_with(&s3c(&["ls", "s3://no-such-bucket-here"], b"", &env), 1, "no-such-bucket-here");
    fails_with(&s3c(&["ls", "s3://Bad_Bucket"], b"", &env), 2, "invalid bucket name");
    fails_with(&s3c(&["get", "s3://err-bucket"], b"", &env), 2, "names no object");
    fails_with(&s3c(&["presign", "s3://err-bucket/k", "--expires", "0"], b"", &env), 2, "--expires");
    fails_with(&s3c(&["ls", "--endpoint", "ftp://x"], b"", &env), 2, "invalid endpoint");
    fails_with(&s3c(&["put", "/no/such/file", "s3://err-bucket/k"], b"", &env), 2, "cannot read");
    fails_with(&s3c(&["ls"], b"", &[("HOME", "/nonexistent".to_owned())]), 2, "no credentials");

    let mut wrong = env.clone();
    wrong[1].1 = "wrong-secret".to_owned();
    let output = s3c(&["ls", "s3://err-bucket"], b"", &wrong);
    fails_with(&output, 1, "SignatureDoesNotMatch");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("Our canonical request:\nGET\n/err-bucket\n"), "{stderr}");
    assert!(!stderr.contains("wrong-secret"));
    // A session token is signed, so it is in the canonical request: the error hides its value.
    wrong.push(("AWS_SESSION_TOKEN", "session-token-value-0123".to_owned()));
    let output = s3c(&["ls", "s3://err-bucket"], b"", &wrong);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("x-amz-security-token:<session token: 24 characters"), "{stderr}");
    assert!(!stderr.contains("session-token-value-0123"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_come_from_profiles_like_the_aws_cli() {
    let server = test_support::s3s_fs().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let credentials = dir.path().join("credentials");
    let config = dir.path().join("config");
    std::fs::write(
        &credentials,
        format!("[dev]\naws_access_key_id = {ACCESS_KEY}\naws_secret_access_key = {SECRET_KEY}\n"),
    )
    .unwrap();
    std::fs::write(
        &config,
        format!(
            "[profile dev]\nregion = eu-west-1\nendpoint_url = {}\ns3 =\n  addressing_style = path\n",
            server.endpoint
        ),
    )
    .unwrap();
    let env = vec![
        ("AWS_SHARED_CREDENTIALS_FILE", credentials.to_string_lossy().into_owned()),
        ("AWS_CONFIG_FILE", config.to_string_lossy().into_owned()),
        ("HOME", "/nonexistent".to_owned()),
    ];
    ok(&s3c(&["mb", "s3://profile-bucket", "--profile", "dev"], b"", &env));
    let mut by_variable = env.clone();
    by_variable.push(("AWS_PROFILE", "dev".to_owned()));
    assert!(ok(&s3c(&["ls"], b"", &by_variable)).contains("profile-bucket"));
    let url = ok(&s3c(&["presign", "s3://profile-bucket/k"], b"", &by_variable));
    assert!(url.contains("eu-west-1"), "{url}");
    fails_with(&s3c(&["ls", "--profile", "nope"], b"", &env), 2, "profile \"nope\"");
}
