//! The policy, kind by kind: own-organisation changes silent, dedupe, switches, old history,
//! languages and the practice environment.
use super::*;
use crate::mirror::Change;
use chrono::TimeZone;
use swf_domain::{SamenwerkDoel, SamenwerkVorm, StatusObject};
use uuid::Uuid;

const IK: &str = "00000001812579446000";
const GEMEENTE: &str = "00000001002220647000";
const BUREAU: &str = "00000003123456780000";

fn oin(s: &str) -> Oin {
    Oin::parse(s).unwrap_or_else(|e| panic!("{e}"))
}

fn naam(o: &str) -> String {
    match o {
        IK => "Veiligheidsregio Oefenland".into(),
        GEMEENTE => "Gemeente Oefenstad".into(),
        _ => "Adviesbureau Bouwfysica".into(),
    }
}

fn dag(d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, d, 9, 0, 0).unwrap()
}

fn samenwerking(id: &str, status: SamenwerkingStatus, door: &str) -> Samenwerking {
    Samenwerking {
        samenwerking_id: id.into(),
        verzoeknummer: None,
        olo_verzoeknummer: None,
        bron_verzoek: None,
        type_verzoek: None,
        globale_locatie: None,
        titel: format!("Loods {id}"),
        beschrijving: None,
        taal: "nl".into(),
        samenwerk_vorm: SamenwerkVorm::SamenwerkenAanBehandelen,
        samenwerk_doel: SamenwerkDoel::Behandelen,
        status: StatusObject { status },
        aangemaakt_door: oin(GEMEENTE),
        aangemaakt_door_naam: naam(GEMEENTE),
        creatie_datum_tijd: dag(1),
        eind_datum_tijd: dag(28),
        laatst_aangepast_door: oin(door),
        laatst_aangepast_door_naam: naam(door),
        laatst_aangepast_datum_tijd: dag(2),
        kenmerk_systeem: None,
        nummer_binnen_systeem: None,
        contactpersoon_naam: None,
        contactpersoon_emailadres: None,
        contactpersoon_telefoonnummer: None,
        aantal_actieverzoeken: 0,
        aantal_notificaties: 0,
        sluit_datum_tijd: None,
        verwijder_datum_tijd: (status == SamenwerkingStatus::Gesloten).then(|| dag(20)),
        mijn_rol: None,
        mijn_privilege: None,
        links: Default::default(),
    }
}

fn verzoek(n: u128, zender: &str, ontvanger: &str, status: ActieverzoekStatus) -> Actieverzoek {
    let door = if matches!(
        status,
        ActieverzoekStatus::Open | ActieverzoekStatus::Ingetrokken | ActieverzoekStatus::Gereed
    ) {
        zender
    } else {
        ontvanger
    };
    Actieverzoek {
        actieverzoek_id: Uuid::from_u128(n),
        samenwerking_id: "S1".into(),
        titel: format!("Advies {n}"),
        omschrijving: "Graag uw advies".into(),
        melding: None,
        product_id: None,
        status,
        zender: oin(zender),
        zender_naam: naam(zender),
        ontvanger: oin(ontvanger),
        ontvanger_naam: naam(ontvanger),
        creatie_datum_tijd: dag(3),
        laatst_aangepast_datum_tijd: dag(4),
        laatst_aangepast_door: oin(door),
        laatst_aangepast_door_naam: naam(door),
        aantal_berichten: 0,
        documenten: vec![],
        versie: 1,
        links: Default::default(),
    }
}

fn aankondiging(n: u128, initiator: &str, datum: Option<&str>) -> Notificatie {
    let mut properties = serde_json::Map::new();
    properties.insert("samenwerkingNaam".into(), "Loods S1".into());
    if let Some(d) = datum {
        properties.insert("verwijderDatum".into(), d.into());
    }
    Notificatie {
        notificatie_id: Uuid::from_u128(n),
        notificatie_type: NotificatieType::VerwijderingGepland,
        samenwerking_id: "S1".into(),
        samenwerk_vorm: SamenwerkVorm::SamenwerkenAanBehandelen,
        notificatie_titel: "Samenwerking wordt verwijderd".into(),
        notificatie_tekst: "…".into(),
        event_initiator: oin(initiator),
        event_initiator_naam: naam(initiator),
        deelnemer: oin(IK),
        deelnemer_naam: naam(IK),
        event_datum_tijd: dag(5),
        properties,
        links: Default::default(),
    }
}

/// A mirror view plus the notice naming everything in it as changed.
#[derive(Default)]
struct Geval {
    spiegel: Spiegelbeeld,
    changed: Vec<(ChangeKind, String)>,
    vastgelegd: HashSet<String>,
    instellingen: AttenderingInstellingen,
    taal: Taal,
    oefen: bool,
    geschiedenis: bool,
}

impl Geval {
    fn new() -> Geval {
        let mut g = Geval::default();
        // the samenwerking every actieverzoek is in (not itself changed)
        g.spiegel.samenwerkingen.insert(
            "S1".into(),
            SamenwerkingInfo {
                samenwerking: samenwerking("S1", SamenwerkingStatus::Open, GEMEENTE),
                mijn_rol: Some(Rol::Ketenpartner),
            },
        );
        g
    }

    fn verzoek(mut self, a: Actieverzoek) -> Geval {
        let id = a.actieverzoek_id.to_string();
        self.changed.push((ChangeKind::Actieverzoek, id.clone()));
        self.spiegel.actieverzoeken.insert(id, a);
        self
    }

    fn samenwerking(mut self, s: Samenwerking, rol: Rol) -> Geval {
        let id = s.samenwerking_id.clone();
        self.changed.push((ChangeKind::Samenwerking, id.clone()));
        self.spiegel.samenwerkingen.insert(
            id,
            SamenwerkingInfo {
                samenwerking: s,
                mijn_rol: Some(rol),
            },
        );
        self
    }

    fn notificatie(mut self, n: Notificatie) -> Geval {
        let id = n.notificatie_id.to_string();
        self.changed.push((ChangeKind::Notificatie, id.clone()));
        self.spiegel.notificaties.insert(id, n);
        self
    }

    fn besluit(&self) -> Besluit {
        let mut per: std::collections::BTreeMap<ChangeKind, Vec<String>> = Default::default();
        for (k, id) in &self.changed {
            per.entry(*k).or_default().push(id.clone());
        }
        let changed = Changed {
            changes: per
                .into_iter()
                .map(|(kind, mut ids)| {
                    ids.sort();
                    Change { kind, ids }
                })
                .collect(),
        };
        beslis(&Invoer {
            changed: &changed,
            spiegel: &self.spiegel,
            mijn_oin: &oin(IK),
            instellingen: &self.instellingen,
            taal: self.taal,
            oefenomgeving: self.oefen,
            aanleiding: if self.geschiedenis {
                Aanleiding::Geschiedenis
            } else {
                Aanleiding::Nieuws
            },
            vastgelegd: &self.vastgelegd,
        })
    }

    /// What is shown when every proposed key is claimed by this process.
    fn getoond(&self) -> Vec<OsNotificatie> {
        te_tonen(&self.besluit().kandidaten, self.taal, self.oefen)
    }
}

fn sleutels(b: &Besluit) -> Vec<&str> {
    b.kandidaten.iter().map(Kandidaat::sleutel).collect()
}

fn id(n: u128) -> String {
    Uuid::from_u128(n).to_string()
}

#[test]
fn a_new_actieverzoek_from_another_organisation_notifies_once_with_names() {
    let g = Geval::new().verzoek(verzoek(1, GEMEENTE, IK, ActieverzoekStatus::Open));
    let shown = g.getoond();
    assert_eq!(shown.len(), 1);
    let n = &shown[0];
    assert_eq!(n.sleutel, format!("nieuw-actieverzoek:{}:OPEN", id(1)));
    assert_eq!(n.titel, "Nieuw actieverzoek van Gemeente Oefenstad");
    assert_eq!(n.tekst, "'Advies 1' in samenwerking 'Loods S1'.");
    assert_eq!(n.urgentie, Urgentie::Hoog);
    assert_eq!(
        n.doel,
        Some(Doel {
            samenwerking_id: "S1".into(),
            actieverzoek_id: Some(Uuid::from_u128(1)),
        })
    );

    // recorded: the same state never gives it again (restart, resync, another process)
    let mut again = Geval::new().verzoek(verzoek(1, GEMEENTE, IK, ActieverzoekStatus::Open));
    again.vastgelegd.insert(n.sleutel.clone());
    assert!(again.besluit().kandidaten.is_empty());
    // taken into handling, or finished: not new any more
    for s in [
        ActieverzoekStatus::InBehandeling,
        ActieverzoekStatus::Ingetrokken,
    ] {
        assert!(Geval::new()
            .verzoek(verzoek(1, GEMEENTE, IK, s))
            .getoond()
            .is_empty());
    }
}

#[test]
fn changes_by_my_own_organisation_never_notify() {
    let mut eigen_aankondiging = aankondiging(9, IK, None);
    eigen_aankondiging.event_initiator = oin(IK);
    let mut door_mij_gesloten = samenwerking("S2", SamenwerkingStatus::Gesloten, IK);
    door_mij_gesloten.aangemaakt_door = oin(IK);
    let g = Geval::new()
        // I sent these: new ones, and my own acceptance/withdrawal
        .verzoek(verzoek(1, IK, GEMEENTE, ActieverzoekStatus::Open))
        .verzoek(verzoek(2, IK, BUREAU, ActieverzoekStatus::Gereed))
        .verzoek(verzoek(3, IK, BUREAU, ActieverzoekStatus::Ingetrokken))
        // I answered these
        .verzoek(verzoek(4, GEMEENTE, IK, ActieverzoekStatus::Gereedgemeld))
        .verzoek(verzoek(5, GEMEENTE, IK, ActieverzoekStatus::Geweigerd))
        // I started and closed this one (initiator: no invitation)
        .samenwerking(door_mij_gesloten, Rol::Initiator)
        .notificatie(eigen_aankondiging);
    let b = g.besluit();
    assert!(b.kandidaten.is_empty(), "{:?}", sleutels(&b));
}

#[test]
fn answers_to_what_my_organisation_sent_notify_the_sender() {
    let mut geweigerd = verzoek(2, IK, BUREAU, ActieverzoekStatus::Geweigerd);
    geweigerd.melding = Some("Buiten onze taak".into());
    let g = Geval::new()
        .verzoek(verzoek(1, IK, GEMEENTE, ActieverzoekStatus::Gereedgemeld))
        .verzoek(geweigerd)
        .verzoek(verzoek(3, IK, GEMEENTE, ActieverzoekStatus::InBehandeling));
    let shown = g.getoond();
    assert_eq!(
        shown.iter().map(|n| n.sleutel.as_str()).collect::<Vec<_>>(),
        [
            format!("antwoord:{}:GEREEDGEMELD", id(1)),
            format!("antwoord:{}:GEWEIGERD", id(2)),
        ]
    );
    assert_eq!(
        shown[0].titel,
        "Gemeente Oefenstad heeft uw actieverzoek gereedgemeld"
    );
    assert_eq!(
        shown[1].titel,
        "Adviesbureau Bouwfysica heeft uw actieverzoek geweigerd"
    );
    assert_eq!(
        shown[1].tekst,
        "'Advies 2' in samenwerking 'Loods S1'. Toelichting: Buiten onze taak"
    );
    assert!(shown.iter().all(|n| n.urgentie == Urgentie::Normaal));
}

#[test]
fn sent_back_releases_the_gereedgemeld_key_so_the_next_one_is_news() {
    let key = format!("antwoord:{}:GEREEDGEMELD", id(1));
    let mut terug =
        Geval::new().verzoek(verzoek(1, IK, GEMEENTE, ActieverzoekStatus::InBehandeling));
    terug.vastgelegd.insert(key.clone());
    let b = terug.besluit();
    assert!(b.kandidaten.is_empty());
    assert_eq!(b.vrijgeven, std::slice::from_ref(&key));
    // not recorded: nothing to release
    let b = Geval::new()
        .verzoek(verzoek(1, IK, GEMEENTE, ActieverzoekStatus::InBehandeling))
        .besluit();
    assert!(b.vrijgeven.is_empty());
    // after the release, the next gereedmelding is proposed again
    let opnieuw = Geval::new().verzoek(verzoek(1, IK, GEMEENTE, ActieverzoekStatus::Gereedgemeld));
    assert_eq!(sleutels(&opnieuw.besluit()), [key.as_str()]);
}

#[test]
fn an_invitation_a_closing_and_a_planned_deletion_notify() {
    let g = Geval::new()
        .samenwerking(
            samenwerking("S2", SamenwerkingStatus::Open, GEMEENTE),
            Rol::Ketenpartner,
        )
        .samenwerking(
            samenwerking("S3", SamenwerkingStatus::Gesloten, GEMEENTE),
            Rol::Ketenpartner,
        )
        .notificatie(aankondiging(
            7,
            "00000000000000000000",
            Some("2026-03-25T10:00:00Z"),
        ));
    let shown = g.getoond();
    assert_eq!(
        shown.iter().map(|n| n.sleutel.as_str()).collect::<Vec<_>>(),
        [
            "uitnodiging:S2:KETENPARTNER".to_owned(),
            "samenwerking-gesloten:S3:GESLOTEN".to_owned(),
            format!("verwijdering-gepland:{}:VERWIJDERING_GEPLAND", id(7)),
        ],
        "a closed samenwerking is no invitation any more"
    );
    assert_eq!(shown[0].titel, "Uitnodiging van Gemeente Oefenstad");
    assert_eq!(
        shown[0].tekst,
        "Uw organisatie is uitgenodigd voor samenwerking 'Loods S2'."
    );
    assert_eq!(
        shown[1].titel,
        "Samenwerking gesloten door Gemeente Oefenstad"
    );
    assert_eq!(
        shown[1].tekst,
        "'Loods S3' is gesloten. U kunt haar nog inzien; archiveer wat u nodig heeft vóór 20 maart 2026."
    );
    assert_eq!(
        shown[2].titel,
        "Samenwerking wordt op 25 maart 2026 verwijderd"
    );
    assert_eq!(
        shown[2].tekst,
        "'Loods S1' wordt op 25 maart 2026 verwijderd. Archiveer vóór die datum wat u nodig heeft."
    );
    assert_eq!(
        shown[2].doel,
        Some(Doel {
            samenwerking_id: "S1".into(),
            actieverzoek_id: None
        })
    );

    // an invitation also shows when only the deelnemers changed
    let mut g = Geval::new();
    g.changed.push((ChangeKind::Deelnemers, "S1".into()));
    assert_eq!(sleutels(&g.besluit()), ["uitnodiging:S1:KETENPARTNER"]);

    // no date in the notificatie: the samenwerking's own
    let mut s1 = samenwerking("S1", SamenwerkingStatus::Gesloten, GEMEENTE);
    s1.verwijder_datum_tijd = Some(dag(30));
    let mut g = Geval::new().notificatie(aankondiging(8, GEMEENTE, None));
    g.spiegel.samenwerkingen.insert(
        "S1".into(),
        SamenwerkingInfo {
            samenwerking: s1,
            mijn_rol: Some(Rol::Ketenpartner),
        },
    );
    assert_eq!(
        g.getoond()[0].titel,
        "Samenwerking wordt op 30 maart 2026 verwijderd"
    );
}

#[test]
fn each_switch_silences_its_kind_but_still_records_it() {
    let alles = || {
        Geval::new()
            .verzoek(verzoek(1, GEMEENTE, IK, ActieverzoekStatus::Open))
            .verzoek(verzoek(2, IK, GEMEENTE, ActieverzoekStatus::Gereedgemeld))
            .samenwerking(
                samenwerking("S2", SamenwerkingStatus::Open, GEMEENTE),
                Rol::Ketenpartner,
            )
            .samenwerking(
                samenwerking("S3", SamenwerkingStatus::Gesloten, GEMEENTE),
                Rol::Initiator,
            )
            .notificatie(aankondiging(7, GEMEENTE, None))
    };
    assert_eq!(alles().getoond().len(), 5, "all on by default");
    for soort in Soort::ALL {
        let mut g = alles();
        match soort {
            Soort::NieuwActieverzoek => g.instellingen.nieuw_actieverzoek = false,
            Soort::Antwoord => g.instellingen.antwoord = false,
            Soort::Uitnodiging => g.instellingen.uitnodiging = false,
            Soort::SamenwerkingGesloten => g.instellingen.samenwerking_gesloten = false,
            Soort::VerwijderingGepland => g.instellingen.verwijdering_gepland = false,
        }
        let b = g.besluit();
        assert_eq!(b.kandidaten.len(), 5, "{soort:?} is still recorded");
        let stil: Vec<bool> = b.claims().iter().map(|c| c.stil).collect();
        assert_eq!(stil.iter().filter(|s| **s).count(), 1, "{soort:?}");
        let shown = g.getoond();
        assert_eq!(shown.len(), 4, "{soort:?}");
        assert!(
            !shown.iter().any(|n| n.sleutel.starts_with(soort.as_str())),
            "{soort:?} is silent"
        );
    }
}

#[test]
fn old_history_is_recorded_silently_with_one_summary_line() {
    let mut g = Geval::new()
        .verzoek(verzoek(1, GEMEENTE, IK, ActieverzoekStatus::Open))
        .verzoek(verzoek(2, GEMEENTE, IK, ActieverzoekStatus::Open))
        .verzoek(verzoek(3, BUREAU, IK, ActieverzoekStatus::Open))
        .verzoek(verzoek(4, IK, GEMEENTE, ActieverzoekStatus::Gereedgemeld))
        .samenwerking(
            samenwerking("S2", SamenwerkingStatus::Open, GEMEENTE),
            Rol::Ketenpartner,
        );
    g.geschiedenis = true;
    let b = g.besluit();
    assert_eq!(b.kandidaten.len(), 5);
    assert!(
        b.claims().iter().all(|c| c.stil),
        "nothing shown one by one"
    );
    let s = samenvatting(&b.kandidaten, Taal::Nl, false).expect("a summary");
    assert_eq!(s.titel, "3 actieverzoeken wachten op u");
    assert_eq!(s.doel, None, "several: the overview");
    let en = samenvatting(&b.kandidaten, Taal::En, false).expect("a summary");
    assert_eq!(en.titel, "3 action requests are waiting for you");

    let een = samenvatting(&b.kandidaten[..1], Taal::Nl, false).expect("one");
    assert_eq!(een.titel, "1 actieverzoek wacht op u");
    assert_eq!(een.doel, b.kandidaten[0].weergave.doel);
    // only answers and invitations: no line at all
    assert_eq!(samenvatting(&b.kandidaten[3..], Taal::Nl, false), None);
    // new actieverzoeken switched off: no line either
    g.instellingen.nieuw_actieverzoek = false;
    assert_eq!(samenvatting(&g.besluit().kandidaten, Taal::Nl, false), None);
}

#[test]
fn english_and_the_practice_environment() {
    let mut g = Geval::new()
        .verzoek(verzoek(1, GEMEENTE, IK, ActieverzoekStatus::Open))
        .verzoek(verzoek(2, IK, GEMEENTE, ActieverzoekStatus::Geweigerd))
        .samenwerking(
            samenwerking("S3", SamenwerkingStatus::Gesloten, GEMEENTE),
            Rol::Ketenpartner,
        );
    g.taal = Taal::En;
    let shown = g.getoond();
    assert_eq!(shown[0].titel, "New action request from Gemeente Oefenstad");
    assert_eq!(shown[0].tekst, "'Advies 1' in collaboration 'Loods S1'.");
    assert_eq!(
        shown[1].titel,
        "Gemeente Oefenstad has declined your action request"
    );
    assert_eq!(shown[2].titel, "Collaboration closed by Gemeente Oefenstad");
    assert!(shown[2]
        .tekst
        .ends_with("archive what you need before 20 March 2026."));

    g.oefen = true;
    assert!(g
        .getoond()
        .iter()
        .all(|n| n.titel.starts_with("Practice environment: ")));
    g.taal = Taal::Nl;
    let shown = g.getoond();
    assert_eq!(
        shown[0].titel,
        "Oefenomgeving: Nieuw actieverzoek van Gemeente Oefenstad"
    );
    g.geschiedenis = true;
    let s = samenvatting(&g.besluit().kandidaten, Taal::Nl, true).expect("summary");
    assert_eq!(s.titel, "Oefenomgeving: 1 actieverzoek wacht op u");
}

#[test]
fn many_at_once_are_shown_as_one_line() {
    let mut g = Geval::new();
    for n in 1..=(MAX_LOS as u128 + 2) {
        g = g.verzoek(verzoek(n, GEMEENTE, IK, ActieverzoekStatus::Open));
    }
    let shown = g.getoond();
    assert_eq!(shown.len(), 1);
    assert_eq!(shown[0].titel, "7 nieuwe meldingen in Samenwerkruimte");
    assert!(
        shown[0].tekst.ends_with("; en nog 4 meer."),
        "{}",
        shown[0].tekst
    );
    assert_eq!(shown[0].urgentie, Urgentie::Hoog);
    assert_eq!(g.besluit().kandidaten.len(), 7, "each is recorded");
    // exactly the limit: one by one
    let mut g = Geval::new();
    for n in 1..=(MAX_LOS as u128) {
        g = g.verzoek(verzoek(n, GEMEENTE, IK, ActieverzoekStatus::Open));
    }
    assert_eq!(g.getoond().len(), MAX_LOS);
}

#[test]
fn a_samenwerking_gone_from_the_mirror_releases_its_invitation() {
    let key = "uitnodiging:S2:KETENPARTNER".to_owned();
    let mut g = Geval::new();
    g.changed
        .push((ChangeKind::SamenwerkingVerwijderd, "S2".into()));
    g.vastgelegd.insert(key.clone());
    assert_eq!(g.besluit().vrijgeven, std::slice::from_ref(&key));
    // invited again: news again
    let g = Geval::new().samenwerking(
        samenwerking("S2", SamenwerkingStatus::Open, GEMEENTE),
        Rol::Ketenpartner,
    );
    assert_eq!(sleutels(&g.besluit()), [key.as_str()]);
}

#[test]
fn objects_gone_from_the_mirror_give_nothing() {
    let mut g = Geval::new();
    g.changed.push((ChangeKind::Actieverzoek, id(1)));
    g.changed.push((ChangeKind::Notificatie, id(2)));
    g.changed
        .push((ChangeKind::SamenwerkingVerwijderd, "S9".into()));
    g.changed.push((ChangeKind::Samenwerking, "S9".into()));
    let b = g.besluit();
    assert!(b.kandidaten.is_empty() && b.vrijgeven.is_empty());
}
