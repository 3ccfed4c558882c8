//! `/openapi.json` is served without authentication and documents exactly the routes the
//! server has: every documented operation reaches a handler (it never falls through to the
//! "no such resource" 404 or a 405).
use reqwest::Method;
use serde_json::{json, Value};
use swf_domain::*;
use swf_testkit::*;

#[tokio::test]
async fn documented_operations_exist_and_the_document_is_public() {
    let srv = Server::start(&[]).await;
    let http = reqwest::Client::new();
    for url in [
        format!("{}/openapi.json", srv.url),
        format!("{}{BASE}/openapi.json", srv.url),
    ] {
        let r = http.get(&url).send().await.unwrap();
        assert_eq!(r.status(), 200, "{url}");
        assert_eq!(r.headers()["access-control-allow-origin"], "*");
        let doc: serde_json::Value = r.json().await.unwrap();
        assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    }
    let doc: serde_json::Value = http
        .get(format!("{}/openapi.json", srv.url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let concrete = path
                .replace("{samenwerkingId}", "SAM-1")
                .replace("{oin}", GEMEENTE)
                .replace("{documentId}", "00000000-0000-0000-0000-000000000000")
                .replace("{actieverzoekId}", "00000000-0000-0000-0000-000000000000")
                .replace("{notificatieId}", "00000000-0000-0000-0000-000000000000");
            let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let r = http
                .request(m, format!("{}{BASE}{concrete}", srv.url))
                .send()
                .await
                .unwrap();
            let status = r.status().as_u16();
            let body: serde_json::Value = r.json().await.unwrap_or_default();
            assert!(status != 405, "{method} {path}: 405");
            assert!(
                !(status == 404
                    && body["detail"]
                        .as_str()
                        .unwrap_or("")
                        .starts_with("er is geen resource")),
                "{method} {path}: documented but not routed"
            );
            let secured = op.get("security").is_some();
            assert_eq!(
                secured,
                status == 401,
                "{method} {path}: security in the document must match the 401 ({status})"
            );
            checked += 1;
        }
    }
    assert!(checked >= 30, "{checked}");
}

fn document() -> Value {
    serde_json::from_str(&swf_server::openapi::document_json()).unwrap()
}

fn collect_refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                match (k.as_str(), v) {
                    ("$ref", Value::String(r)) => out.push(r.clone()),
                    _ => collect_refs(v, out),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

/// A generator (a client, schemathesis) stops at the first `$ref` to nothing.
#[test]
fn every_reference_in_the_document_resolves() {
    let doc = document();
    let mut refs = Vec::new();
    collect_refs(&doc, &mut refs);
    assert!(refs.len() > 100, "{}", refs.len());
    let mut missing: Vec<&String> = refs
        .iter()
        .filter(|r| r.strip_prefix('#').and_then(|p| doc.pointer(p)).is_none())
        .collect();
    missing.sort();
    missing.dedup();
    assert!(missing.is_empty(), "unresolved: {missing:?}");
}

/// Every enumeration is documented with exactly the literals serde writes and reads, taken
/// from the domain's own list of values.
#[test]
fn enum_literals_are_the_wire_names() {
    let doc = document();
    let schemas = &doc["components"]["schemas"];
    macro_rules! same {
        ($($t:ty),+ $(,)?) => {$({
            let name = <$t as utoipa::ToSchema>::name();
            let wire: Vec<Value> = <$t>::ALL
                .iter()
                .map(|v| serde_json::to_value(v).unwrap())
                .collect();
            assert_eq!(schemas[&*name]["enum"], Value::Array(wire), "{name}");
            // and the service reads every one of them back
            for v in <$t>::ALL {
                let text = serde_json::to_string(v).unwrap();
                assert_eq!(serde_json::from_str::<$t>(&text).ok(), Some(*v), "{name} {text}");
            }
        })+};
    }
    same!(
        SamenwerkingStatus,
        ActieverzoekStatus,
        Vertrouwelijkheid,
        Privilege,
        Rol,
        SamenwerkVorm,
        SamenwerkDoel,
        NotificatieType,
        OrganisatieSoort,
        GebeurtenisSoort,
    );
}

/// Resolve `$ref`s and check `value` against the subset of JSON Schema the document uses for
/// answers: type (with null), required, properties, additionalProperties, items, enum, oneOf.
fn conforms(doc: &Value, schema: &Value, value: &Value, at: &str) -> Result<(), String> {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let target = doc
            .pointer(r.trim_start_matches('#'))
            .ok_or_else(|| format!("{at}: unresolved {r}"))?;
        return conforms(doc, target, value, at);
    }
    if let Some(alternatives) = schema.get("oneOf").and_then(Value::as_array) {
        let fits = alternatives
            .iter()
            .filter(|s| conforms(doc, s, value, at).is_ok())
            .count();
        return (fits == 1)
            .then_some(())
            .ok_or_else(|| format!("{at}: {fits} of oneOf fit {value}"));
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    let kind = match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    };
    let fits = types.contains(&kind) || (kind == "integer" && types.contains(&"number"));
    if !types.is_empty() && !fits {
        return Err(format!("{at}: {kind} where the document says {types:?}"));
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        if !values.contains(value) {
            return Err(format!("{at}: {value} is not one of {values:?}"));
        }
    }
    if let Value::Object(m) = value {
        for r in schema["required"].as_array().into_iter().flatten() {
            let r = r.as_str().unwrap_or("");
            if !m.contains_key(r) {
                return Err(format!("{at}: required '{r}' missing"));
            }
        }
        for (k, v) in m {
            match schema["properties"].get(k) {
                Some(s) => conforms(doc, s, v, &format!("{at}.{k}"))?,
                None => match schema.get("additionalProperties") {
                    Some(Value::Bool(false)) => {
                        return Err(format!("{at}: '{k}' is not documented"))
                    }
                    Some(s @ Value::Object(_)) => conforms(doc, s, v, &format!("{at}.{k}"))?,
                    _ => {}
                },
            }
        }
    }
    if let (Value::Array(items), Some(s)) = (value, schema.get("items")) {
        for (i, v) in items.iter().enumerate() {
            conforms(doc, s, v, &format!("{at}[{i}]"))?;
        }
    }
    Ok(())
}

/// Every GET the document describes answers, on a service with data in it, with the status,
/// media type and body shape the document gives: HAL lists where it says HAL list, plain JSON
/// where the service sends plain JSON, the wire literals of every enumeration.
#[tokio::test]
async fn every_get_answers_as_documented() {
    let srv = Server::start(&[]).await;
    let gemeente = srv.as_org(GEMEENTE);
    let vrv = srv.as_org(VRV);
    let sid = gemeente
        .start("Omgevingsvergunning", &[(VRV, "VOLLEDIGE_TOEGANG")])
        .await;
    let document_id = vrv
        .upload_id(&sid, "advies.pdf", b"%PDF-1.4".to_vec(), "SV")
        .await;
    let actieverzoek = gemeente
        .post(
            &format!("/samenwerkingen/{sid}/actieverzoeken"),
            json!({"titel": "Advies", "omschrijving": "Graag advies", "ontvanger": VRV, "documenten": [document_id]}),
        )
        .await
        .ok();
    let actieverzoek_id = actieverzoek["actieverzoekId"].as_str().unwrap().to_owned();
    vrv.post(
        &format!("/actieverzoeken/{actieverzoek_id}/berichten"),
        json!({"bericht": "Ik kijk ernaar"}),
    )
    .await
    .ok();
    let notificaties = gemeente.notificaties().await;
    let notificatie_id = notificaties[0]["notificatieId"]
        .as_str()
        .unwrap()
        .to_owned();
    let doc = document();
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        let Some(op) = item.get("get") else { continue };
        if path.ends_with("/stream") || path.ends_with("/content") {
            continue; // an endless event stream; the bytes of a document (any media type)
        }
        let concrete = path
            .replace("{samenwerkingId}", &sid)
            .replace("{oin}", VRV)
            .replace("{documentId}", &document_id)
            .replace("{actieverzoekId}", &actieverzoek_id)
            .replace("{notificatieId}", &notificatie_id);
        let concrete = if path == "/gebeurtenissen" {
            format!("{concrete}?na=0")
        } else {
            concrete
        };
        let r = gemeente.dso().get(&concrete).await;
        let status = r.status.as_u16().to_string();
        let answer = &op["responses"][&status];
        assert!(answer.is_object(), "GET {path}: {status} is not documented");
        assert_eq!(status, "200", "GET {path}: {}", r.json);
        let (media, content) = answer["content"]
            .as_object()
            .and_then(|c| c.iter().next())
            .unwrap_or_else(|| panic!("GET {path}: no content documented"));
        let served = r.headers["content-type"].to_str().unwrap();
        assert_eq!(
            served, media,
            "GET {path}: served as {served}, documented as {media}"
        );
        if let Err(e) = conforms(&doc, &content["schema"], &r.json, "") {
            panic!(
                "GET {path}: the answer does not match the document: {e}\n{}",
                r.json
            );
        }
        checked += 1;
    }
    assert!(checked >= 15, "{checked}");
}

/// The rules of a request body are in the document: what the document allows is what the
/// service accepts, for the fields a user types.
#[tokio::test]
async fn the_document_gives_the_rules_the_service_enforces() {
    let doc = document();
    let titel = &doc["components"]["schemas"]["SamenwerkingStarten"]["properties"]["titel"];
    assert_eq!(titel["minLength"], 1, "{titel}");
    assert_eq!(titel["maxLength"], 200, "{titel}");
    assert!(titel["pattern"].is_string(), "{titel}");
    assert_eq!(
        doc["components"]["schemas"]["SamenwerkingStarten"]["additionalProperties"],
        false
    );
    let oin = &doc["components"]["schemas"]["Oin"];
    assert_eq!(oin["pattern"], "^[0-9]{20}$");
    let srv = Server::start(&[]).await;
    let api = srv.as_org(GEMEENTE);
    for bad in ["", "   ", "regel\u{7}", &"x".repeat(201)] {
        let r = api.post("/samenwerkingen", json!({"titel": bad})).await;
        assert_eq!(r.status, 400, "{bad:?}: {}", r.json);
    }
    assert_eq!(
        api.post("/samenwerkingen", json!({"titel": "x".repeat(200)}))
            .await
            .status,
        201
    );
    // every operation with a body documents the 415 it answers to another media type
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if op.get("requestBody").is_some() {
                assert!(op["responses"]["415"].is_object(), "{method} {path}");
            }
            for (code, answer) in op["responses"].as_object().unwrap() {
                if code.starts_with('4') {
                    assert!(
                        answer["content"]["application/problem+json"].is_object(),
                        "{method} {path} {code}"
                    );
                }
            }
        }
    }
    let r = srv
        .http
        .post(format!("{}{BASE}/samenwerkingen", srv.url))
        .bearer_auth(&api.token)
        .header("Content-Type", "text/plain")
        .body("titel")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 415);
    // a JSON array is no object, even when serde could read the fields from it
    let r = api
        .send(
            api.req(Method::POST, "/samenwerkingen")
                .header("Content-Type", "application/json")
                .body(r#"["titel"]"#),
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.json);
}

/// Decision D1: a case system's token is the admin's to manage. Signing out with it is refused
/// (403 `systeemtoken`) and the token keeps working; a user's token is revoked as before.
#[tokio::test]
async fn signing_out_does_not_revoke_a_system_token() {
    let doc = document();
    let refused = &doc["paths"]["/auth/token"]["delete"]["responses"]["403"];
    assert!(
        refused["description"]
            .as_str()
            .is_some_and(|d| d.contains("systeemtoken")),
        "{refused}"
    );
    let srv = Server::start(&[]).await;
    let system = srv.as_org(GEMEENTE);
    let r = system.delete("/auth/token").await;
    assert_eq!(r.status, 403, "{}", r.json);
    assert_eq!(r.code(), "systeemtoken");
    assert_eq!(
        r.headers["content-type"], "application/problem+json",
        "{:?}",
        r.headers
    );
    assert_eq!(system.get("/organisaties/mijn").await.status, 200);
}

/// The user's human name (issue 10, item 6): optional in the sign-in answer (absent from older
/// services), always present (null for a system token) in `/organisaties/mijn`.
#[test]
fn the_users_name_is_documented() {
    let doc = document();
    let token = &doc["components"]["schemas"]["Token"];
    assert!(token["properties"]["naam"].is_object(), "{token}");
    assert!(!token["required"]
        .as_array()
        .is_some_and(|r| r.iter().any(|f| f == "naam")));
    let mijn = &doc["components"]["schemas"]["MijnOrganisatie"];
    assert_eq!(
        mijn["properties"]["naam"]["type"],
        serde_json::json!(["string", "null"])
    );
    assert!(mijn["required"]
        .as_array()
        .is_some_and(|r| r.iter().any(|f| f == "naam")));
}
