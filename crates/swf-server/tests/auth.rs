//! Signing in and out: argon2id passwords set with the admin CLI, bearer tokens that expire
//! and can be revoked, and a throttle on repeated wrong passwords.
use swf_testkit::*;

#[tokio::test]
async fn sign_in_use_the_token_and_sign_out() {
    let srv = Server::start(&[]).await;
    srv.add_user("vera", "Vera", GEMEENTE, "geheim-wachtwoord\n");
    let r = srv.sign_in("vera", "geheim-wachtwoord").await;
    assert_eq!(r.status, 201, "{}", r.json);
    assert_eq!(r.json["tokenType"], "Bearer");
    assert_eq!(r.json["organisatie"]["oin"], GEMEENTE);
    assert!(r.json["verlooptOp"].is_string());
    let token = r.json["accessToken"].as_str().unwrap().to_owned();
    let api = srv.with_token(&token);
    let me = api.get("/organisaties/mijn").await.ok();
    assert_eq!(me["gebruikersnaam"], "vera");
    // the token is stored hashed, never as sent
    assert!(!srv.db_dump().await.contains(&token));
    // the sign-in is in the audit log
    assert!(srv.db_dump().await.contains("aangemeld"));
    // signing out revokes it at once
    assert_eq!(api.delete("/auth/token").await.status, 204);
    let after = api.get("/organisaties/mijn").await;
    assert_eq!(after.status, 401);
    assert_eq!(
        after.headers["www-authenticate"],
        "Bearer realm=\"samenwerkruimte\""
    );
}

/// Issue 10, item 6: the app shows "Vera Vergunningverlener", not the sign-in name; the service
/// is the one that knows it. A system token acts for no person: no name.
#[tokio::test]
async fn the_token_and_mijn_organisatie_carry_the_users_name() {
    let srv = Server::start(&[]).await;
    srv.add_user(
        "vergunningverlener",
        "Vera Vergunningverlener",
        GEMEENTE,
        "geheim-wachtwoord\n",
    );
    let r = srv.sign_in("vergunningverlener", "geheim-wachtwoord").await;
    assert_eq!(r.status, 201, "{}", r.json);
    assert_eq!(r.json["gebruikersnaam"], "vergunningverlener");
    assert_eq!(r.json["naam"], "Vera Vergunningverlener");
    let token = r.json["accessToken"].as_str().unwrap().to_owned();
    let me = srv.with_token(&token).get("/organisaties/mijn").await.ok();
    assert_eq!(me["gebruikersnaam"], "vergunningverlener");
    assert_eq!(me["naam"], "Vera Vergunningverlener");
    let sys = srv.as_org(VRV).get("/organisaties/mijn").await.ok();
    assert_eq!(sys["gebruikersnaam"], serde_json::Value::Null);
    assert_eq!(sys["naam"], serde_json::Value::Null);
}

#[tokio::test]
async fn wrong_passwords_are_refused_and_then_throttled() {
    let srv = Server::start(&[]).await;
    srv.add_user("vera", "Vera", GEMEENTE, "geheim-wachtwoord");
    srv.add_user("adriaan", "Adriaan", VRV, "ander-wachtwoord");
    let unknown = srv.sign_in("niemand", "x").await;
    assert_eq!(
        (unknown.status.as_u16(), unknown.code()),
        (401, "onjuiste-inlog"),
        "unknown user looks like a wrong password"
    );
    for _ in 0..5 {
        let r = srv.sign_in("vera", "fout").await;
        assert_eq!((r.status.as_u16(), r.code()), (401, "onjuiste-inlog"));
    }
    // now even the right password waits
    let blocked = srv.sign_in("Vera", "geheim-wachtwoord").await;
    assert_eq!(
        (blocked.status.as_u16(), blocked.code()),
        (429, "te-veel-pogingen")
    );
    let wait: u64 = blocked.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(wait > 0 && wait <= 900);
    // another user is not affected
    assert_eq!(srv.sign_in("adriaan", "ander-wachtwoord").await.status, 201);
}

#[tokio::test]
async fn expired_and_unknown_tokens_are_refused() {
    let srv = Server::start(&[("SWF_TOKEN_TTL_HOURS", "0")]).await;
    srv.add_user("vera", "Vera", GEMEENTE, "geheim-wachtwoord");
    let r = srv.sign_in("vera", "geheim-wachtwoord").await;
    let token = r.json["accessToken"].as_str().unwrap().to_owned();
    let expired = srv.with_token(&token).get("/samenwerkingen").await;
    assert_eq!(
        (expired.status.as_u16(), expired.code()),
        (401, "niet-geauthenticeerd")
    );
    assert!(expired.json["detail"]
        .as_str()
        .unwrap()
        .contains("verlopen"));
    let unknown = srv
        .with_token("swf_bestaat-niet")
        .get("/samenwerkingen")
        .await;
    assert_eq!(unknown.status, 401);
    // system tokens from the admin CLI do not expire and act for their organisation
    let sys = srv.as_org(VRV);
    assert_eq!(
        sys.get("/organisaties/mijn").await.ok()["organisatie"]["oin"],
        VRV
    );
}

#[test]
fn admin_cli_refuses_bad_input_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        std::process::Command::new(bin())
            .arg("--data")
            .arg(dir.path())
            .args(args)
            .output()
            .unwrap()
    };
    let bad_oin = run(&["org", "add", "--oin", "123", "--naam", "X"]);
    assert!(!bad_oin.status.success());
    assert!(String::from_utf8_lossy(&bad_oin.stderr).contains("20 cijfers"));
    let no_org = run(&["token", "create", "--oin", GEMEENTE, "--omschrijving", "x"]);
    assert!(!no_org.status.success());
    assert!(String::from_utf8_lossy(&no_org.stderr).contains("bestaat niet"));
    assert!(
        run(&["org", "add", "--oin", GEMEENTE, "--naam", "Gemeente", "--soort", "GEMEENTE"])
            .status
            .success()
    );
    let dup = run(&[
        "org", "add", "--oin", GEMEENTE, "--naam", "Gemeente", "--soort", "GEMEENTE",
    ]);
    assert!(!dup.status.success(), "an organisation is added once");
    let list = run(&["org", "list", "--zoek", "gemeente"]);
    assert!(String::from_utf8_lossy(&list.stdout).contains(GEMEENTE));
}
