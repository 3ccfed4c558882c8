//! The authorisation matrix, generated from the rule table of `swf-domain`: every action ×
//! every actor kind × every samenwerking state, over real HTTP. Each case asserts the exact
//! status and, when refused, that the database and the data folder did not change.
use serde_json::{json, Value};
use swf_domain::{
    authorize, authorize_actieverzoek, status_meant_instead, ActieverzoekAction,
    ActieverzoekStatus, Action, ActorKind, Denied, Party, SamenwerkingStatus,
};
use swf_testkit::*;

/// One samenwerking with every kind of actor and the documents the actions need.
struct Fixture {
    sid: String,
    rv: String,
    sv: String,
    own: Vec<(String, String)>, // (oin, document id uploaded by that oin)
}

fn actor_oin(a: ActorKind) -> &'static str {
    match a {
        ActorKind::Initiator => GEMEENTE,
        ActorKind::PartnerVolledig => VRV,
        ActorKind::PartnerBeperkt => BUREAU,
        ActorKind::RemovedPartner => WATERSCHAP,
        ActorKind::Outsider => BUITENSTAANDER,
    }
}

async fn fixture(apis: &Apis, state: SamenwerkingStatus) -> Fixture {
    let g = &apis.of(GEMEENTE);
    let mut body = json!({"titel": "Matrix", "deelnemers": [
        {"oin": VRV, "privilege": "VOLLEDIGE_TOEGANG"},
        {"oin": BUREAU, "privilege": "BEPERKTE_TOEGANG"},
        {"oin": WATERSCHAP, "privilege": "VOLLEDIGE_TOEGANG"}]});
    if state == SamenwerkingStatus::Initialisatie {
        body["verzoeknummer"] = json!("2026000001");
    }
    let sid = g.post("/samenwerkingen", body).await.ok()["samenwerkingId"]
        .as_str()
        .unwrap()
        .to_owned();
    let id = |v: Value| v["documentId"].as_str().unwrap().to_owned();
    let rv = id(g.upload(&sid, "rv.pdf", b"rv".to_vec(), "RV").await.ok());
    let sv = id(g.upload(&sid, "sv.pdf", b"sv".to_vec(), "SV").await.ok());
    let mut own = vec![(GEMEENTE.to_owned(), rv.clone())];
    for o in [VRV, BUREAU, WATERSCHAP] {
        own.push((
            o.to_owned(),
            id(apis
                .of(o)
                .upload(&sid, "eigen.pdf", b"eigen".to_vec(), "RV")
                .await
                .ok()),
        ));
    }
    assert_eq!(
        g.delete(&format!("/samenwerkingen/{sid}/deelnemers/{WATERSCHAP}"))
            .await
            .status,
        204
    );
    if matches!(
        state,
        SamenwerkingStatus::Gesloten | SamenwerkingStatus::Verwijderd
    ) {
        g.close(&sid).await;
    }
    if state == SamenwerkingStatus::Verwijderd {
        assert_eq!(
            g.delete(&format!("/samenwerkingen/{sid}")).await.status,
            204
        );
    }
    Fixture { sid, rv, sv, own }
}

struct Apis(Vec<Api>);
impl Apis {
    fn of(&self, oin: &str) -> &Api {
        self.0.iter().find(|a| a.oin == oin).unwrap()
    }
}

/// Perform `action` as `api`; returns (status, the status that success has).
async fn perform(api: &Api, f: &Fixture, action: Action) -> (u16, u16) {
    let sid = &f.sid;
    let me = api.oin.as_str();
    let own = f
        .own
        .iter()
        .find(|(o, _)| o == me)
        .map(|(_, d)| d.clone())
        .unwrap_or_else(|| f.rv.clone());
    let others = f
        .own
        .iter()
        .find(|(o, _)| o != me && o != WATERSCHAP)
        .map(|(_, d)| d.clone())
        .unwrap();
    let other_party = if me == GEMEENTE { VRV } else { GEMEENTE };
    let r = match action {
        Action::ViewSamenwerking => (api.get(&format!("/samenwerkingen/{sid}")).await, 200),
        Action::ChangeMetadata => (
            api.patch(
                &format!("/samenwerkingen/{sid}"),
                json!({"titel": "Nieuwe titel"}),
            )
            .await,
            200,
        ),
        Action::Close => (
            api.patch(
                &format!("/samenwerkingen/{sid}"),
                json!({"status": {"status": "GESLOTEN"}}),
            )
            .await,
            200,
        ),
        Action::Delete => (api.delete(&format!("/samenwerkingen/{sid}")).await, 204),
        Action::ListDeelnemers => (
            api.get(&format!("/samenwerkingen/{sid}/deelnemers")).await,
            200,
        ),
        Action::InviteDeelnemer => (
            api.post(
                &format!("/samenwerkingen/{sid}/deelnemers"),
                json!({"oin": BUITENSTAANDER, "privilege": "BEPERKTE_TOEGANG"}),
            )
            .await,
            201,
        ),
        Action::ChangePrivilege => (
            api.patch(
                &format!("/samenwerkingen/{sid}/deelnemers/{BUREAU}"),
                json!({"privilege": "VOLLEDIGE_TOEGANG"}),
            )
            .await,
            200,
        ),
        Action::RemoveDeelnemer => (
            api.delete(&format!("/samenwerkingen/{sid}/deelnemers/{BUREAU}"))
                .await,
            204,
        ),
        Action::ListDocumenten => (
            api.get(&format!("/samenwerkingen/{sid}/documenten")).await,
            200,
        ),
        Action::ViewDocumentRv => (api.get(&format!("/documenten/{}/content", f.rv)).await, 200),
        Action::ViewDocumentSv => (api.get(&format!("/documenten/{}/content", f.sv)).await, 200),
        Action::UploadDocumentRv => (
            api.upload(sid, "nieuw.pdf", b"nieuw".to_vec(), "RV").await,
            201,
        ),
        Action::UploadDocumentSv => (
            api.upload(sid, "nieuw.pdf", b"nieuw".to_vec(), "SV").await,
            201,
        ),
        Action::ChangeOwnDocument => (
            api.patch(
                &format!("/documenten/{own}"),
                json!({"documentOmschrijving": "anders"}),
            )
            .await,
            200,
        ),
        Action::ChangeOthersDocument => (
            api.patch(
                &format!("/documenten/{others}"),
                json!({"documentOmschrijving": "anders"}),
            )
            .await,
            200,
        ),
        Action::DeleteOwnDocument => (api.delete(&format!("/documenten/{own}")).await, 204),
        Action::DeleteOthersDocument => (api.delete(&format!("/documenten/{others}")).await, 204),
        Action::CreateActieverzoek => (
            api.post(
                &format!("/samenwerkingen/{sid}/actieverzoeken"),
                json!({"titel": "Vraag", "omschrijving": "Graag", "ontvanger": other_party}),
            )
            .await,
            201,
        ),
        Action::ListActieverzoeken => (
            api.get(&format!("/actieverzoeken?samenwerkingId={sid}"))
                .await,
            200,
        ),
        Action::ViewNotificaties => (
            api.get(&format!("/samenwerkingen/{sid}/notificaties"))
                .await,
            200,
        ),
        Action::ViewHistorie => (
            api.get(&format!("/samenwerkingen/{sid}/historie")).await,
            200,
        ),
    };
    if !r.0.status.is_success() {
        assert_eq!(
            r.0.headers["content-type"], "application/problem+json",
            "{action:?}: {}",
            r.0.json
        );
    }
    (r.0.status.as_u16(), r.1)
}

#[tokio::test]
async fn every_action_by_every_actor_in_every_state() {
    let mut cases = 0;
    let mut failures = Vec::new();
    for state in SamenwerkingStatus::ALL {
        for action in Action::ALL {
            // A fresh service per state and action: "nothing changed" compares a dump of the
            // whole database and data folder, which on one service grew with every fixture
            // (400 of them) and made this test quadratic — six minutes of dumping.
            let srv = Server::start(&[]).await;
            let apis = Apis(
                [GEMEENTE, VRV, BUREAU, WATERSCHAP, BUITENSTAANDER]
                    .iter()
                    .map(|o| srv.as_org(o))
                    .collect(),
            );
            for actor in ActorKind::ALL {
                let expected = authorize(*actor, *action, *state);
                let f = fixture(&apis, *state).await;
                let before = if expected.is_err() {
                    Some(srv.snapshot().await)
                } else {
                    None
                };
                let (got, success) = perform(apis.of(actor_oin(*actor)), &f, *action).await;
                let want = expected
                    .map(|_| success)
                    .unwrap_or_else(|d| d.http_status());
                cases += 1;
                if got != want {
                    failures.push(format!(
                        "{state} {action:?} by {actor:?}: expected {want}, got {got}"
                    ));
                } else if let Some(before) = before {
                    if before != srv.snapshot().await {
                        failures.push(format!("{state} {action:?} by {actor:?}: refused ({got}) but something changed"));
                    }
                }
            }
        }
    }
    assert_eq!(
        cases,
        SamenwerkingStatus::ALL.len() * Action::ALL.len() * ActorKind::ALL.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {cases} cases wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Drive a fresh actieverzoek from GEMEENTE (zender) to VRV (ontvanger) into `target`.
async fn actieverzoek_in(g: &Api, v: &Api, sid: &str, target: ActieverzoekStatus) -> String {
    let a = g
        .post(
            &format!("/samenwerkingen/{sid}/actieverzoeken"),
            json!({"titel": "Advies", "omschrijving": "Graag advies", "ontvanger": VRV}),
        )
        .await
        .ok();
    let id = a["actieverzoekId"].as_str().unwrap().to_owned();
    let path = format!("/actieverzoeken/{id}");
    use ActieverzoekStatus::*;
    let steps: &[(&Api, &str)] = match target {
        Open => &[],
        InBehandeling => &[(v, "IN_BEHANDELING")],
        Geweigerd => &[(v, "GEWEIGERD")],
        Gereedgemeld => &[(v, "GEREEDGEMELD")],
        Gereed => &[(v, "GEREEDGEMELD"), (g, "GEREED")],
        Ingetrokken => &[(g, "INGETROKKEN")],
    };
    for (api, status) in steps {
        api.patch(&path, json!({"status": status})).await.ok();
    }
    id
}

#[tokio::test]
async fn every_actieverzoek_action_by_every_party_in_every_state() {
    let srv = Server::start(&[]).await;
    let g = srv.as_org(GEMEENTE);
    let v = srv.as_org(VRV);
    let b = srv.as_org(BUREAU);
    let party_api = |p: Party| match p {
        Party::Zender => &g,
        Party::Ontvanger => &v,
        Party::Other => &b,
    };
    let mut failures = Vec::new();
    let mut cases = 0;
    for sam_state in [SamenwerkingStatus::Open, SamenwerkingStatus::Gesloten] {
        let sid = g
            .start(
                "Actieverzoeken",
                &[(VRV, "VOLLEDIGE_TOEGANG"), (BUREAU, "VOLLEDIGE_TOEGANG")],
            )
            .await;
        // prepare one actieverzoek per case first, then close the samenwerking if needed
        let mut planned = Vec::new();
        for av_state in ActieverzoekStatus::ALL {
            for action in ActieverzoekAction::all() {
                for party in Party::ALL {
                    planned.push((
                        *av_state,
                        action,
                        *party,
                        actieverzoek_in(&g, &v, &sid, *av_state).await,
                    ));
                }
            }
        }
        if sam_state == SamenwerkingStatus::Gesloten {
            g.close(&sid).await;
        }
        for (av_state, action, party, id) in planned {
            let api = party_api(party);
            let path = format!("/actieverzoeken/{id}");
            let (resp, success, want) = match action {
                ActieverzoekAction::View => (
                    api.get(&path).await,
                    200,
                    authorize_actieverzoek(party, action, sam_state, av_state),
                ),
                ActieverzoekAction::EditContent => (
                    api.patch(&path, json!({"titel": "Andere titel"})).await,
                    200,
                    authorize_actieverzoek(party, action, sam_state, av_state),
                ),
                ActieverzoekAction::PostBericht => (
                    api.post(&format!("{path}/berichten"), json!({"bericht": "Vraag"}))
                        .await,
                    201,
                    authorize_actieverzoek(party, action, sam_state, av_state),
                ),
                ActieverzoekAction::AttachDocument | ActieverzoekAction::DetachDocument => continue, // covered in the scenario tests
                ActieverzoekAction::ChangeStatus(to) => {
                    let want = if party != Party::Other && to == av_state {
                        Ok(()) // same status: a no-op, as DSO clients resend the current status
                    } else if sam_state.is_active()
                        && status_meant_instead(party, av_state, to).is_some()
                    {
                        // GEREED asked by the receiver: 409 naming GEREEDGEMELD (decision D7)
                        Err(Denied::WrongState)
                    } else {
                        authorize_actieverzoek(
                            party,
                            ActieverzoekAction::ChangeStatus(to),
                            sam_state,
                            av_state,
                        )
                    };
                    (
                        api.patch(&path, json!({"status": to.as_str(), "melding": "m"}))
                            .await,
                        200,
                        want,
                    )
                }
            };
            cases += 1;
            let want = want.map(|_| success).unwrap_or_else(|d| d.http_status());
            if resp.status.as_u16() != want {
                failures.push(format!(
                    "{sam_state}/{av_state} {action:?} by {party:?}: expected {want}, got {} {}",
                    resp.status, resp.json["detail"]
                ));
            }
        }
    }
    assert!(cases > 200);
    assert!(
        failures.is_empty(),
        "{} of {cases} cases wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
