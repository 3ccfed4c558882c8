//! State machines of samenwerking and actieverzoek.
use crate::enums::{ActieverzoekStatus, SamenwerkingStatus};
use crate::rules::Party;

/// Allowed samenwerking transitions (decision D5: no reopening).
pub fn samenwerking_transition_allowed(from: SamenwerkingStatus, to: SamenwerkingStatus) -> bool {
    use SamenwerkingStatus::*;
    matches!(
        (from, to),
        (Initialisatie, Open)
            | (Initialisatie, Gesloten)
            | (Open, Gesloten)
            | (Gesloten, Verwijderd)
    )
}

/// The v5 actieverzoek transitions: (from, to, who).
pub const ACTIEVERZOEK_TRANSITIONS: &[(ActieverzoekStatus, ActieverzoekStatus, Party)] = {
    use ActieverzoekStatus::*;
    &[
        (Open, InBehandeling, Party::Ontvanger),
        (Open, Geweigerd, Party::Ontvanger),
        (InBehandeling, Geweigerd, Party::Ontvanger),
        (Open, Gereedgemeld, Party::Ontvanger),
        (InBehandeling, Gereedgemeld, Party::Ontvanger),
        (Gereedgemeld, Gereed, Party::Zender),
        (Gereedgemeld, InBehandeling, Party::Zender),
        (Open, Ingetrokken, Party::Zender),
        (InBehandeling, Ingetrokken, Party::Zender),
        (Gereedgemeld, Ingetrokken, Party::Zender),
    ]
};

/// Who may move an actieverzoek from `from` to `to`, if anyone.
pub fn transition_actor(from: ActieverzoekStatus, to: ActieverzoekStatus) -> Option<Party> {
    ACTIEVERZOEK_TRANSITIONS
        .iter()
        .find(|(f, t, _)| *f == from && *t == to)
        .map(|(_, _, p)| *p)
}

/// Who may ever move an actieverzoek into `to` (used to tell 403 from 409).
pub fn any_transition_actor(to: ActieverzoekStatus) -> Option<Party> {
    ACTIEVERZOEK_TRANSITIONS
        .iter()
        .find(|(_, t, _)| *t == to)
        .map(|(_, _, p)| *p)
}

/// A receiver asking for GEREED on an OPEN or IN_BEHANDELING actieverzoek: in v5 GEREED is the
/// sender's acceptance, so this is a mistake and is refused, naming the status the receiver may
/// set instead (decision D7). Returns that status (GEREEDGEMELD), or `None` when the request is
/// not this mistake.
pub fn status_meant_instead(
    party: Party,
    current: ActieverzoekStatus,
    requested: ActieverzoekStatus,
) -> Option<ActieverzoekStatus> {
    (party == Party::Ontvanger
        && requested == ActieverzoekStatus::Gereed
        && matches!(
            current,
            ActieverzoekStatus::Open | ActieverzoekStatus::InBehandeling
        ))
    .then_some(ActieverzoekStatus::Gereedgemeld)
}

/// The `_links` relation name for a transition (DSO's for the receiver; ours for the sender).
pub fn transition_rel(to: ActieverzoekStatus, from: ActieverzoekStatus) -> &'static str {
    use ActieverzoekStatus::*;
    match (from, to) {
        (_, InBehandeling) if from == Gereedgemeld => "terugsturen",
        (_, InBehandeling) => "behandelen",
        (_, Geweigerd) => "weigeren",
        (_, Gereedgemeld) => "gereedmelden",
        (_, Gereed) => "accepteren",
        (_, Ingetrokken) => "intrekken",
        (_, Open) => "openen",
    }
}

/// Relations a DSO v5 client understands on an actieverzoek.
pub const DSO_ACTIEVERZOEK_RELS: &[&str] = &[
    "self",
    "berichtVerzenden",
    "behandelen",
    "weigeren",
    "gereedmelden",
];

#[cfg(test)]
mod tests {
    use super::*;
    use ActieverzoekStatus::*;

    #[test]
    fn terminal_states_have_no_way_out() {
        for s in [Geweigerd, Gereed, Ingetrokken] {
            assert!(s.is_terminal());
            for t in ActieverzoekStatus::ALL {
                assert_eq!(transition_actor(s, *t), None, "{s} -> {t}");
            }
        }
    }

    #[test]
    fn receiver_reports_sender_accepts() {
        assert_eq!(
            transition_actor(InBehandeling, Gereedgemeld),
            Some(Party::Ontvanger)
        );
        assert_eq!(transition_actor(Gereedgemeld, Gereed), Some(Party::Zender));
        assert_eq!(transition_actor(Open, Gereed), None);
    }

    #[test]
    fn gereed_by_the_receiver_is_a_mistake_naming_gereedgemeld() {
        for current in [Open, InBehandeling] {
            assert_eq!(
                status_meant_instead(Party::Ontvanger, current, Gereed),
                Some(Gereedgemeld)
            );
        }
        assert_eq!(
            status_meant_instead(Party::Ontvanger, Open, Gereedgemeld),
            None
        );
        assert_eq!(
            status_meant_instead(Party::Zender, Gereedgemeld, Gereed),
            None
        );
        assert_eq!(
            status_meant_instead(Party::Ontvanger, Gereedgemeld, Gereed),
            None
        );
    }

    #[test]
    fn samenwerking_cannot_reopen() {
        assert!(!samenwerking_transition_allowed(
            SamenwerkingStatus::Gesloten,
            SamenwerkingStatus::Open
        ));
        assert!(samenwerking_transition_allowed(
            SamenwerkingStatus::Open,
            SamenwerkingStatus::Gesloten
        ));
        assert!(!samenwerking_transition_allowed(
            SamenwerkingStatus::Open,
            SamenwerkingStatus::Verwijderd
        ));
    }
}
