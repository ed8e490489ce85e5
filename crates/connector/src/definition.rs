//! The Power Platform custom-connector definition (`apiDefinition.swagger.json`, OpenAPI 2.0
//! with Microsoft's `x-ms-*` extensions) and `apiProperties.json`, generated from [`OPERATIONS`],
//! the same table the router is built from: every public route is described, and nothing
//! undescribed is routed.

use serde_json::{Value, json};

/// One public operation: how it is routed and how it is described.
#[derive(Debug, Clone, Copy)]
pub struct Operation {
    /// PascalCase `operationId`.
    pub id: &'static str,
    /// HTTP method, lower case as OpenAPI writes it.
    pub method: &'static str,
    /// The axum route (`{*key}` for a key with slashes).
    pub route: &'static str,
    /// The OpenAPI path template.
    pub path: &'static str,
    /// Sentence case, no trailing period, at most 80 characters.
    pub summary: &'static str,
    /// What it does, for the maker.
    pub description: &'static str,
}

/// The public API.
pub const OPERATIONS: &[Operation] = &[
    Operation {
        id: "ListBuckets",
        method: "get",
        route: "/v1/buckets",
        path: "/v1/buckets",
        summary: "List buckets",
        description: "Lists the buckets these credentials can see.",
    },
    Operation {
        id: "ListObjects",
        method: "get",
        route: "/v1/buckets/{bucket}/objects",
        path: "/v1/buckets/{bucket}/objects",
        summary: "List objects",
        description: "Lists the objects (files) and folders in a bucket, one page at a time or all at once.",
    },
    Operation {
        id: "GetObjectContent",
        method: "get",
        route: "/v1/buckets/{bucket}/objects/{*key}",
        path: "/v1/buckets/{bucket}/objects/{key}",
        summary: "Get file content",
        description: "Downloads the content of an object, whole or a byte range.",
    },
    Operation {
        id: "GetObjectHeaders",
        method: "head",
        route: "/v1/buckets/{bucket}/objects/{*key}",
        path: "/v1/buckets/{bucket}/objects/{key}",
        summary: "Check that a file exists",
        description: "Returns the headers of an object (size, type, ETag) without its content.",
    },
    Operation {
        id: "PutObject",
        method: "put",
        route: "/v1/buckets/{bucket}/objects/{*key}",
        path: "/v1/buckets/{bucket}/objects/{key}",
        summary: "Create or replace a file",
        description: "Uploads binary content as an object of any size, replacing any object with that key.",
    },
    Operation {
        id: "DeleteObject",
        method: "delete",
        route: "/v1/buckets/{bucket}/objects/{*key}",
        path: "/v1/buckets/{bucket}/objects/{key}",
        summary: "Delete a file",
        description: "Deletes an object. Succeeds also when the object does not exist.",
    },
    Operation {
        id: "GetObjectMetadata",
        method: "get",
        route: "/v1/buckets/{bucket}/metadata/{*key}",
        path: "/v1/buckets/{bucket}/metadata/{key}",
        summary: "Get file metadata",
        description: "Returns an object's size, content type, ETag, modification time and user metadata.",
    },
    Operation {
        id: "UploadFile",
        method: "post",
        route: "/v1/buckets/{bucket}/files",
        path: "/v1/buckets/{bucket}/files",
        summary: "Upload a file from a flow",
        description: "Stores file content given as base64 in JSON, as flows pass file content between actions.",
    },
];

fn prop(kind: &str, summary: &str, description: &str) -> Value {
    json!({"type": kind, "x-ms-summary": summary, "description": description})
}

/// Marks a property that may be `null` (OpenAPI 2.0 has no `nullable`; `x-nullable` is the
/// extension Microsoft's tools read).
fn nullable(mut property: Value) -> Value {
    property["x-nullable"] = Value::Bool(true);
    property
}

fn definitions() -> Value {
    json!({
        "Bucket": {"type": "object", "properties": {
            "name": prop("string", "Bucket name", "The name of the bucket."),
            "creationDate": {"type": "string", "format": "date-time", "x-ms-summary": "Created", "description": "When the bucket was created (RFC 3339)."}
        }},
        "BucketList": {"type": "object", "properties": {
            "buckets": {"type": "array", "items": {"$ref": "#/definitions/Bucket"}, "x-ms-summary": "Buckets", "description": "The buckets."}
        }},
        "ObjectSummary": {"type": "object", "properties": {
            "key": prop("string", "Key", "The object's key (its full name, with folders)."),
            "size": {"type": "integer", "format": "int64", "x-ms-summary": "Size", "description": "Size in bytes."},
            "lastModified": {"type": "string", "format": "date-time", "x-ms-summary": "Last modified", "description": "When the object was last written (RFC 3339)."},
            "etag": prop("string", "ETag", "The object's entity tag."),
            "storageClass": prop("string", "Storage class", "The storage class, e.g. STANDARD.")
        }},
        "ObjectList": {"type": "object", "properties": {
            "objects": {"type": "array", "items": {"$ref": "#/definitions/ObjectSummary"}, "x-ms-summary": "Objects", "description": "The objects of this page."},
            "folders": {"type": "array", "items": {"type": "string"}, "x-ms-summary": "Folders", "description": "Common prefixes when a delimiter was given."},
            "isTruncated": {"type": "boolean", "x-ms-summary": "More pages", "description": "Whether more objects follow."},
            "continuationToken": {"type": "string", "x-nullable": true, "x-ms-summary": "Continuation token", "description": "Pass it to get the next page; null on the last."},
            "nextLink": {"type": "string", "x-nullable": true, "x-ms-summary": "Next page link", "description": "The URL of the next page; null on the last."}
        }},
        "ObjectMetadata": {"type": "object", "properties": {
            "key": prop("string", "Key", "The object's key."),
            "size": {"type": "integer", "format": "int64", "x-ms-summary": "Size", "description": "Size in bytes."},
            "contentType": nullable(prop("string", "Content type", "The MIME type stored with the object.")),
            "etag": prop("string", "ETag", "The object's entity tag."),
            "lastModified": {"type": "string", "format": "date-time", "x-ms-summary": "Last modified", "description": "When the object was last written (RFC 3339)."},
            "metadata": {"type": "object", "additionalProperties": {"type": "string"}, "x-ms-summary": "Metadata", "description": "User metadata (x-amz-meta-*), by name."},
            "versionId": nullable(prop("string", "Version ID", "The version, when the bucket keeps versions."))
        }},
        "PutResult": {"type": "object", "properties": {
            "bucket": prop("string", "Bucket", "The bucket written to."),
            "key": prop("string", "Key", "The key written."),
            "etag": prop("string", "ETag", "The stored object's entity tag."),
            "size": {"type": "integer", "format": "int64", "x-ms-summary": "Size", "description": "Bytes stored."},
            "versionId": nullable(prop("string", "Version ID", "The new version, when the bucket keeps versions."))
        }},
        "UploadFileRequest": {"type": "object", "required": ["key", "content"], "additionalProperties": false, "properties": {
            "key": {"type": "string", "minLength": 1, "maxLength": 1024, "x-ms-summary": "Key", "description": "The key (file name, with folders) to store under."},
            "content": {"type": "string", "format": "byte", "x-ms-summary": "File content", "description": "The file's content, base64-encoded (the File Content of a flow), or a data URI such as data:image/png;base64,... (as Power Apps gives images)."},
            "contentType": {"type": "string", "pattern": "^[ -~]*$", "x-ms-summary": "Content type", "description": "MIME type; guessed from the key's extension when empty."},
            "metadata": {"type": "object", "additionalProperties": {"type": "string", "pattern": "^[ -~]{0,200}$"}, "x-ms-summary": "Metadata", "description": "User metadata to store, by name (letters, digits, '-' and '_'; printable ASCII values; 2 KB in all).", "x-ms-visibility": "advanced"}
        }},
        "Error": {"type": "object", "properties": {
            "error": {"type": "object", "x-ms-summary": "Error", "description": "What went wrong.", "properties": {
                "code": prop("string", "Code", "A stable code, e.g. NoSuchKey."),
                "message": prop("string", "Message", "What happened and what to do."),
                "requestId": prop("string", "Request ID", "The request's ID, for support.")
            }}
        }}
    })
}

/// S3's bucket naming rules, as far as a portable pattern (no look-ahead) goes: 3 to 63
/// lower-case letters, digits, dots and hyphens, a letter or digit at both ends. The service
/// checks the rest (no `..`, not an IP address, no reserved prefix) and answers 400.
pub const BUCKET_PATTERN: &str = "^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$";

fn bucket_parameter() -> Value {
    json!({
        "name": "bucket", "in": "path", "required": true, "type": "string",
        "minLength": 3, "maxLength": 63, "pattern": BUCKET_PATTERN,
        "x-ms-summary": "Bucket", "description": "The bucket's name.", "x-ms-visibility": "important",
        "x-ms-dynamic-values": {"operationId": "ListBuckets", "value-collection": "buckets", "value-path": "name", "value-title": "name"}
    })
}

fn key_parameter() -> Value {
    json!({
        "name": "key", "in": "path", "required": true, "type": "string", "minLength": 1, "maxLength": 1024,
        "x-ms-summary": "Key", "description": "The object's key, folders included (a/b/file.pdf).",
        "x-ms-visibility": "important", "x-ms-url-encoding": "single"
    })
}

fn header(name: &str, summary: &str, description: &str) -> Value {
    json!({"name": name, "in": "header", "required": false, "type": "string", "x-ms-summary": summary, "description": description, "x-ms-visibility": "advanced"})
}

fn query(name: &str, kind: &str, summary: &str, description: &str) -> Value {
    json!({"name": name, "in": "query", "required": false, "type": kind, "x-ms-summary": summary, "description": description, "x-ms-visibility": "advanced"})
}

fn error_responses(mut responses: serde_json::Map<String, Value>) -> Value {
    for (status, text) in [
        ("400", "The request is not valid: see the error message"),
        ("401", "Credentials are missing or malformed"),
        ("403", "The store refused the credentials or the action"),
        ("404", "No such bucket or key"),
        ("502", "The store failed or could not be reached"),
        ("503", "The store is throttling, or the service is busy: retry later"),
    ] {
        responses.insert(
            status.to_owned(),
            json!({"description": text, "schema": {"$ref": "#/definitions/Error"}}),
        );
    }
    responses.insert(
        "default".to_owned(),
        json!({"description": "Error", "schema": {"$ref": "#/definitions/Error"}}),
    );
    Value::Object(responses)
}

fn ok(description: &str, schema: Value) -> serde_json::Map<String, Value> {
    let mut map = serde_json::Map::new();
    map.insert("200".to_owned(), json!({"description": description, "schema": schema}));
    map
}

fn operation_json(operation: &Operation) -> Value {
    let mut body = json!({
        "operationId": operation.id,
        "summary": operation.summary,
        "description": operation.description,
        "produces": ["application/json"],
    });
    let conditions = [
        header("If-Match", "If ETag matches", "Only if the object's ETag is this one (else 412)."),
        header("If-None-Match", "If ETag differs", "Only if the object's ETag is not this one (else 304)."),
        header("If-Modified-Since", "If modified since", "Only if changed since this HTTP date (else 304)."),
    ];
    let (parameters, responses): (Vec<Value>, Value) = match operation.id {
        "ListBuckets" => {
            (vec![], error_responses(ok("The buckets", json!({"$ref": "#/definitions/BucketList"}))))
        }
        "ListObjects" => {
            body["x-ms-pageable"] = json!({"nextLinkName": "nextLink"});
            (
                vec![
                    bucket_parameter(),
                    json!({"name": "prefix", "in": "query", "required": false, "type": "string", "x-ms-summary": "Folder or prefix", "description": "Only keys that begin with this, e.g. photos/2024/."}),
                    query(
                        "delimiter",
                        "string",
                        "Delimiter",
                        "Roll keys up to this character into folders, usually /.",
                    ),
                    {
                        let mut max_keys = query(
                            "maxKeys",
                            "integer",
                            "Page size",
                            "Objects per page, 1 to 1000 (default 1000).",
                        );
                        max_keys["minimum"] = json!(1);
                        max_keys["maximum"] = json!(1000);
                        max_keys
                    },
                    query(
                        "continuationToken",
                        "string",
                        "Continuation token",
                        "The token from the previous page.",
                    ),
                    query("startAfter", "string", "Start after", "Only keys after this one."),
                    query(
                        "all",
                        "boolean",
                        "All pages",
                        "Gather every page in one answer (up to the service's cap).",
                    ),
                ],
                error_responses(ok("A page of objects", json!({"$ref": "#/definitions/ObjectList"}))),
            )
        }
        "GetObjectContent" => {
            // The content comes back with the type it was stored with; errors are JSON.
            body["produces"] = json!(["application/octet-stream", "application/json", "*/*"]);
            let mut range =
                header("Range", "Byte range", "One range such as bytes=0-1023, bytes=1024- or bytes=-500.");
            range["pattern"] = json!("^bytes=([0-9]{1,19}-[0-9]{0,19}|-[0-9]{1,19})$");
            let mut parameters = vec![bucket_parameter(), key_parameter(), range];
            parameters.extend(conditions.iter().cloned());
            let mut responses = ok("The content", json!({"type": "string", "format": "binary"}));
            responses.insert("206".to_owned(), json!({"description": "The requested range", "schema": {"type": "string", "format": "binary"}}));
            responses.insert("304".to_owned(), json!({"description": "Not modified"}));
            responses.insert(
                "412".to_owned(),
                json!({"description": "A condition failed", "schema": {"$ref": "#/definitions/Error"}}),
            );
            responses.insert("416".to_owned(), json!({"description": "The range is outside the object", "schema": {"$ref": "#/definitions/Error"}}));
            (parameters, error_responses(responses))
        }
        "GetObjectHeaders" => {
            body["produces"] = json!(["application/octet-stream", "application/json", "*/*"]);
            let mut parameters = vec![bucket_parameter(), key_parameter()];
            parameters.extend(conditions.iter().cloned());
            let mut responses = serde_json::Map::new();
            responses.insert("200".to_owned(), json!({"description": "The object exists"}));
            responses.insert("304".to_owned(), json!({"description": "Not modified"}));
            (parameters, error_responses(responses))
        }
        "PutObject" => {
            body["consumes"] = json!(["application/octet-stream"]);
            let parameters = vec![
                bucket_parameter(),
                key_parameter(),
                json!({"name": "body", "in": "body", "required": true, "schema": {"type": "string", "format": "binary"}, "x-ms-summary": "File content", "description": "The bytes to store."}),
                header(
                    "Content-Type",
                    "Content type",
                    "MIME type; guessed from the key's extension when empty.",
                ),
                {
                    let mut create_only = header(
                        "If-None-Match",
                        "Create only",
                        "Send * to fail (412) instead of replacing an existing object.",
                    );
                    create_only["enum"] = json!(["*"]);
                    create_only
                },
            ];
            let mut responses = ok("Stored", json!({"$ref": "#/definitions/PutResult"}));
            responses.insert("412".to_owned(), json!({"description": "The object exists (If-None-Match: *)", "schema": {"$ref": "#/definitions/Error"}}));
            (parameters, error_responses(responses))
        }
        "DeleteObject" => {
            // 204 carries no body and so no Content-Type (HTTP stacks drop it): declare none.
            body["produces"] = json!([]);
            let mut responses = serde_json::Map::new();
            responses.insert("204".to_owned(), json!({"description": "Deleted (or never there)"}));
            (vec![bucket_parameter(), key_parameter()], error_responses(responses))
        }
        "GetObjectMetadata" => (
            vec![bucket_parameter(), key_parameter()],
            error_responses(ok("The metadata", json!({"$ref": "#/definitions/ObjectMetadata"}))),
        ),
        "UploadFile" => {
            body["consumes"] = json!(["application/json"]);
            let parameters = vec![
                bucket_parameter(),
                json!({"name": "body", "in": "body", "required": true, "schema": {"$ref": "#/definitions/UploadFileRequest"}, "x-ms-summary": "File", "description": "The key and the base64 content."}),
            ];
            (parameters, error_responses(ok("Stored", json!({"$ref": "#/definitions/PutResult"}))))
        }
        _ => (vec![], json!({})),
    };
    body["parameters"] = Value::Array(parameters);
    body["responses"] = responses;
    body
}

/// Whether `host` (`name[:port]`) is a loopback host, for which plain HTTP is allowed.
pub fn is_loopback_host(host: &str) -> bool {
    let name = host.rsplit_once(':').map_or(host, |(name, _)| name);
    name == "localhost" || name.starts_with("127.") || name == "[::1]"
}

/// `apiDefinition.swagger.json` for a service at `host` (`name[:port]`) under `base_path`.
pub fn api_definition(host: &str, base_path: &str) -> Value {
    let mut paths = serde_json::Map::new();
    for operation in OPERATIONS {
        let entry = paths.entry(operation.path.to_owned()).or_insert_with(|| json!({}));
        entry[operation.method] = operation_json(operation);
    }
    let schemes = if is_loopback_host(host) { json!(["http", "https"]) } else { json!(["https"]) };
    json!({
        "swagger": "2.0",
        "info": {
            "title": "S3 Object Storage",
            "description": "Read, write, list and delete files in Amazon S3 buckets and S3-compatible stores (MinIO, Ceph, Cloudflare R2, Wasabi), through a self-hosted service that signs every request. Files of any size, any key.",
            "version": env!("CARGO_PKG_VERSION"),
            "contact": {"name": "s3-connector maintainers", "url": "https://github.com/s3-connector/s3-connector", "email": "maintainers@s3-connector.dev"}
        },
        "x-ms-connector-metadata": [
            {"propertyName": "Website", "propertyValue": "https://github.com/s3-connector/s3-connector"},
            {"propertyName": "Privacy policy", "propertyValue": "https://github.com/s3-connector/s3-connector/blob/main/docs/power-platform.md"},
            {"propertyName": "Categories", "propertyValue": "Data;IT Operations"}
        ],
        "host": host,
        "basePath": if base_path.is_empty() { "/" } else { base_path },
        "schemes": schemes,
        "paths": paths,
        "definitions": definitions(),
        "securityDefinitions": {"basic_auth": {"type": "basic"}},
        "security": [{"basic_auth": []}]
    })
}

/// `apiProperties.json`: the connection asks for the access key id and secret access key.
pub fn api_properties() -> Value {
    json!({
        "properties": {
            "connectionParameters": {
                "username": {
                    "type": "securestring",
                    "uiDefinition": {
                        "displayName": "Access key ID",
                        "description": "The AWS (or S3-compatible) access key ID the flow acts as.",
                        "tooltip": "An access key ID such as AKIA..., from IAM or your store's console",
                        "constraints": {"tabIndex": 2, "clearText": false, "required": "true"}
                    }
                },
                "password": {
                    "type": "securestring",
                    "uiDefinition": {
                        "displayName": "Secret access key",
                        "description": "The secret access key that belongs to the access key ID.",
                        "tooltip": "The secret shown once when the access key was created",
                        "constraints": {"tabIndex": 3, "clearText": false, "required": "true"}
                    }
                }
            },
            "iconBrandColor": "#1f6f43",
            "capabilities": ["actions"],
            "publisher": "s3-connector maintainers",
            "stackOwner": "s3-connector maintainers"
        }
    })
}

/// The maker's README that goes beside the two files.
pub fn maker_readme(host: &str) -> String {
    format!(
        "# S3 Object Storage custom connector\n\nFor the s3-connector service at `{host}`.\n\n1. Install the Power Platform CLI and sign in: `pac auth create`.\n2. Import: `pac connector create --api-definition-file apiDefinition.swagger.json --api-properties-file apiProperties.json`.\n3. In Power Automate, add an action of this connector and create a connection: the user name is the access key ID, the password the secret access key.\n\nThe service signs every request itself: no code (script.csx) is needed. Keep each message under Power Automate's 100 MB; larger files go through PUT from tools that can stream.\n"
    )
}
