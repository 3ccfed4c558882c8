//! Unit tests of the remote API: base URLs, secrets, error mapping.
use super::*;

#[test]
fn base_urls() {
    let b = swf_domain::BASE_PATH;
    assert_eq!(
        api_base("http://127.0.0.1:8080").unwrap(),
        format!("http://127.0.0.1:8080{b}")
    );
    assert_eq!(
        api_base("https://swf.example/").unwrap(),
        format!("https://swf.example{b}")
    );
    assert_eq!(
        api_base("https://x.nl/pre/").unwrap(),
        format!("https://x.nl/pre{b}")
    );
    assert_eq!(
        api_base(&format!("https://x.nl{b}/")).unwrap(),
        format!("https://x.nl{b}")
    );
    for bad in [
        "",
        "swf.example",
        "ftp://x.nl",
        "http://x.nl/?a=1",
        "http://u:p@x.nl",
        "http://",
    ] {
        assert!(
            matches!(api_base(bad), Err(ClientError::Config(_))),
            "{bad}"
        );
    }
}

#[test]
fn secrets_do_not_print() {
    let s = Secret::new("swf_geheim");
    assert_eq!(format!("{s:?} {s}"), "*** ***");
    let api = RemoteApi::new(RemoteConfig::new("http://127.0.0.1:1")).unwrap();
    api.set_token(Some("swf_geheim".into()));
    assert!(!format!("{api:?}").contains("geheim"));
}

#[test]
fn problems_map_to_errors() {
    let p = |status: u16, body: &str| {
        map_error(StatusCode::from_u16(status).unwrap(), None, body.as_bytes())
    };
    assert!(matches!(p(401, "{}"), ClientError::Unauthorized));
    assert!(matches!(p(403, r#"{"detail":"nee"}"#), ClientError::Forbidden(d) if d == "nee"));
    assert!(matches!(p(404, r#"{"detail":"weg"}"#), ClientError::NotFound(d) if d == "weg"));
    assert!(matches!(
        p(409, r#"{"detail":"later"}"#),
        ClientError::Conflict(_)
    ));
    assert!(matches!(p(412, "{}"), ClientError::Conflict(_)));
    match p(
        400,
        r#"{"detail":"titel: verplicht","code":"ongeldige-invoer","invalid-params":[{"name":"titel","code":"required","reason":"verplicht"}]}"#,
    ) {
        ClientError::Validation { message, params } => {
            assert_eq!(message, "titel: verplicht");
            assert_eq!(params, vec![("titel".to_owned(), "verplicht".to_owned())]);
        }
        e => panic!("{e:?}"),
    }
    assert!(matches!(p(413, "{}"), ClientError::Validation { .. }));
    assert!(matches!(p(422, "{}"), ClientError::Validation { .. }));
    assert!(matches!(
        p(410, r#"{"code":"cursor-verlopen"}"#),
        ClientError::CursorExpired
    ));
    assert!(matches!(
        map_error(
            StatusCode::TOO_MANY_REQUESTS,
            Some(Duration::from_secs(120)),
            b"{}"
        ),
        ClientError::TooManyRequests(120)
    ));
    match p(503, r#"{"detail":"db weg","code":"niet-beschikbaar"}"#) {
        ClientError::Server {
            status,
            code,
            message,
        } => {
            assert_eq!(
                (status, code.as_deref(), message.as_str()),
                (503, Some("niet-beschikbaar"), "db weg")
            );
        }
        e => panic!("{e:?}"),
    }
    // a proxy's HTML page still maps by status
    match p(502, "<html>bad gateway</html>") {
        ClientError::Server {
            status: 502,
            code: None,
            message,
        } => assert_eq!(message, "bad gateway"),
        e => panic!("{e:?}"),
    }
}

#[test]
fn retry_after_values() {
    let mut h = HeaderMap::new();
    h.insert(RETRY_AFTER, HeaderValue::from_static("7"));
    assert_eq!(retry_after(&h), Some(Duration::from_secs(7)));
    h.insert(
        RETRY_AFTER,
        HeaderValue::from_static("Sun, 06 Nov 1994 08:49:37 GMT"),
    );
    assert_eq!(retry_after(&h), Some(Duration::ZERO));
    h.insert(RETRY_AFTER, HeaderValue::from_static("straks"));
    assert_eq!(retry_after(&h), None);
}

#[test]
fn segments_are_encoded() {
    assert_eq!(seg("SW-2026/01 a"), "SW-2026%2F01%20a");
    assert_eq!(seg("00000001002220647000"), "00000001002220647000");
}
