//! The OpenAPI document's own checks.
use super::*;

#[test]
fn every_operation_is_documented_once_with_known_schemas() {
    let doc: serde_json::Value = serde_json::from_str(&document_json()).unwrap();
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for op in OPS {
        let o = &doc["paths"][op.path][op.method];
        assert_eq!(o["operationId"], op.id, "{} {}", op.method, op.path);
        assert_eq!(o.get("x-extension").is_some(), op.extension);
        for name in op
            .body
            .iter()
            .chain(op.response.iter())
            .filter(|n| **n != "multipart")
        {
            assert!(schemas.contains_key(*name), "schema {name} missing");
        }
    }
    for name in EXTENSION_SCHEMAS {
        assert_eq!(schemas[*name]["x-extension"], true, "{name}");
    }
    for (schema, fields) in EXTENSION_FIELDS {
        for f in *fields {
            assert_eq!(
                schemas[*schema]["properties"][*f]["x-extension"], true,
                "{schema}.{f}"
            );
        }
    }
    assert!(
        schemas["Samenwerking"]["properties"]["titel"]
            .get("x-extension")
            .is_none(),
        "DSO fields stay unmarked"
    );
}
