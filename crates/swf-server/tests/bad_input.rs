//! Bad input is refused with the exact status, `application/problem+json`, the stable `code`
//! (and the offending field in `invalid-params`), and a refused request changes nothing: the
//! database and the data folder are byte-for-byte the same afterwards.
use reqwest::Method;
use serde_json::{json, Value};
use swf_testkit::*;

type Snapshot = (String, Vec<(String, u64)>);

const LIMIT: &str = "1048576"; // 1 MiB
const MIB: usize = 1024 * 1024;
const DOC: &[u8] = b"%PDF-1.7 0123456789";

/// A samenwerking of the gemeente with the veiligheidsregio (full access), one RV document
/// and one OPEN actieverzoek to the veiligheidsregio.
struct Fixture {
    srv: Server,
    gemeente: Api,
    vrv: Api,
    sid: String,
    doc_id: String,
    av_id: String,
}

async fn fixture() -> Fixture {
    let srv = Server::start(&[("SWF_MAX_UPLOAD_BYTES", LIMIT)]).await;
    let gemeente = srv.as_org(GEMEENTE);
    let vrv = srv.as_org(VRV);
    let sid = gemeente
        .start("Slechte invoer", &[(VRV, "VOLLEDIGE_TOEGANG")])
        .await;
    let doc_id = gemeente
        .upload_id(&sid, "tekening.pdf", DOC.to_vec(), "RV")
        .await;
    let av = gemeente
        .post(
            &format!("/samenwerkingen/{sid}/actieverzoeken"),
            json!({"titel": "Advies", "omschrijving": "Graag advies", "ontvanger": VRV}),
        )
        .await
        .ok();
    let av_id = av["actieverzoekId"].as_str().unwrap().to_owned();
    Fixture {
        srv,
        gemeente,
        vrv,
        sid,
        doc_id,
        av_id,
    }
}

/// Assert a problem+json refusal with `status` and `code`, naming each of `names` in
/// `invalid-params`.
#[track_caller]
fn problem(r: &Resp, status: u16, code: &str, names: &[&str]) {
    let ctx = format!(
        "{} {}",
        r.status,
        if r.json.is_null() {
            String::from_utf8_lossy(&r.bytes).into_owned()
        } else {
            r.json.to_string()
        }
    );
    assert_eq!(r.status.as_u16(), status, "{ctx}");
    let ct = r
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    assert_eq!(ct, "application/problem+json", "{ctx}");
    assert_eq!(r.code(), code, "{ctx}");
    assert_eq!(r.json["status"], status, "{ctx}");
    let got: Vec<&str> = r.json["invalid-params"]
        .as_array()
        .map(|a| a.iter().filter_map(|p| p["name"].as_str()).collect())
        .unwrap_or_default();
    for n in names {
        assert!(got.contains(n), "invalid-params should name {n:?}: {ctx}");
    }
}

async fn unchanged(srv: &Server, before: &Snapshot, what: &str) {
    let after = srv.snapshot().await;
    assert_eq!(before.1, after.1, "{what}: files changed");
    assert_eq!(before.0, after.0, "{what}: database changed");
}

async fn raw_json(api: &Api, m: Method, path: &str, ct: &str, body: &str) -> Resp {
    api.send(
        api.req(m, path)
            .header("Content-Type", ct)
            .body(body.to_owned()),
    )
    .await
}

fn upload_path(sid: &str, v: &str) -> String {
    format!("/samenwerkingen/{sid}/documenten?vertrouwelijkheidsAanduiding={v}&documentOmschrijving=Testdocument")
}

const BOUNDARY: &str = "swf-test-boundary-7d1f";

/// A multipart body written by hand, so the file name goes on the wire exactly as given.
fn multipart_raw(part_name: &str, file_name: &[u8], content: &[u8]) -> Vec<u8> {
    let mut b = Vec::new();
    b.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
    b.extend_from_slice(
        format!("Content-Disposition: form-data; name=\"{part_name}\"; filename=\"").as_bytes(),
    );
    b.extend_from_slice(file_name);
    b.extend_from_slice(b"\"\r\nContent-Type: application/pdf\r\n\r\n");
    b.extend_from_slice(content);
    b.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    b
}

async fn upload_raw(api: &Api, sid: &str, body: Vec<u8>) -> Resp {
    api.send(
        api.req(Method::POST, &upload_path(sid, "RV"))
            .header(
                "Content-Type",
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .body(body),
    )
    .await
}

#[tokio::test]
async fn json_bodies() {
    let f = fixture().await;
    let (srv, g) = (&f.srv, &f.gemeente);
    let base = srv.snapshot().await;

    // malformed JSON
    for body in [r#"{"titel": "#, r#"{"titel": "x",}"#, "nee", ""] {
        let r = raw_json(g, Method::POST, "/samenwerkingen", "application/json", body).await;
        problem(&r, 400, "ongeldige-json", &[]);
    }
    let r = raw_json(
        g,
        Method::PATCH,
        &format!("/samenwerkingen/{}", f.sid),
        "application/merge-patch+json",
        r#"{"titel": "nieuw""#,
    )
    .await;
    problem(&r, 400, "ongeldige-json", &[]);
    unchanged(srv, &base, "malformed JSON").await;

    // valid JSON with the wrong media type
    for ct in ["text/plain", "application/x-www-form-urlencoded"] {
        let r = raw_json(
            g,
            Method::POST,
            "/samenwerkingen",
            ct,
            r#"{"titel": "Zonder mediatype"}"#,
        )
        .await;
        problem(&r, 415, "verkeerd-mediatype", &[]);
    }
    let r = g
        .send(
            g.req(Method::POST, "/samenwerkingen")
                .body(r#"{"titel": "Zonder Content-Type"}"#),
        )
        .await;
    problem(&r, 415, "verkeerd-mediatype", &[]);
    let r = raw_json(
        g,
        Method::POST,
        &format!("/actieverzoeken/{}/berichten", f.av_id),
        "text/plain",
        r#"{"bericht": "hallo"}"#,
    )
    .await;
    problem(&r, 415, "verkeerd-mediatype", &[]);
    unchanged(srv, &base, "wrong Content-Type").await;

    // a value of the wrong JSON type names the field
    let r = g.post("/samenwerkingen", json!({"titel": 5})).await;
    problem(&r, 400, "ongeldige-invoer", &["titel"]);
    unchanged(srv, &base, "wrong JSON type").await;
}

#[tokio::test]
async fn unknown_enum_values() {
    let f = fixture().await;
    let (srv, g) = (&f.srv, &f.gemeente);
    let base = srv.snapshot().await;

    let r = g
        .post(
            &format!("/samenwerkingen/{}/deelnemers", f.sid),
            json!({"oin": BUREAU, "privilege": "ADMIN"}),
        )
        .await;
    problem(&r, 400, "ongeldige-invoer", &["privilege"]);
    let r = g
        .post(
            "/samenwerkingen",
            json!({"titel": "Met partner", "deelnemers": [{"oin": BUREAU, "privilege": "ADMIN"}]}),
        )
        .await;
    problem(&r, 400, "ongeldige-invoer", &["deelnemers[0].privilege"]);
    let r = g
        .patch(
            &format!("/samenwerkingen/{}/deelnemers/{VRV}", f.sid),
            json!({"privilege": "ADMIN"}),
        )
        .await;
    problem(&r, 400, "ongeldige-invoer", &["privilege"]);
    unchanged(srv, &base, "privilege ADMIN").await;

    // vertrouwelijkheidsAanduiding ZV on upload: refused before any byte is stored
    let r = g.upload(&f.sid, "geheim.pdf", DOC.to_vec(), "ZV").await;
    problem(
        &r,
        400,
        "ongeldige-invoer",
        &["vertrouwelijkheidsAanduiding"],
    );
    let r = g.upload(&f.sid, "geheim.pdf", DOC.to_vec(), "sv").await;
    problem(
        &r,
        400,
        "ongeldige-invoer",
        &["vertrouwelijkheidsAanduiding"],
    );
    let r = g
        .patch(
            &format!("/documenten/{}", f.doc_id),
            json!({"vertrouwelijkheidsAanduiding": "ZV"}),
        )
        .await;
    problem(
        &r,
        400,
        "ongeldige-invoer",
        &["vertrouwelijkheidsAanduiding"],
    );
    unchanged(srv, &base, "vertrouwelijkheidsAanduiding ZV").await;

    // actieverzoek status KLAAR (and a lowercase known one), by either party
    for (api, status) in [
        (&f.vrv, "KLAAR"),
        (&f.gemeente, "KLAAR"),
        (&f.vrv, "in_behandeling"),
    ] {
        let r = api
            .patch(
                &format!("/actieverzoeken/{}", f.av_id),
                json!({"status": status}),
            )
            .await;
        problem(&r, 400, "ongeldige-invoer", &["status"]);
    }
    unchanged(srv, &base, "actieverzoek status KLAAR").await;

    // a samenwerking status that does not exist
    let r = g
        .patch(
            &format!("/samenwerkingen/{}", f.sid),
            json!({"status": {"status": "DICHT"}}),
        )
        .await;
    problem(&r, 400, "ongeldige-invoer", &["status.status"]);
    unchanged(srv, &base, "samenwerking status DICHT").await;
}

#[tokio::test]
async fn wrong_oins() {
    let f = fixture().await;
    let (srv, g) = (&f.srv, &f.gemeente);
    let base = srv.snapshot().await;
    let bad = [
        "0000000312345678000",   // 19 digits
        "000000031234567800000", // 21 digits
        "0000000312345678000A",  // a letter
        "ABCDEFGHIJKLMNOPQRST",
        "0000000312345678000 ",
        "",
    ];
    for oin in bad {
        let r = g
            .post(
                &format!("/samenwerkingen/{}/deelnemers", f.sid),
                json!({"oin": oin, "privilege": "BEPERKTE_TOEGANG"}),
            )
            .await;
        problem(&r, 400, "ongeldige-invoer", &["oin"]);
        let r = g
            .post(
                &format!("/samenwerkingen/{}/actieverzoeken", f.sid),
                json!({"titel": "Advies", "omschrijving": "Graag", "ontvanger": oin}),
            )
            .await;
        problem(&r, 400, "ongeldige-invoer", &["ontvanger"]);
    }
    // a number instead of a string
    let r = g
        .post(
            &format!("/samenwerkingen/{}/actieverzoeken", f.sid),
            json!({"titel": "Advies", "omschrijving": "Graag", "ontvanger": 1812579446000u64}),
        )
        .await;
    problem(&r, 400, "ongeldige-invoer", &["ontvanger"]);
    // in a query filter
    let r = g
        .get(&format!(
            "/samenwerkingen/{}/documenten?aangemaaktDoor=123",
            f.sid
        ))
        .await;
    problem(&r, 400, "ongeldige-invoer", &["aangemaaktDoor"]);
    let r = g
        .get("/actieverzoeken?organisatie=0000000181257944600X")
        .await;
    problem(&r, 400, "ongeldige-invoer", &["organisatie"]);
    unchanged(srv, &base, "wrong OIN").await;
}

#[tokio::test]
async fn absent_required_fields() {
    let f = fixture().await;
    let (srv, g) = (&f.srv, &f.gemeente);
    let base = srv.snapshot().await;
    let av_path = format!("/samenwerkingen/{}/actieverzoeken", f.sid);

    // absent
    let r = g
        .post("/samenwerkingen", json!({"beschrijving": "zonder titel"}))
        .await;
    problem(&r, 400, "ongeldige-invoer", &["titel"]);
    let r = g
        .post(
            &av_path,
            json!({"omschrijving": "Graag advies", "ontvanger": VRV}),
        )
        .await;
    problem(&r, 400, "ongeldige-invoer", &["titel"]);
    let r = g
        .post(&av_path, json!({"titel": "Advies", "ontvanger": VRV}))
        .await;
    problem(&r, 400, "ongeldige-invoer", &["omschrijving"]);
    let r = g
        .post(
            &av_path,
            json!({"titel": "Advies", "omschrijving": "Graag advies"}),
        )
        .await;
    problem(&r, 400, "ongeldige-invoer", &["ontvanger"]);
    let r = g
        .post(&format!("/actieverzoeken/{}/berichten", f.av_id), json!({}))
        .await;
    problem(&r, 400, "ongeldige-invoer", &["bericht"]);
    unchanged(srv, &base, "absent required fields").await;
}

#[tokio::test]
async fn blank_required_fields() {
    let f = fixture().await;
    let (srv, g) = (&f.srv, &f.gemeente);
    let base = srv.snapshot().await;
    let av_path = format!("/samenwerkingen/{}/actieverzoeken", f.sid);

    // present but empty, blank or null: every problem is reported at once
    let r = g.post("/samenwerkingen", json!({"titel": "   "})).await;
    problem(&r, 400, "ongeldige-invoer", &["titel"]);
    let r = g
        .post(
            &av_path,
            json!({"titel": "", "omschrijving": " ", "ontvanger": VRV}),
        )
        .await;
    problem(&r, 400, "ongeldige-invoer", &["titel", "omschrijving"]);
    let r = g
        .post(
            &av_path,
            json!({"titel": null, "omschrijving": "Graag", "ontvanger": VRV}),
        )
        .await;
    problem(&r, 400, "ongeldige-invoer", &["titel"]);
    let r = g
        .post(
            &av_path,
            json!({"titel": "Advies", "omschrijving": "Graag", "ontvanger": null}),
        )
        .await;
    problem(&r, 400, "ongeldige-invoer", &["ontvanger"]);
    unchanged(srv, &base, "empty required fields").await;
}

#[tokio::test]
async fn unknown_fields_are_refused() {
    let f = fixture().await;
    let (srv, g) = (&f.srv, &f.gemeente);
    let base = srv.snapshot().await;

    let cases: Vec<(&Api, Method, String, Value, &str)> = vec![
        (
            g,
            Method::POST,
            "/samenwerkingen".into(),
            json!({"titel": "Met extra veld", "onbekendVeld": 1}),
            "onbekendVeld",
        ),
        (
            g,
            Method::POST,
            "/samenwerkingen".into(),
            json!({"titel": "Hoofdletter", "Titel": "dubbel"}),
            "Titel",
        ),
        (
            g,
            Method::PATCH,
            format!("/samenwerkingen/{}", f.sid),
            json!({"titel": "Nieuw", "onbekendVeld": true}),
            "onbekendVeld",
        ),
        (
            g,
            Method::POST,
            format!("/samenwerkingen/{}/deelnemers", f.sid),
            json!({"oin": BUREAU, "privilege": "BEPERKTE_TOEGANG", "rol": "INITIATOR"}),
            "rol",
        ),
        (
            g,
            Method::POST,
            format!("/samenwerkingen/{}/actieverzoeken", f.sid),
            json!({"titel": "Advies", "omschrijving": "Graag", "ontvanger": VRV, "onbekendVeld": "x"}),
            "onbekendVeld",
        ),
        (
            g,
            Method::POST,
            format!("/actieverzoeken/{}/berichten", f.av_id),
            json!({"bericht": "hallo", "onbekendVeld": "x"}),
            "onbekendVeld",
        ),
        (
            g,
            Method::PATCH,
            format!("/documenten/{}", f.doc_id),
            json!({"documentOmschrijving": "Nieuw", "onbekendVeld": "x"}),
            "onbekendVeld",
        ),
        // an actieverzoek PATCH that would otherwise be a valid transition by the receiver
        (
            &f.vrv,
            Method::PATCH,
            format!("/actieverzoeken/{}", f.av_id),
            json!({"status": "IN_BEHANDELING", "onbekendVeld": "x"}),
            "onbekendVeld",
        ),
    ];
    for (api, m, path, body, field) in cases {
        let ct = if m == Method::PATCH {
            "application/merge-patch+json"
        } else {
            "application/json"
        };
        let r = raw_json(api, m.clone(), &path, ct, &body.to_string()).await;
        assert_eq!(
            r.status, 400,
            "{m} {path} with {body} must be refused: {}",
            r.json
        );
        problem(&r, 400, "ongeldige-invoer", &[field]);
        unchanged(srv, &base, &format!("unknown field on {m} {path}")).await;
    }
}

#[tokio::test]
async fn upload_file_names() {
    let f = fixture().await;
    let (srv, g) = (&f.srv, &f.gemeente);
    let base = srv.snapshot().await;

    // path traversal, separators, drive letters and hidden files, sent exactly as written
    for name in [
        "../../etc/passwd",
        "a/b.pdf",
        "/etc/passwd",
        "..\\x.pdf",
        "C:x.pdf",
        "..",
        ".htaccess",
        "a\tb.pdf",
        "",
        "   ",
    ] {
        let r = upload_raw(g, &f.sid, multipart_raw("file", name.as_bytes(), DOC)).await;
        assert_eq!(r.code(), "ongeldige-invoer", "{name:?}: {}", r.json);
        problem(&r, 400, "ongeldige-invoer", &["file"]);
        assert!(
            r.json["detail"].as_str().is_some_and(|d| !d.is_empty()),
            "{name:?}: {}",
            r.json
        );
        unchanged(srv, &base, &format!("file name {name:?}")).await;
    }
    // the same through a regular client (reqwest quotes the name and escapes '\\' and '"')
    for name in ["../../etc/passwd", "a/b.pdf", "..\\x.pdf"] {
        let r = g.upload(&f.sid, name, DOC.to_vec(), "RV").await;
        assert_eq!(r.code(), "ongeldige-invoer", "{name:?}: {}", r.json);
        problem(&r, 400, "ongeldige-invoer", &["file"]);
        unchanged(srv, &base, &format!("reqwest file name {name:?}")).await;
    }
    // other control characters cannot even be written into a part header: a line break, NUL,
    // DEL or ^A there breaks the multipart syntax itself, whoever sends it
    for name in ["a\nb.pdf", "a\0b.pdf"] {
        let r = g.upload(&f.sid, name, DOC.to_vec(), "RV").await;
        problem(&r, 400, "ongeldige-multipart", &[]);
        unchanged(srv, &base, &format!("reqwest file name {name:?}")).await;
    }
    for name in [
        &b"a\nb.pdf"[..],
        b"a\r\nb.pdf",
        b"a\0b.pdf",
        b"a\x01b.pdf",
        b"a\x7fb.pdf",
    ] {
        let r = upload_raw(g, &f.sid, multipart_raw("file", name, DOC)).await;
        assert_eq!(r.code(), "ongeldige-multipart", "{name:?}: {}", r.json);
        problem(&r, 400, "ongeldige-multipart", &[]);
        unchanged(srv, &base, &format!("raw file name {name:?}")).await;
    }
    // the control: the same hand-written body with a good name is accepted
    let r = upload_raw(g, &f.sid, multipart_raw("file", b"goed.pdf", DOC)).await;
    assert_eq!(r.status, 201, "{}", r.json);
    assert_eq!(r.json["bestandsNaam"], "goed.pdf");
}

#[tokio::test]
async fn upload_file_names_are_trimmed_first_and_may_not_turn_direction() {
    let f = fixture().await;
    let (srv, g) = (&f.srv, &f.gemeente);
    let base = srv.snapshot().await;
    // checked after trimming: these would be stored as "..", ".hidden", ".htaccess"
    for name in [" ..", " .hidden", "  .htaccess  ", " . "] {
        let r = upload_raw(g, &f.sid, multipart_raw("file", name.as_bytes(), DOC)).await;
        problem(&r, 400, "ongeldige-invoer", &["file"]);
        assert_eq!(
            r.json["invalid-params"][0]["code"], "bestandsnaam",
            "{name:?}"
        );
        unchanged(srv, &base, &format!("file name {name:?}")).await;
    }
    // bidirectional controls: `factuur<U+202E>fdp.exe` would show as "factuurexe.pdf"
    for c in [
        '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}',
        '\u{2068}', '\u{2069}', '\u{200E}', '\u{200F}', '\u{061C}',
    ] {
        let name = format!("factuur{c}fdp.exe");
        let r = upload_raw(g, &f.sid, multipart_raw("file", name.as_bytes(), DOC)).await;
        problem(&r, 400, "ongeldige-invoer", &["file"]);
        assert_eq!(
            r.json["invalid-params"][0]["code"], "bestandsnaam-richtingteken",
            "{c:?}: {}",
            r.json
        );
        unchanged(srv, &base, &format!("file name with {c:?}")).await;
    }
    // a name with spaces around it is stored trimmed
    let r = upload_raw(g, &f.sid, multipart_raw("file", b"  advies.pdf ", DOC)).await;
    assert_eq!(r.status, 201, "{}", r.json);
    assert_eq!(r.json["bestandsNaam"], "advies.pdf");

    // a name stored before these rules is shown and offered as cleanly as the ASCII fallback
    let id = f.doc_id.as_str();
    srv.sql_execute(
        "UPDATE documenten SET bestandsnaam = $1 WHERE id = $2",
        &["factuur\u{202E}fdp.exe", id],
    )
    .await;
    let d = g.get(&format!("/documenten/{id}")).await.ok();
    assert_eq!(d["bestandsNaam"], "factuur_fdp.exe");
    let c = g.get(&format!("/documenten/{id}/content")).await;
    let cd = c.headers["content-disposition"].to_str().unwrap();
    assert!(cd.contains("filename=\"factuur_fdp.exe\""), "{cd}");
    assert!(cd.contains("filename*=UTF-8''factuur%5Ffdp%2Eexe"), "{cd}");
    assert!(!cd.contains("%E2%80%AE"), "{cd}");
}

#[tokio::test]
async fn upload_shape_and_size() {
    let f = fixture().await;
    let (srv, g) = (&f.srv, &f.gemeente);
    let base = srv.snapshot().await;
    let path = upload_path(&f.sid, "RV");

    // not multipart
    let r = raw_json(
        g,
        Method::POST,
        &path,
        "application/json",
        r#"{"file": "x"}"#,
    )
    .await;
    problem(&r, 415, "verkeerd-mediatype", &[]);
    let r = g
        .send(
            g.req(Method::POST, &path)
                .header("Content-Type", "application/pdf")
                .body(DOC.to_vec()),
        )
        .await;
    problem(&r, 415, "verkeerd-mediatype", &[]);
    let r = g.send(g.req(Method::POST, &path).body(DOC.to_vec())).await;
    problem(&r, 415, "verkeerd-mediatype", &[]);
    unchanged(srv, &base, "not multipart").await;

    // multipart without the `file` part
    let form = reqwest::multipart::Form::new().text("omschrijving", "geen bestand");
    let r = g.send(g.req(Method::POST, &path).multipart(form)).await;
    problem(&r, 400, "ongeldige-invoer", &["file"]);
    let r = upload_raw(g, &f.sid, multipart_raw("bestand", b"a.pdf", DOC)).await;
    problem(&r, 400, "ongeldige-invoer", &["file"]);
    let empty = format!("--{BOUNDARY}--\r\n").into_bytes();
    let r = upload_raw(g, &f.sid, empty).await;
    assert_eq!(r.status, 400, "{}", r.json);
    problem(&r, 400, r.code(), &[]);
    unchanged(srv, &base, "no file part").await;

    // missing metadata
    let r = g
        .send(
            g.req(
                Method::POST,
                &format!("/samenwerkingen/{}/documenten", f.sid),
            )
            .multipart(pdf_form(DOC.to_vec())),
        )
        .await;
    problem(
        &r,
        400,
        "ongeldige-invoer",
        &["vertrouwelijkheidsAanduiding", "documentOmschrijving"],
    );
    unchanged(srv, &base, "missing metadata").await;

    // 2 MiB announced with Content-Length over a 1 MiB limit: refused up front, before the
    // client has sent more than the first 64 KiB
    let total = (multipart_head("groot.pdf").len() + 2 * MIB + multipart_tail().len()) as u64;
    let r = stalled_upload(g, &path, Some(total), 64 * 1024).await;
    problem(&r, 413, "te-groot", &[]);
    unchanged(srv, &base, "2 MiB with Content-Length").await;

    // chunked (no Content-Length): the limit holds while streaming. The client has sent
    // 1.25 MiB and keeps the body open; the server answers 413 without waiting for the end.
    let r = stalled_upload(g, &path, None, MIB + MIB / 4).await;
    problem(&r, 413, "te-groot", &[]);
    unchanged(srv, &base, "2 MiB chunked").await;
    // (files anywhere under tmp/: on PostgreSQL uploads go to the instance's own tmp/<id>/)
    let tmp = srv.data().join("tmp").display().to_string();
    assert!(
        !srv.files().iter().any(|(p, _)| p.starts_with(&tmp)),
        "no temp file left"
    );

    // the whole 2 MiB through a regular client, chunked: 413 or, if the server closed the
    // connection while the client was still sending, a failed request; never a document
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        (0..32).map(|_| Ok(vec![b'y'; 64 * 1024])).collect();
    let body = reqwest::Body::wrap_stream(futures_util::stream::iter(chunks));
    let part = reqwest::multipart::Part::stream(body)
        .file_name("groot-gestreamd.pdf")
        .mime_str("application/pdf")
        .unwrap();
    let form = reqwest::multipart::Form::new().part("file", part);
    if let Ok(resp) = g.req(Method::POST, &path).multipart(form).send().await {
        assert_eq!(resp.status(), 413);
    }
    unchanged(srv, &base, "2 MiB chunked, regular client").await;

    // exactly the limit is fine, with a Content-Length or streamed
    let r = g
        .upload(&f.sid, "net-niet.pdf", vec![b'z'; MIB], "RV")
        .await;
    assert_eq!(r.status, 201, "{}", r.json);
    assert_eq!(r.json["grootte"], MIB as u64);
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        (0..16).map(|_| Ok(vec![b'w'; 64 * 1024])).collect();
    let part = reqwest::multipart::Part::stream(reqwest::Body::wrap_stream(
        futures_util::stream::iter(chunks),
    ))
    .file_name("net-niet-gestreamd.pdf")
    .mime_str("application/pdf")
    .unwrap();
    let form = reqwest::multipart::Form::new().part("file", part);
    let r = g.send(g.req(Method::POST, &path).multipart(form)).await;
    assert_eq!(r.status, 201, "{}", r.json);
    assert_eq!(r.json["grootte"], MIB as u64);
    assert!(
        !srv.files().iter().any(|(p, _)| p.starts_with(&tmp)),
        "no temp file left after success"
    );
}

fn multipart_head(name: &str) -> Vec<u8> {
    format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/pdf\r\n\r\n"
    )
    .into_bytes()
}

fn multipart_tail() -> Vec<u8> {
    format!("\r\n--{BOUNDARY}--\r\n").into_bytes()
}

/// Start an upload whose body is a channel: send the part head and `send` content bytes, keep
/// the body open, and wait for the server's answer (which must come before the body ends).
async fn stalled_upload(api: &Api, path: &str, content_length: Option<u64>, send: usize) -> Resp {
    let (tx, rx) = tokio::sync::mpsc::channel::<Vec<u8>>(1024);
    tx.send(multipart_head("groot.pdf")).await.unwrap();
    let mut left = send;
    while left > 0 {
        let n = left.min(64 * 1024);
        tx.send(vec![b'g'; n]).await.unwrap();
        left -= n;
    }
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|b| (Ok::<_, std::io::Error>(b), rx))
    });
    let mut req = api
        .req(Method::POST, path)
        .header(
            "Content-Type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(reqwest::Body::wrap_stream(stream));
    if let Some(n) = content_length {
        req = req.header("Content-Length", n);
    }
    let r = tokio::time::timeout(std::time::Duration::from_secs(30), api.send(req))
        .await
        .expect("the server answers before the body is complete");
    drop(tx);
    r
}

fn pdf_form(bytes: Vec<u8>) -> reqwest::multipart::Form {
    let part = reqwest::multipart::Part::bytes(bytes)
        .file_name("a.pdf")
        .mime_str("application/pdf")
        .unwrap();
    reqwest::multipart::Form::new().part("file", part)
}

#[tokio::test]
async fn authentication_routes_and_methods() {
    let f = fixture().await;
    let (srv, g) = (&f.srv, &f.gemeente);
    let base = srv.snapshot().await;
    let url = g.url("/samenwerkingen");

    // missing or invalid bearer token
    let r = g.send(srv.http.get(&url)).await;
    problem(&r, 401, "niet-geauthenticeerd", &[]);
    for auth in [
        "Bearer swf_onbekend",
        "Bearer ",
        "Basic Z2VtZWVudGU6Z2VoZWlt",
        "swf_zonder_schema",
    ] {
        let r = g
            .send(srv.http.get(&url).header("Authorization", auth))
            .await;
        problem(&r, 401, "niet-geauthenticeerd", &[]);
    }
    let r = g
        .send(
            srv.http
                .post(&url)
                .bearer_auth("swf_onbekend")
                .json(&json!({"titel": "Zonder geldig token"})),
        )
        .await;
    problem(&r, 401, "niet-geauthenticeerd", &[]);
    unchanged(srv, &base, "bad tokens").await;

    // a trailing slash is another path: 404 as problem+json
    for p in [
        "/samenwerkingen/".to_string(),
        format!("/samenwerkingen/{}/", f.sid),
        format!("/actieverzoeken/{}/", f.av_id),
        "/bestaat-niet".to_string(),
        "/overheid/samenwerken/api/behandelen/v4/samenwerkingen".to_string(),
    ] {
        let r = g.get(&p).await;
        problem(&r, 404, "niet-gevonden", &[]);
    }
    let r = g
        .post("/samenwerkingen/", json!({"titel": "Met slash"}))
        .await;
    problem(&r, 404, "niet-gevonden", &[]);
    unchanged(srv, &base, "trailing slash").await;

    // wrong method
    for (m, p) in [
        (Method::PUT, "/samenwerkingen".to_string()),
        (Method::DELETE, "/samenwerkingen".to_string()),
        (Method::PUT, format!("/samenwerkingen/{}", f.sid)),
        (Method::DELETE, format!("/actieverzoeken/{}", f.av_id)),
        (Method::POST, format!("/documenten/{}/content", f.doc_id)),
    ] {
        let r = g
            .send(
                g.req(m.clone(), &p)
                    .header("Content-Type", "application/json")
                    .body("{}"),
            )
            .await;
        problem(&r, 405, "methode-niet-toegestaan", &[]);
        let allow = r
            .headers
            .get("allow")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        assert!(
            !allow.is_empty() && !allow.contains(m.as_str()),
            "{m} {p}: a 405 says what is allowed: {allow:?}"
        );
    }
    unchanged(srv, &base, "wrong method").await;
}

#[tokio::test]
async fn query_parameters() {
    let f = fixture().await;
    let (srv, g) = (&f.srv, &f.gemeente);
    let base = srv.snapshot().await;

    for v in ["gisteren", "2026-06-04", "2026-06-04T10:45:01", ""] {
        let r = g
            .send(
                g.req(Method::GET, "/notificaties")
                    .query(&[("eventDatumTijd[gt]", v)]),
            )
            .await;
        problem(&r, 400, "ongeldige-invoer", &["eventDatumTijd[gt]"]);
    }
    let r = g
        .send(
            g.req(Method::GET, "/notificaties")
                .query(&[("eventDatumTijd[lte]", "morgen")]),
        )
        .await;
    problem(&r, 400, "ongeldige-invoer", &["eventDatumTijd[lte]"]);

    for (p, key) in [
        ("/samenwerkingen?aantal=0", "aantal"),
        ("/samenwerkingen?aantal=1000", "aantal"),
        ("/samenwerkingen?aantal=-1", "aantal"),
        ("/samenwerkingen?aantal=tien", "aantal"),
        ("/samenwerkingen?pagina=-1", "pagina"),
        ("/notificaties?size=0", "size"),
        ("/notificaties?size=1000", "size"),
        ("/actieverzoeken?aantal=0", "aantal"),
        ("/actieverzoeken?aantal=1000", "aantal"),
    ] {
        let r = g.get(p).await;
        problem(&r, 400, "ongeldige-invoer", &[key]);
    }
    let r = g
        .get(&format!("/samenwerkingen/{}/documenten?aantal=1000", f.sid))
        .await;
    problem(&r, 400, "ongeldige-invoer", &["aantal"]);
    let r = g.get("/samenwerkingen?status=DICHT").await;
    problem(&r, 400, "ongeldige-invoer", &["status"]);
    let r = g.get("/actieverzoeken?status=KLAAR").await;
    problem(&r, 400, "ongeldige-invoer", &["status"]);
    unchanged(srv, &base, "bad query parameters").await;

    // the edges of paging are fine
    for p in ["/samenwerkingen?aantal=1", "/samenwerkingen?aantal=100"] {
        assert_eq!(g.get(p).await.status, 200, "{p}");
    }

    // a Java zone suffix after the offset is accepted (percent-encoded by the client)
    let vrv = &f.vrv;
    let all = vrv.notificaties().await.len();
    assert!(
        all > 0,
        "the fixture sent the veiligheidsregio notifications"
    );
    for (v, expect_all) in [
        ("2026-06-04T10:45:01.933+02:00[Europe/Amsterdam]", None),
        (
            "2000-01-01T00:00:00.000+01:00[Europe/Amsterdam]",
            Some(true),
        ),
        (
            "2999-01-01T00:00:00.000+01:00[Europe/Amsterdam]",
            Some(false),
        ),
        ("2000-01-01T00:00:00Z", Some(true)),
    ] {
        let req = vrv
            .req(Method::GET, "/notificaties")
            .query(&[("eventDatumTijd[gt]", v), ("size", "100")]);
        let built = req.try_clone().unwrap().build().unwrap();
        let q = built.url().query().unwrap_or("").to_owned();
        assert!(
            !q.contains('[') && !q.contains('+'),
            "the query is percent-encoded: {q}"
        );
        let r = vrv.send(req).await;
        assert_eq!(r.status, 200, "{v}: {}", r.json);
        let n = r.json["_embedded"]["notificaties"]
            .as_array()
            .map(Vec::len)
            .unwrap_or(0);
        match expect_all {
            Some(true) => assert_eq!(n, all, "{v}"),
            Some(false) => assert_eq!(n, 0, "{v}"),
            None => {}
        }
    }
    unchanged(srv, &base, "read-only queries").await;
}

#[tokio::test]
async fn download_ranges() {
    let f = fixture().await;
    let (srv, g) = (&f.srv, &f.gemeente);
    let base = srv.snapshot().await;
    let path = format!("/documenten/{}/content", f.doc_id);
    let size = DOC.len();

    let r = g.get(&path).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.bytes, DOC);
    assert_eq!(r.headers["accept-ranges"], "bytes");

    for (range, from, to) in [
        ("bytes=2-5", 2, 5),
        ("bytes=0-0", 0, 0),
        ("bytes=10-", 10, size - 1),
        ("bytes=-4", size - 4, size - 1),
        ("bytes=5-999", 5, size - 1),
    ] {
        let r = f
            .vrv
            .send(f.vrv.req(Method::GET, &path).header("Range", range))
            .await;
        assert_eq!(r.status, 206, "{range}");
        assert_eq!(r.bytes, &DOC[from..=to], "{range}");
        assert_eq!(
            r.headers["content-range"],
            format!("bytes {from}-{to}/{size}").as_str(),
            "{range}"
        );
        assert_eq!(
            r.headers["content-length"],
            (to - from + 1).to_string().as_str(),
            "{range}"
        );
    }

    for range in ["bytes=100-", "bytes=19-20", "bytes=5-2", "bytes=-0"] {
        let r = g
            .send(g.req(Method::GET, &path).header("Range", range))
            .await;
        problem(&r, 416, "bereik-ongeldig", &[]);
        assert_eq!(
            r.headers["content-range"],
            format!("bytes */{size}").as_str(),
            "{range}"
        );
    }
    unchanged(srv, &base, "downloads").await;
}

/// RFC 9110 §11.6.1 / RFC 6750 §3: a 401 tells the client how to authenticate.
#[tokio::test]
async fn unauthorized_names_the_bearer_scheme() {
    let srv = Server::start(&[]).await;
    let url = format!("{}{BASE}/samenwerkingen", srv.url);
    for req in [
        srv.http.get(&url),
        srv.http.get(&url).bearer_auth("swf_onbekend"),
    ] {
        let r = req.send().await.unwrap();
        assert_eq!(r.status(), 401);
        let h = r
            .headers()
            .get("www-authenticate")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        assert!(
            h.to_ascii_lowercase().starts_with("bearer"),
            "a 401 must carry `WWW-Authenticate: Bearer ...`, got {h:?}"
        );
    }
}
