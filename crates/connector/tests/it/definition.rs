//! The Power Platform definition: valid against Microsoft's schemas, true to Power Platform's
//! conventions, and describing exactly the routes the service has.

use crate::start;
use bytes::Bytes;
use connector::definition::{OPERATIONS, api_definition, api_properties};
use serde_json::Value;
use std::path::PathBuf;

/// Removes `//` comments outside strings (Microsoft's schema files carry them).
fn strip_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            if c == '\\' {
                if let Some(next) = chars.next() {
                    out.push(next);
                }
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
            out.push(c);
        } else if c == '/' && chars.peek() == Some(&'/') {
            for skipped in chars.by_ref() {
                if skipped == '\n' {
                    out.push('\n');
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Percent-encodes `<` and `>` in `$ref`s: Microsoft's schema names definitions such as
/// `x-ms-api-annotation<info>`, and a URI fragment must encode those characters.
fn encode_refs(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                match item {
                    Value::String(text) if key == "$ref" => {
                        *text = text.replace('<', "%3C").replace('>', "%3E")
                    }
                    other => encode_refs(other),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(encode_refs),
        _ => {}
    }
}

fn schema(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/power-platform").join(name);
    let mut value: Value =
        serde_json::from_str(&strip_comments(&std::fs::read_to_string(path).unwrap())).unwrap();
    encode_refs(&mut value);
    value
}

fn assert_valid(schema: &Value, document: &Value, what: &str) {
    let validator = jsonschema::validator_for(schema).unwrap();
    let errors: Vec<String> =
        validator.iter_errors(document).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "{what} is not valid:\n{}", errors.join("\n"));
}

#[test]
fn both_files_validate_against_microsofts_schemas() {
    for host in ["s3c.example.com", "127.0.0.1:8080"] {
        assert_valid(
            &schema("apiDefinition.swagger.schema.json"),
            &api_definition(host, "/"),
            "apiDefinition.swagger.json",
        );
    }
    assert_valid(&schema("paconn-apiProperties.schema.json"), &api_properties(), "apiProperties.json");
    // The validators do reject what is wrong.
    let mut broken = api_definition("s3c.example.com", "/");
    broken["host"] = Value::String("https://s3c.example.com/x".into());
    broken["bogus"] = Value::Bool(true);
    assert!(
        !jsonschema::validator_for(&schema("apiDefinition.swagger.schema.json")).unwrap().is_valid(&broken)
    );
    let mut broken = api_properties();
    broken["properties"]["unknown"] = Value::Bool(true);
    assert!(
        !jsonschema::validator_for(&schema("paconn-apiProperties.schema.json")).unwrap().is_valid(&broken)
    );
}

/// Every convention of the issue, naming the first violation.
fn lint(definition: &Value, properties: &Value) -> Result<(), String> {
    let fail = |what: String| Err(what);
    if definition["swagger"] != "2.0" {
        return fail("swagger must be \"2.0\"".into());
    }
    let title = definition["info"]["title"].as_str().unwrap_or_default();
    for word in ["api", "connector", "s3-connector", "power"] {
        if title.to_lowercase().split(' ').any(|w| w == word) {
            return fail(format!("info.title {title:?} contains {word:?}"));
        }
    }
    let description = definition["info"]["description"].as_str().unwrap_or_default();
    if !(30..=500).contains(&description.chars().count()) {
        return fail("info.description must have 30 to 500 characters".into());
    }
    for field in ["name", "url", "email"] {
        if !definition["info"]["contact"][field].is_string() {
            return fail(format!("info.contact.{field} is missing"));
        }
    }
    let metadata: Vec<&str> = definition["x-ms-connector-metadata"]
        .as_array()
        .map_or(vec![], |a| a.iter().filter_map(|m| m["propertyName"].as_str()).collect());
    for name in ["Website", "Privacy policy", "Categories"] {
        if !metadata.contains(&name) {
            return fail(format!("x-ms-connector-metadata lacks {name}"));
        }
    }
    let host = definition["host"].as_str().unwrap_or_default();
    if host.contains('/') || host.contains("://") || host.is_empty() {
        return fail(format!("host {host:?} must be a bare host name"));
    }
    if !definition["basePath"].as_str().is_some_and(|p| p.starts_with('/')) {
        return fail("basePath must start with /".into());
    }
    let schemes: Vec<&str> =
        definition["schemes"].as_array().map_or(vec![], |a| a.iter().filter_map(Value::as_str).collect());
    let loopback = host.starts_with("127.") || host.starts_with("localhost");
    if !schemes.contains(&"https") || (schemes.contains(&"http") && !loopback) {
        return fail(format!("schemes {schemes:?}: https, and http only for a loopback host"));
    }
    if definition["securityDefinitions"]["basic_auth"]["type"] != "basic"
        || !definition["security"].is_array()
    {
        return fail("basic securityDefinitions and a top-level security are required".into());
    }
    for (path, methods) in definition["paths"].as_object().unwrap() {
        for (method, operation) in methods.as_object().unwrap() {
            let at = format!("{method} {path}");
            let id = operation["operationId"].as_str().unwrap_or_default();
            if !id.chars().next().is_some_and(char::is_uppercase) || id.contains(['_', '-', ' ']) {
                return fail(format!("{at}: operationId {id:?} is not PascalCase"));
            }
            let summary = operation["summary"].as_str().unwrap_or_default();
            let sentence_case = summary.chars().next().is_some_and(char::is_uppercase)
                && summary.split(' ').skip(1).all(|w| {
                    w.chars().next().is_none_or(|c| !c.is_uppercase())
                        || w.chars().all(|c| c.is_uppercase())
                        || w == "ETag"
                });
            if summary.is_empty() || summary.ends_with('.') || summary.chars().count() > 80 || !sentence_case
            {
                return fail(format!("{at}: summary {summary:?} must be sentence case, under 80, no period"));
            }
            if !operation["description"].is_string() {
                return fail(format!("{at}: no description"));
            }
            for parameter in operation["parameters"].as_array().unwrap() {
                let name = parameter["name"].as_str().unwrap_or_default();
                if !parameter["x-ms-summary"].is_string() || !parameter["description"].is_string() {
                    return fail(format!("{at}: parameter {name} lacks x-ms-summary or description"));
                }
                if ["bucket", "key"].contains(&name) && parameter["x-ms-visibility"] != "important" {
                    return fail(format!("{at}: {name} must be important"));
                }
                if [
                    "maxKeys",
                    "continuationToken",
                    "startAfter",
                    "all",
                    "If-Match",
                    "If-None-Match",
                    "If-Modified-Since",
                ]
                .contains(&name)
                    && parameter["x-ms-visibility"] != "advanced"
                {
                    return fail(format!("{at}: {name} must be advanced"));
                }
                if parameter["required"] == true
                    && parameter["x-ms-visibility"] == "internal"
                    && parameter.get("default").is_none()
                {
                    return fail(format!("{at}: internal required {name} needs a default"));
                }
                if name == "key" && parameter["x-ms-url-encoding"] != "single" {
                    return fail(format!("{at}: key needs x-ms-url-encoding single"));
                }
                if name == "bucket" && parameter["x-ms-dynamic-values"]["operationId"] != "ListBuckets" {
                    return fail(format!("{at}: bucket needs x-ms-dynamic-values from ListBuckets"));
                }
            }
            for (status, response) in operation["responses"].as_object().unwrap() {
                if status.starts_with('2') && status != "204" && method != "head" {
                    let schema = &response["schema"];
                    if schema.is_null() || schema == &serde_json::json!({}) {
                        return fail(format!("{at}: {status} has no concrete schema"));
                    }
                }
            }
        }
    }
    let paging = &definition["paths"]["/v1/buckets/{bucket}/objects"]["get"];
    if paging["x-ms-pageable"]["nextLinkName"] != "nextLink" {
        return fail("ListObjects needs x-ms-pageable nextLinkName nextLink".into());
    }
    for (name, model) in definition["definitions"].as_object().unwrap() {
        fn check(name: &str, model: &Value) -> Result<(), String> {
            if let Some(properties) = model["properties"].as_object() {
                for (property, value) in properties {
                    if !value["x-ms-summary"].is_string() || !value["description"].is_string() {
                        return Err(format!(
                            "definition {name}.{property} lacks x-ms-summary or description"
                        ));
                    }
                    check(&format!("{name}.{property}"), value)?;
                }
            }
            Ok(())
        }
        check(name, model)?;
    }
    let parameters = &properties["properties"]["connectionParameters"];
    for (name, display) in [("username", "Access key ID"), ("password", "Secret access key")] {
        let parameter = &parameters[name];
        if parameter["type"] != "securestring" || parameter["uiDefinition"]["displayName"] != display {
            return fail(format!("connection parameter {name} must be a securestring shown as {display:?}"));
        }
        if !parameter["uiDefinition"]["description"].is_string()
            || !parameter["uiDefinition"]["tooltip"].is_string()
        {
            return fail(format!("connection parameter {name} needs a description and a tooltip"));
        }
    }
    let p = &properties["properties"];
    if !p["iconBrandColor"].is_string()
        || p["capabilities"] != serde_json::json!(["actions"])
        || !p["publisher"].is_string()
        || !p["stackOwner"].is_string()
    {
        return fail(
            "apiProperties needs iconBrandColor, capabilities [actions], publisher and stackOwner".into(),
        );
    }
    if p.get("scriptOperations").is_some() {
        return fail("apiProperties must not have scriptOperations".into());
    }
    Ok(())
}

#[test]
fn the_definition_follows_power_platform_conventions() {
    for host in ["s3c.example.com", "127.0.0.1:8080"] {
        lint(&api_definition(host, "/"), &api_properties()).unwrap();
    }
    let ids: Vec<&str> = OPERATIONS.iter().map(|op| op.id).collect();
    for required in [
        "ListBuckets",
        "ListObjects",
        "GetObjectContent",
        "GetObjectMetadata",
        "PutObject",
        "UploadFile",
        "DeleteObject",
    ] {
        assert!(ids.contains(&required), "{required} missing");
    }
    // The lint catches what it should.
    let mut broken = api_definition("s3c.example.com", "/");
    broken["paths"]["/v1/buckets"]["get"]["summary"] = Value::String("List Buckets.".into());
    assert!(lint(&broken, &api_properties()).unwrap_err().contains("summary"));
}

fn concrete(path: &str) -> String {
    path.replace("{bucket}", "some-bucket").replace("{key}", "a/b.txt")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_described_route_is_routed_and_nothing_else_is() {
    let server = test_support::s3s_fs().await.unwrap();
    let service = start(&server.endpoint, |_| {}).await;
    let described: Vec<(String, String)> =
        OPERATIONS.iter().map(|op| (op.method.to_uppercase(), concrete(op.path))).collect();
    for (method, path) in &described {
        // Routed to a handler: it asks for credentials rather than answering 404 or 405.
        let answer = service.call(method, path, &[("authorization", "")], Bytes::new()).await;
        assert_eq!(answer.status, 401, "{method} {path}");
    }
    let mut paths: Vec<String> = described.iter().map(|(_, path)| path.clone()).collect();
    paths.dedup();
    for path in &paths {
        for method in ["GET", "HEAD", "PUT", "POST", "DELETE", "PATCH", "OPTIONS"] {
            if described.iter().any(|(m, p)| m == method && p == path)
                || (method == "HEAD" && described.iter().any(|(m, p)| m == "GET" && p == path))
            {
                continue;
            }
            let answer = service.call(method, path, &[("authorization", "")], Bytes::new()).await;
            assert!(
                [404, 405].contains(&answer.status),
                "{method} {path} is routed but not described: {}",
                answer.status
            );
        }
    }
    for path in ["/v1", "/v1/objects", "/v1/buckets/b/other", "/v2/buckets"] {
        assert_eq!(service.call("GET", path, &[], Bytes::new()).await.status, 404, "{path}");
    }
    let served = service.call("GET", "/connector/apiDefinition.swagger.json", &[], Bytes::new()).await.json();
    assert_eq!(served["host"], service.base.trim_start_matches("http://"));
    assert_eq!(served, api_definition(service.base.trim_start_matches("http://"), "/"));
    let properties = service.call("GET", "/connector/apiProperties.json", &[], Bytes::new()).await.json();
    assert_eq!(properties, api_properties());
}
