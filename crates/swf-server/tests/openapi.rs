//! `/openapi.json` is served without authentication and documents exactly the routes the
//! server has: every documented operation reaches a handler (it never falls through to the
//! "no such resource" 404 or a 405).
mod common;
use common::*;
use reqwest::Method;

#[tokio::test]
async fn documented_operations_exist_and_the_document_is_public() {
    let srv = Server::start(&[]).await;
    let http = reqwest::Client::new();
    for url in [
        format!("{}/openapi.json", srv.base),
        format!("{}{BASE}/openapi.json", srv.base),
    ] {
        let r = http.get(&url).send().await.unwrap();
        assert_eq!(r.status(), 200, "{url}");
        assert_eq!(r.headers()["access-control-allow-origin"], "*");
        let doc: serde_json::Value = r.json().await.unwrap();
        assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    }
    let doc: serde_json::Value = http
        .get(format!("{}/openapi.json", srv.base))
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
                .request(m, format!("{}{BASE}{concrete}", srv.base))
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
