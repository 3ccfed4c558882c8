//! The checklist follows the case step by step: each action ticks its step and nothing else;
//! clicking nothing ticks nothing.
use super::*;

const VV: &str = "00000099000000000001";
const AD: &str = "00000099000000000005";
const SID: &str = "SAM-1";

/// The learner's two mirrors and local actions, changed step by step.
struct Casus {
    v: Option<SamenwerkingFeiten>,
    a: Option<SamenwerkingFeiten>,
    gedaan: Vec<Gedaan>,
}

impl Casus {
    fn new() -> Self {
        Casus {
            v: None,
            a: None,
            gedaan: Vec::new(),
        }
    }

    fn voortgang(&self) -> Vec<Oefening> {
        voortgang(&Stand {
            vergunningverlener: VV,
            bij_vergunningverlener: self.v.as_ref(),
            bij_adviseur: self.a.as_ref(),
            samenwerking_id: Some(SID),
            adviseur: Some(AD),
            gedaan: &self.gedaan,
        })
    }

    /// The steps that are done, as ids.
    fn gedaan_ids(&self) -> Vec<&'static str> {
        self.voortgang()
            .iter()
            .flat_map(|o| o.stappen.iter())
            .filter(|s| s.gedaan)
            .map(|s| s.id)
            .collect()
    }

    fn klaar(&self) -> Vec<u8> {
        self.voortgang()
            .iter()
            .filter(|o| o.klaar)
            .map(|o| o.nummer)
            .collect()
    }

    fn doe(&mut self, oin: &str, h: Handeling) {
        self.gedaan.push(Gedaan {
            oin: oin.into(),
            handeling: h,
        });
    }

    /// Both mirrors see the same samenwerking (after a sync).
    fn sync(&mut self) {
        if let Some(v) = &self.v {
            let mut a = v.clone();
            // read marks are per mirror
            a.notificaties = self
                .a
                .as_ref()
                .map(|x| x.notificaties.clone())
                .unwrap_or_default();
            self.a = Some(a);
        }
    }

    fn v(&mut self) -> &mut SamenwerkingFeiten {
        self.v.get_or_insert_with(SamenwerkingFeiten::default)
    }
    fn a(&mut self) -> &mut SamenwerkingFeiten {
        self.a.get_or_insert_with(SamenwerkingFeiten::default)
    }
}

#[test]
fn nothing_done_nothing_ticked() {
    let c = Casus::new();
    assert!(c.gedaan_ids().is_empty());
    assert!(c.klaar().is_empty());
    let v = c.voortgang();
    assert_eq!(v.len(), 5);
    let rollen: Vec<OefenRol> = v.iter().map(|o| o.rol).collect();
    use OefenRol::*;
    assert_eq!(
        rollen,
        [
            Vergunningverlener,
            Adviseur,
            Vergunningverlener,
            Adviseur,
            Vergunningverlener
        ]
    );
    // every step names the role that does it: the exercise's
    for o in &v {
        assert!(o.stappen.iter().all(|s| s.rol == o.rol), "{o:?}");
    }
}

#[test]
fn the_five_exercises_step_by_step() {
    let mut c = Casus::new();

    // ---- 1: start with a name and a verzoeknummer
    c.v().id = SID.into();
    c.v().titel = "Dakopbouw Kerkstraat 1".into();
    c.v().status = Some(SamenwerkingStatus::Initialisatie);
    assert_eq!(c.gedaan_ids(), ["1.naam"]);
    c.v().verzoeknummer = Some("2099010100001".into());
    // the verzoek's documents arrive in the initiator's name: not the learner's own document
    c.v().status = Some(SamenwerkingStatus::Open);
    c.v().documenten.push((Uuid::from_u128(1), VV.into(), true));
    c.v().documenten.push((Uuid::from_u128(2), VV.into(), true));
    assert_eq!(c.gedaan_ids(), ["1.naam", "1.verzoeknummer"]);
    // invite the adviser, with or without access to confidential documents
    c.v().partners.push((AD.into(), Privilege::BeperkteToegang));
    assert_eq!(
        c.gedaan_ids(),
        ["1.naam", "1.verzoeknummer", "1.adviseur", "1.toegang"]
    );
    assert!(c.klaar().is_empty());
    // ask advice: exercise 1 is done (its optional steps do not hold it up)
    c.v()
        .actieverzoeken
        .push((VV.into(), AD.into(), ActieverzoekStatus::Open));
    assert_eq!(c.klaar(), [1]);
    // optional: add a document, withdraw and ask again
    c.v()
        .documenten
        .push((Uuid::from_u128(3), VV.into(), false));
    assert!(c.gedaan_ids().contains(&"1.document"));
    c.v().actieverzoeken[0].2 = ActieverzoekStatus::Ingetrokken;
    assert!(
        !c.gedaan_ids().contains(&"1.actieverzoek"),
        "withdrawn: no open advice request"
    );
    c.v()
        .actieverzoeken
        .push((VV.into(), AD.into(), ActieverzoekStatus::Open));
    assert!(c.gedaan_ids().contains(&"1.intrekken"));
    assert!(c.gedaan_ids().contains(&"1.actieverzoek"));

    // ---- 2: the adviser
    c.a().notificaties = vec![(NotificatieType::UitnodigingKetenpartner, false)];
    c.sync();
    assert!(!c.gedaan_ids().contains(&"2.notificaties"), "not read yet");
    c.a().notificaties[0].1 = true;
    assert!(c.gedaan_ids().contains(&"2.notificaties"));
    // looking at the deelnemers and the request are actions, not mirror content
    c.doe(
        VV,
        Handeling::DeelnemersBekeken {
            samenwerking_id: SID.into(),
        },
    );
    assert!(
        !c.gedaan_ids().contains(&"2.deelnemers"),
        "the other role looking does not count"
    );
    c.doe(
        AD,
        Handeling::DeelnemersBekeken {
            samenwerking_id: SID.into(),
        },
    );
    c.doe(
        AD,
        Handeling::ActieverzoekBekeken {
            samenwerking_id: "SAM-999".into(),
        },
    );
    assert!(
        !c.gedaan_ids().contains(&"2.adviesverzoek"),
        "another samenwerking does not count"
    );
    c.doe(
        AD,
        Handeling::ActieverzoekBekeken {
            samenwerking_id: SID.into(),
        },
    );
    assert!(c.gedaan_ids().contains(&"2.adviesverzoek"));
    let advies = Uuid::from_u128(9);
    c.v().documenten.push((advies, AD.into(), false));
    c.sync();
    assert!(c.gedaan_ids().contains(&"2.adviesrapport"));
    assert!(!c.klaar().contains(&2));
    c.v().actieverzoeken[1].2 = ActieverzoekStatus::Gereedgemeld;
    c.sync();
    assert_eq!(c.klaar(), [1, 2]);

    // ---- 3: the vergunningverlener reads, looks at the advice, closes
    c.v().notificaties = vec![(NotificatieType::DocumentToegevoegd, false)];
    assert!(!c.gedaan_ids().contains(&"3.notificaties"));
    c.v().notificaties[0].1 = true;
    assert!(c.gedaan_ids().contains(&"3.notificaties"));
    c.doe(
        VV,
        Handeling::DocumentGeopend {
            samenwerking_id: SID.into(),
            document_id: Uuid::from_u128(3),
        },
    );
    assert!(
        !c.gedaan_ids().contains(&"3.advies"),
        "its own document is not the advice"
    );
    c.doe(
        VV,
        Handeling::DocumentGeopend {
            samenwerking_id: SID.into(),
            document_id: advies,
        },
    );
    assert!(c.gedaan_ids().contains(&"3.advies"));
    c.v().status = Some(SamenwerkingStatus::Gesloten);
    c.sync();
    assert_eq!(c.klaar(), [1, 2, 3]);

    // ---- 4: the adviser sees it closed and archives
    c.doe(
        AD,
        Handeling::SamenwerkingBekeken {
            samenwerking_id: SID.into(),
            status: SamenwerkingStatus::Open,
        },
    );
    assert!(!c.gedaan_ids().contains(&"4.gesloten"), "seen open only");
    c.doe(
        AD,
        Handeling::SamenwerkingBekeken {
            samenwerking_id: SID.into(),
            status: SamenwerkingStatus::Gesloten,
        },
    );
    c.doe(
        AD,
        Handeling::Gearchiveerd {
            samenwerking_id: SID.into(),
        },
    );
    assert_eq!(c.klaar(), [1, 2, 3, 4]);
    assert!(
        !c.gedaan_ids().contains(&"5.archiveren"),
        "the adviser's archive is not the vergunningverlener's"
    );

    // ---- 5: the vergunningverlener archives and deletes
    c.doe(
        VV,
        Handeling::Gearchiveerd {
            samenwerking_id: SID.into(),
        },
    );
    c.doe(
        VV,
        Handeling::Verwijderd {
            samenwerking_id: SID.into(),
        },
    );
    assert!(
        !c.gedaan_ids().contains(&"5.verwijderen"),
        "still in the mirror: not deleted yet"
    );
    // the delete reaches both mirrors: nothing of the samenwerking is left, and every step
    // done before stays done
    c.v = None;
    c.a = None;
    assert_eq!(c.klaar(), [1, 2, 3, 4, 5]);
    assert!(c.gedaan_ids().contains(&"5.verwijderen"));
}

#[test]
fn actions_serialise_for_the_local_log() {
    let g = Gedaan {
        oin: AD.into(),
        handeling: Handeling::DocumentGeopend {
            samenwerking_id: SID.into(),
            document_id: Uuid::from_u128(9),
        },
    };
    let json = serde_json::to_string(&g).unwrap_or_default();
    assert!(json.contains(r#""soort":"documentGeopend""#), "{json}");
    let back: Gedaan = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(back, g);
}

/// The app's log of a run: the first samenwerking started becomes the exercises' (a second one
/// does not take its place), the adviser is the first ketenpartner and stays known after the
/// samenwerking is gone, an action is kept once, and the log survives a save and a load.
#[test]
fn the_log_of_a_run_keeps_the_first_samenwerking_and_the_adviser() {
    let mut log = Logboek::default();
    assert!(voortgang(&log.stand(None, None))
        .iter()
        .all(|o| o.stappen.iter().all(|s| !s.gedaan)));
    assert!(log.gestart(VV, SID));
    assert!(
        !log.gestart(AD, "SAM-2"),
        "a second samenwerking is not the exercises'"
    );
    assert_eq!(log.samenwerking_id.as_deref(), Some(SID));
    assert_eq!(log.vergunningverlener.as_deref(), Some(VV));

    let mut v = SamenwerkingFeiten {
        id: SID.into(),
        titel: "Dakopbouw".into(),
        ..SamenwerkingFeiten::default()
    };
    assert!(!log.adviseur_bijwerken(Some(&v)), "no partner yet");
    v.partners.push((AD.into(), Privilege::BeperkteToegang));
    v.partners
        .push(("00000099000000000006".into(), Privilege::BeperkteToegang));
    assert!(log.adviseur_bijwerken(Some(&v)));
    assert!(!log.adviseur_bijwerken(None), "kept once known");
    assert_eq!(log.adviseur.as_deref(), Some(AD));

    let g = Gedaan {
        oin: AD.into(),
        handeling: Handeling::DeelnemersBekeken {
            samenwerking_id: SID.into(),
        },
    };
    assert!(log.vastleggen(g.clone()));
    assert!(!log.vastleggen(g), "the same action is kept once");
    let stappen = voortgang(&log.stand(Some(&v), None));
    let gedaan: Vec<_> = stappen
        .iter()
        .flat_map(|o| o.stappen.iter())
        .filter(|s| s.gedaan)
        .map(|s| s.id)
        .collect();
    assert_eq!(
        gedaan,
        vec!["1.naam", "1.adviseur", "1.toegang", "2.deelnemers"]
    );

    log.notities
        .insert(1, "Gelukt; afspraken over toegang maken".into());
    let json = serde_json::to_string(&log).unwrap();
    let terug: Logboek = serde_json::from_str(&json).unwrap();
    assert_eq!(terug, log);
    // an older or partial file reads as far as it goes
    let leeg: Logboek = serde_json::from_str("{}").unwrap();
    assert_eq!(leeg, Logboek::default());
}

/// Optional steps come from the mirror only: after the delete they are not shown as done
/// unless the app saw them done before (the log keeps them).
#[test]
fn optional_steps_are_kept_by_the_log_not_guessed_after_a_delete() {
    let mut log = Logboek::default();
    log.gestart(VV, SID);
    log.adviseur = Some(AD.into());
    let v = SamenwerkingFeiten {
        id: SID.into(),
        titel: "Dakopbouw".into(),
        documenten: vec![(Uuid::from_u128(3), VV.into(), false)],
        ..SamenwerkingFeiten::default()
    };
    let mut o = voortgang(&log.stand(Some(&v), None));
    assert!(log.afvinken(&mut o), "the own document is seen");
    assert!(!log.afvinken(&mut o), "once");
    // deleted: the mirror shows nothing, the log still knows the document was added
    log.gedaan.push(Gedaan {
        oin: VV.into(),
        handeling: Handeling::Verwijderd {
            samenwerking_id: SID.into(),
        },
    });
    let mut o = voortgang(&log.stand(None, None));
    let stap = |o: &[Oefening], id: &str| {
        o.iter()
            .flat_map(|x| x.stappen.iter())
            .find(|s| s.id == id)
            .map(|s| s.gedaan)
    };
    assert_eq!(stap(&o, "1.document"), Some(false), "not guessed");
    assert_eq!(stap(&o, "1.intrekken"), Some(false), "never done");
    assert_eq!(stap(&o, "5.verwijderen"), Some(true));
    assert!(!log.afvinken(&mut o));
    assert_eq!(stap(&o, "1.document"), Some(true), "kept by the log");
    assert_eq!(stap(&o, "1.intrekken"), Some(false));
}
