//! The words of OS notifications, in Dutch (default) and English. Dates are calendar days in
//! UTC, as the service writes them in its own notificaties.
use super::Taal;
use chrono::{DateTime, Datelike, Utc};
use swf_domain::{Actieverzoek, ActieverzoekStatus, Samenwerking};

const MAANDEN: [&str; 12] = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
];

/// A reason or note shown in a notification is cut to this many characters.
const MAX_TOELICHTING: usize = 200;

/// "5 maart 2026" / "5 March 2026".
pub(super) fn datum(t: Taal, d: &DateTime<Utc>) -> String {
    match t {
        Taal::Nl => format!(
            "{} {} {}",
            d.day(),
            MAANDEN.get(d.month0() as usize).copied().unwrap_or("?"),
            d.year()
        ),
        Taal::En => d.format("%-d %B %Y").to_string(),
    }
}

/// The title as shown: marked when it comes from the practice environment.
pub(super) fn titel(t: Taal, oefenomgeving: bool, titel: String) -> String {
    if !oefenomgeving {
        return titel;
    }
    match t {
        Taal::Nl => format!("Oefenomgeving: {titel}"),
        Taal::En => format!("Practice environment: {titel}"),
    }
}

fn in_samenwerking(t: Taal, wat: &str, samenwerking: Option<&str>) -> String {
    match (t, samenwerking) {
        (Taal::Nl, Some(s)) => format!("'{wat}' in samenwerking '{s}'."),
        (Taal::En, Some(s)) => format!("'{wat}' in collaboration '{s}'."),
        (_, None) => format!("'{wat}'."),
    }
}

fn ingekort(s: &str) -> String {
    let s = s.trim();
    if s.chars().count() <= MAX_TOELICHTING {
        return s.to_owned();
    }
    let mut cut: String = s.chars().take(MAX_TOELICHTING - 1).collect();
    cut.push('…');
    cut
}

pub(super) fn nieuw_actieverzoek(
    t: Taal,
    a: &Actieverzoek,
    samenwerking: Option<&str>,
) -> (String, String) {
    let titel = match t {
        Taal::Nl => format!("Nieuw actieverzoek van {}", a.zender_naam),
        Taal::En => format!("New action request from {}", a.zender_naam),
    };
    (titel, in_samenwerking(t, &a.titel, samenwerking))
}

pub(super) fn antwoord(t: Taal, a: &Actieverzoek, samenwerking: Option<&str>) -> (String, String) {
    let wie = &a.ontvanger_naam;
    let titel = match (t, a.status) {
        (Taal::Nl, ActieverzoekStatus::Geweigerd) => {
            format!("{wie} heeft uw actieverzoek geweigerd")
        }
        (Taal::Nl, _) => format!("{wie} heeft uw actieverzoek gereedgemeld"),
        (Taal::En, ActieverzoekStatus::Geweigerd) => {
            format!("{wie} has declined your action request")
        }
        (Taal::En, _) => format!("{wie} has completed your action request"),
    };
    let mut tekst = in_samenwerking(t, &a.titel, samenwerking);
    if let Some(m) = a.melding.as_deref().filter(|m| !m.trim().is_empty()) {
        let label = match t {
            Taal::Nl => "Toelichting",
            Taal::En => "Note",
        };
        tekst.push_str(&format!(" {label}: {}", ingekort(m)));
    }
    (titel, tekst)
}

pub(super) fn uitnodiging(t: Taal, s: &Samenwerking) -> (String, String) {
    match t {
        Taal::Nl => (
            format!("Uitnodiging van {}", s.aangemaakt_door_naam),
            format!(
                "Uw organisatie is uitgenodigd voor samenwerking '{}'.",
                s.titel
            ),
        ),
        Taal::En => (
            format!("Invitation from {}", s.aangemaakt_door_naam),
            format!(
                "Your organisation was invited to the collaboration '{}'.",
                s.titel
            ),
        ),
    }
}

pub(super) fn gesloten(t: Taal, s: &Samenwerking) -> (String, String) {
    let wie = &s.laatst_aangepast_door_naam;
    let tot = s.verwijder_datum_tijd.as_ref().map(|d| datum(t, d));
    match t {
        Taal::Nl => (
            format!("Samenwerking gesloten door {wie}"),
            match tot {
                Some(d) => format!(
                    "'{}' is gesloten. U kunt haar nog inzien; archiveer wat u nodig heeft vóór {d}.",
                    s.titel
                ),
                None => format!("'{}' is gesloten. U kunt haar nog inzien.", s.titel),
            },
        ),
        Taal::En => (
            format!("Collaboration closed by {wie}"),
            match tot {
                Some(d) => format!(
                    "'{}' was closed. You can still view it; archive what you need before {d}.",
                    s.titel
                ),
                None => format!("'{}' was closed. You can still view it.", s.titel),
            },
        ),
    }
}

pub(super) fn verwijdering_gepland(
    t: Taal,
    samenwerking: &str,
    op: Option<&DateTime<Utc>>,
) -> (String, String) {
    match (t, op.map(|d| datum(t, d))) {
        (Taal::Nl, Some(d)) => (
            format!("Samenwerking wordt op {d} verwijderd"),
            format!(
                "'{samenwerking}' wordt op {d} verwijderd. Archiveer vóór die datum wat u nodig heeft."
            ),
        ),
        (Taal::Nl, None) => (
            "Samenwerking wordt binnenkort verwijderd".to_owned(),
            format!(
                "'{samenwerking}' wordt binnenkort verwijderd. Archiveer wat u nodig heeft."
            ),
        ),
        (Taal::En, Some(d)) => (
            format!("Collaboration will be deleted on {d}"),
            format!(
                "'{samenwerking}' will be deleted on {d}. Archive what you need before then."
            ),
        ),
        (Taal::En, None) => (
            "Collaboration will be deleted soon".to_owned(),
            format!("'{samenwerking}' will be deleted soon. Archive what you need."),
        ),
    }
}

/// The one line after a first sync of old history: "3 actieverzoeken wachten op u".
pub(super) fn samenvatting(t: Taal, n: usize) -> (String, String) {
    match (t, n) {
        (Taal::Nl, 1) => (
            "1 actieverzoek wacht op u".to_owned(),
            "Open Samenwerkruimte om het te bekijken.".to_owned(),
        ),
        (Taal::Nl, n) => (
            format!("{n} actieverzoeken wachten op u"),
            "Open Samenwerkruimte om ze te bekijken.".to_owned(),
        ),
        (Taal::En, 1) => (
            "1 action request is waiting for you".to_owned(),
            "Open Samenwerkruimte to see it.".to_owned(),
        ),
        (Taal::En, n) => (
            format!("{n} action requests are waiting for you"),
            "Open Samenwerkruimte to see them.".to_owned(),
        ),
    }
}

/// Many notifications at once, shown as one: the count, then the first few titles.
pub(super) fn gebundeld(t: Taal, titels: &[&str], getoond: usize) -> (String, String) {
    let n = titels.len();
    let mut tekst = titels
        .iter()
        .take(getoond)
        .copied()
        .collect::<Vec<_>>()
        .join("; ");
    if n > getoond {
        match t {
            Taal::Nl => tekst.push_str(&format!("; en nog {} meer.", n - getoond)),
            Taal::En => tekst.push_str(&format!("; and {} more.", n - getoond)),
        }
    } else {
        tekst.push('.');
    }
    let titel = match t {
        Taal::Nl => format!("{n} nieuwe meldingen in Samenwerkruimte"),
        Taal::En => format!("{n} new notifications in Samenwerkruimte"),
    };
    (titel, tekst)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn dates_in_both_languages() {
        let d = Utc.with_ymd_and_hms(2026, 3, 5, 12, 0, 0).unwrap();
        assert_eq!(datum(Taal::Nl, &d), "5 maart 2026");
        assert_eq!(datum(Taal::En, &d), "5 March 2026");
    }

    #[test]
    fn a_long_note_is_cut() {
        let lang = "x".repeat(500);
        let kort = ingekort(&lang);
        assert_eq!(kort.chars().count(), MAX_TOELICHTING);
        assert!(kort.ends_with('…'));
        assert_eq!(ingekort("  kort  "), "kort");
    }
}
