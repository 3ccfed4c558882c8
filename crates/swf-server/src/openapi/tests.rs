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

#[test]
fn every_link_leads_to_an_operation_and_fills_its_path_parameters() {
    let doc: serde_json::Value = serde_json::from_str(&document_json()).unwrap();
    let mut seen = 0;
    for from in OPS {
        let responses = doc["paths"][from.path][from.method]["responses"]
            .as_object()
            .unwrap();
        for links in responses.values().filter_map(|r| r["links"].as_object()) {
            for (name, link) in links {
                seen += 1;
                let to = OPS
                    .iter()
                    .find(|o| o.id == link["operationId"])
                    .unwrap_or_else(|| panic!("{name}: no operation {}", link["operationId"]));
                let params: Vec<&str> = to
                    .path
                    .split('/')
                    .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
                    .collect();
                let given = link["parameters"].as_object().unwrap();
                let mut named: Vec<&str> = given.keys().map(String::as_str).collect();
                named.sort_unstable();
                let mut wanted = params.clone();
                wanted.sort_unstable();
                assert_eq!(named, wanted, "{} -> {name}", from.id);
                for expr in given.values() {
                    let expr = expr.as_str().unwrap();
                    assert!(
                        expr.starts_with("$response.body#/")
                            || expr.starts_with("$request.path.")
                            || expr.starts_with("$request.body#/"),
                        "{} -> {name}: {expr}",
                        from.id
                    );
                }
            }
        }
    }
    assert_eq!(seen, LINKS.len());
    // the samenwerking a case system started is the one it can delete
    assert_eq!(
        doc["paths"]["/samenwerkingen"]["post"]["responses"]["201"]["links"]
            ["verwijderSamenwerking"]["parameters"]["samenwerkingId"],
        "$response.body#/samenwerkingId"
    );
}
