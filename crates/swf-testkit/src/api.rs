//! Raw HTTP as an organisation: [`Api`] (every response as a [`Resp`], for the service's own
//! suites) and [`Raw`] (status and JSON, for the engine suites that make changes "from
//! elsewhere").
use crate::server::Server;
use crate::BASE;
use reqwest::{Client, Method, StatusCode};
use serde_json::Value;

/// A client acting for one organisation.
#[derive(Clone)]
pub struct Api {
    pub http: Client,
    /// `http://127.0.0.1:PORT`
    pub base: String,
    pub token: String,
    /// send `SWF-Extensies: true`
    pub extensions: bool,
    pub oin: String,
}

#[derive(Debug)]
pub struct Resp {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub json: Value,
    pub bytes: Vec<u8>,
}

impl Resp {
    /// Read a whole response; `json` is `Null` when the body is not JSON.
    pub async fn read(resp: reqwest::Response) -> Resp {
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = resp.bytes().await.map(|b| b.to_vec()).unwrap_or_default();
        let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Resp {
            status,
            headers,
            json,
            bytes,
        }
    }

    pub fn code(&self) -> &str {
        self.json["code"].as_str().unwrap_or("")
    }

    #[track_caller]
    pub fn ok(self) -> Value {
        assert!(
            self.status.is_success(),
            "expected success, got {}: {}",
            self.status,
            self.json
        );
        self.json
    }
}

impl Api {
    /// The same organisation as a plain DSO client: no `SWF-Extensies`.
    pub fn dso(&self) -> Api {
        Api {
            extensions: false,
            ..self.clone()
        }
    }

    pub fn url(&self, path: &str) -> String {
        if path.starts_with("/overheid") {
            format!("{}{path}", self.base)
        } else {
            format!("{}{BASE}{path}", self.base)
        }
    }

    pub fn req(&self, m: Method, path: &str) -> reqwest::RequestBuilder {
        let mut r = self
            .http
            .request(m, self.url(path))
            .bearer_auth(&self.token);
        if self.extensions {
            r = r.header("SWF-Extensies", "true");
        }
        r
    }

    pub async fn send(&self, r: reqwest::RequestBuilder) -> Resp {
        Resp::read(r.send().await.expect("request")).await
    }

    pub async fn get(&self, path: &str) -> Resp {
        self.send(self.req(Method::GET, path)).await
    }
    pub async fn delete(&self, path: &str) -> Resp {
        self.send(self.req(Method::DELETE, path)).await
    }
    pub async fn post(&self, path: &str, body: Value) -> Resp {
        self.send(self.req(Method::POST, path).json(&body)).await
    }
    pub async fn patch(&self, path: &str, body: Value) -> Resp {
        self.send(
            self.req(Method::PATCH, path)
                .header("Content-Type", "application/merge-patch+json")
                .body(body.to_string()),
        )
        .await
    }

    /// Where the caller's overview (`GET /samenwerkingen`, every page) disagrees with the lists
    /// of that samenwerking (see [`Api::count_mismatches`]). Empty when all agree.
    pub async fn overview_count_mismatches(&self) -> Vec<String> {
        let mut out = Vec::new();
        for pagina in 0.. {
            let v = self
                .get(&format!("/samenwerkingen?aantal=100&pagina={pagina}"))
                .await
                .ok();
            let items = v["_embedded"]["samenwerkingen"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            out.extend(self.count_mismatches(&items).await);
            if items.len() < 100 {
                break;
            }
        }
        out
    }

    /// Where overview rows disagree with the lists of their samenwerking: each row's
    /// `aantalActieverzoeken` must equal the total of `/actieverzoeken?samenwerkingId=…` and its
    /// `aantalNotificaties` that of `/notificaties?samenwerkingId=…`, as the caller sees them
    /// (the lists count with their own queries). Empty when all agree.
    pub async fn count_mismatches(&self, rows: &[Value]) -> Vec<String> {
        let mut out = Vec::new();
        for s in rows {
            let id = s["samenwerkingId"].as_str().unwrap_or_default();
            for (field, list) in [
                ("aantalActieverzoeken", "actieverzoeken"),
                ("aantalNotificaties", "notificaties"),
            ] {
                let l = self
                    .get(&format!("/{list}?samenwerkingId={id}&aantal=1"))
                    .await
                    .ok();
                if s[field] != l["page"]["totalElements"] {
                    out.push(format!(
                        "{}: {field} of {id} is {} in the overview, {} in /{list}",
                        self.oin, s[field], l["page"]["totalElements"]
                    ));
                }
            }
        }
        out
    }

    /// Upload a PDF document ("Testdocument") with vertrouwelijkheid `v` ("RV", "SV", …).
    pub async fn upload(&self, sid: &str, name: &str, bytes: Vec<u8>, v: &str) -> Resp {
        let part = reqwest::multipart::Part::bytes(bytes)
            .file_name(name.to_owned())
            .mime_str("application/pdf")
            .expect("mime type");
        let form = reqwest::multipart::Form::new().part("file", part);
        let path = format!("/samenwerkingen/{sid}/documenten?vertrouwelijkheidsAanduiding={v}&documentOmschrijving=Testdocument");
        self.send(self.req(Method::POST, &path).multipart(form))
            .await
    }

    /// [`Api::upload`] that must succeed; the new document's id.
    pub async fn upload_id(&self, sid: &str, name: &str, bytes: Vec<u8>, v: &str) -> String {
        let doc = self.upload(sid, name, bytes, v).await.ok();
        doc["documentId"].as_str().expect("documentId").to_owned()
    }

    /// Start a samenwerking (without verzoeknummer, so it is OPEN at once) with partners.
    pub async fn start(&self, titel: &str, partners: &[(&str, &str)]) -> String {
        let deelnemers: Vec<Value> = partners
            .iter()
            .map(|(o, p)| serde_json::json!({"oin": o, "privilege": p}))
            .collect();
        let r = self
            .post(
                "/samenwerkingen",
                serde_json::json!({"titel": titel, "deelnemers": deelnemers}),
            )
            .await
            .ok();
        r["samenwerkingId"]
            .as_str()
            .expect("samenwerkingId")
            .to_owned()
    }

    /// Close a samenwerking (`status` GESLOTEN); it must succeed. The samenwerking.
    pub async fn close(&self, sid: &str) -> Value {
        self.patch(
            &format!("/samenwerkingen/{sid}"),
            serde_json::json!({"status": {"status": "GESLOTEN"}}),
        )
        .await
        .ok()
    }

    /// The first page (100) of this organisation's notificaties.
    pub async fn notificaties(&self) -> Vec<Value> {
        let r = self.get("/notificaties?size=100").await.ok();
        r["_embedded"]["notificaties"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }
}

/// Raw HTTP as an organisation (system token, extensions on), answers as (status, JSON):
/// changes "from elsewhere" in the engine's tests.
pub struct Raw {
    pub api: Api,
}

impl Raw {
    pub fn new(s: &Server, oin: &str) -> Raw {
        Raw { api: s.as_org(oin) }
    }

    /// Any JSON call; returns the status and the parsed body (Null when empty).
    pub async fn send(&self, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut rb = self.api.req(method, path);
        if let Some(b) = body {
            rb = rb.json(&b);
        }
        let r = self.api.send(rb).await;
        (r.status.as_u16(), r.json)
    }

    /// Upload a document; `vertrouwelijk` is "RV" or "SV". Returns the Document JSON.
    pub async fn upload(
        &self,
        sid: &str,
        name: &str,
        bytes: Vec<u8>,
        vertrouwelijk: &str,
    ) -> Value {
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()),
        );
        let r = self
            .api
            .req(Method::POST, &format!("/samenwerkingen/{sid}/documenten"))
            .query(&[
                ("vertrouwelijkheidsAanduiding", vertrouwelijk),
                ("documentOmschrijving", &format!("test {name}")),
            ])
            .multipart(form)
            .send()
            .await
            .expect("upload");
        assert!(r.status().is_success(), "upload failed: {}", r.status());
        r.json().await.expect("upload json")
    }
}
