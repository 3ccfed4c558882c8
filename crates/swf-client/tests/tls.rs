//! HTTPS with an organisation's own CA (a TLS-intercepting proxy, an internal service): with
//! the CA configured the engine connects; without it the user gets a clear "not trusted"
//! message that says what to set, and the circuit breaker does not take it for an outage.
use std::sync::Arc;
use std::time::Duration;
use swf_client::remote::{RemoteApi, RemoteConfig};
use swf_client::{ClientError, ErrorCode};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_rustls::rustls;

const BODY: &str = r#"{"organisatie":{"oin":"00000001812579446000","naam":"Veiligheidsregio Oefenland","soort":"VEILIGHEIDSREGIO"},"gebruikersnaam":"adviseur"}"#;

/// An HTTPS peer on 127.0.0.1 with a certificate for "localhost" from a fresh CA; answers
/// every request with `BODY`. Returns (port, CA certificate PEM).
async fn https_peer() -> (u16, String) {
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "Test-CA Gemeente Oefenstad");
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let key = rcgen::KeyPair::generate().unwrap();
    let params = rcgen::CertificateParams::new(vec!["localhost".to_owned()]).unwrap();
    let cert = params.signed_by(&key, &ca, &ca_key).unwrap();

    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![cert.der().clone()],
            rustls::pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into()),
        )
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        // bounded: the tests make a handful of connections
        for _ in 0..20 {
            let Ok((tcp, _)) = listener.accept().await else {
                return;
            };
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let mut buf = vec![0u8; 8192];
                let _ = tls.read(&mut buf).await;
                let resp = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{BODY}",
                    BODY.len()
                );
                let _ = tls.write_all(resp.as_bytes()).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    (port, ca.pem())
}

fn config(port: u16) -> RemoteConfig {
    let mut c = RemoteConfig::new(format!("https://localhost:{port}"));
    c.connect_timeout = Duration::from_secs(5);
    c
}

#[tokio::test]
async fn an_organisations_own_ca_is_trusted_once_configured() {
    let (port, ca_pem) = https_peer().await;
    let dir = tempfile::tempdir().unwrap();
    let ca_file = dir.path().join("organisatie-ca.pem");
    std::fs::write(&ca_file, ca_pem).unwrap();
    let mut c = config(port);
    c.ca_certificates = vec![ca_file];
    let api = RemoteApi::new(c).unwrap();
    api.set_token(Some("swf_test".into()));
    let me = api
        .mijn_organisatie()
        .await
        .expect("trusted through the configured CA");
    assert_eq!(me.organisatie.naam, "Veiligheidsregio Oefenland");
}

#[tokio::test]
async fn an_untrusted_certificate_says_what_to_configure_and_is_not_an_outage() {
    let (port, _) = https_peer().await;
    let api = RemoteApi::new(config(port)).unwrap();
    api.set_token(Some("swf_test".into()));
    for _ in 0..4 {
        let e = api.mijn_organisatie().await.unwrap_err();
        assert!(matches!(e, ClientError::Config(_)), "{e:?}");
        assert_eq!(e.code(), ErrorCode::Validation);
        let msg = e.to_string();
        assert!(
            msg.contains("niet vertrouwt") && msg.contains("SWF_CA_CERT"),
            "{msg}"
        );
    }
    assert!(!api.breaker_open(), "a trust problem is not an outage");
}
