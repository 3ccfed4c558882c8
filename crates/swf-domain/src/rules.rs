//! Who may do what: the rule table of the SWF domain as data, and one function that decides.
//!
//! Every action on a samenwerking goes through [`authorize`]; every action on an actieverzoek
//! through [`authorize_actieverzoek`]. A refusal says *how* to refuse: as if the thing does not
//! exist (404), as not allowed for this actor (403), or as not allowed in this state (409).
use crate::enums::{ActieverzoekStatus, Privilege, SamenwerkingStatus, Vertrouwelijkheid};
use serde::Serialize;

/// How the calling organisation relates to a samenwerking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum ActorKind {
    Initiator,
    /// Ketenpartner with *volledige toegang* (sees SV documents).
    PartnerVolledig,
    /// Ketenpartner with *beperkte toegang* (RV documents only).
    PartnerBeperkt,
    /// Was a ketenpartner, has been removed: sees nothing any more.
    RemovedPartner,
    /// Never took part.
    Outsider,
}

impl ActorKind {
    pub const ALL: &'static [ActorKind] = &[
        ActorKind::Initiator,
        ActorKind::PartnerVolledig,
        ActorKind::PartnerBeperkt,
        ActorKind::RemovedPartner,
        ActorKind::Outsider,
    ];

    pub fn from_participation(
        is_initiator: bool,
        privilege: Option<Privilege>,
        removed: bool,
    ) -> Self {
        if removed {
            return ActorKind::RemovedPartner;
        }
        match (is_initiator, privilege) {
            (true, _) => ActorKind::Initiator,
            (false, Some(Privilege::VolledigeToegang)) => ActorKind::PartnerVolledig,
            (false, Some(Privilege::BeperkteToegang)) => ActorKind::PartnerBeperkt,
            (false, None) => ActorKind::Outsider,
        }
    }

    pub fn is_participant(self) -> bool {
        matches!(
            self,
            ActorKind::Initiator | ActorKind::PartnerVolledig | ActorKind::PartnerBeperkt
        )
    }

    /// The effective privilege: the initiator always has full access (decision D3).
    pub fn privilege(self) -> Option<Privilege> {
        match self {
            ActorKind::Initiator | ActorKind::PartnerVolledig => Some(Privilege::VolledigeToegang),
            ActorKind::PartnerBeperkt => Some(Privilege::BeperkteToegang),
            _ => None,
        }
    }

    pub fn may_see(self, v: Vertrouwelijkheid) -> bool {
        self.privilege().is_some_and(|p| p.may_see(v))
    }
}

/// Actions on a samenwerking and what it contains.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Action {
    ViewSamenwerking,
    ChangeMetadata,
    Close,
    Delete,
    ListDeelnemers,
    InviteDeelnemer,
    ChangePrivilege,
    RemoveDeelnemer,
    ListDocumenten,
    ViewDocumentRv,
    ViewDocumentSv,
    UploadDocumentRv,
    UploadDocumentSv,
    /// Change description/confidentiality of a document the caller's organisation uploaded.
    ChangeOwnDocument,
    /// Change a document another organisation uploaded.
    ChangeOthersDocument,
    DeleteOwnDocument,
    DeleteOthersDocument,
    CreateActieverzoek,
    ListActieverzoeken,
    ViewNotificaties,
    ViewHistorie,
}

impl Action {
    pub const ALL: &'static [Action] = &[
        Action::ViewSamenwerking,
        Action::ChangeMetadata,
        Action::Close,
        Action::Delete,
        Action::ListDeelnemers,
        Action::InviteDeelnemer,
        Action::ChangePrivilege,
        Action::RemoveDeelnemer,
        Action::ListDocumenten,
        Action::ViewDocumentRv,
        Action::ViewDocumentSv,
        Action::UploadDocumentRv,
        Action::UploadDocumentSv,
        Action::ChangeOwnDocument,
        Action::ChangeOthersDocument,
        Action::DeleteOwnDocument,
        Action::DeleteOthersDocument,
        Action::CreateActieverzoek,
        Action::ListActieverzoeken,
        Action::ViewNotificaties,
        Action::ViewHistorie,
    ];
}

/// Why an action is refused, which decides the HTTP status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, thiserror::Error)]
pub enum Denied {
    /// The caller may not know the thing exists: 404.
    #[error("niet gevonden")]
    NotVisible,
    /// The caller sees it but its role does not allow the action: 403.
    #[error("uw organisatie mag dit niet")]
    Forbidden,
    /// Allowed for this role, but not in the current state: 409.
    #[error("dit kan niet in de huidige status")]
    WrongState,
}

impl Denied {
    pub fn http_status(self) -> u16 {
        match self {
            Denied::NotVisible => 404,
            Denied::Forbidden => 403,
            Denied::WrongState => 409,
        }
    }
}

/// Which actors a rule admits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    InitiatorOnly,
    /// Initiator and partners with full access.
    FullAccess,
    AnyParticipant,
    /// No participant may (e.g. changing another organisation's document).
    Nobody,
}

impl Who {
    fn admits(self, a: ActorKind) -> bool {
        match self {
            Who::InitiatorOnly => a == ActorKind::Initiator,
            Who::FullAccess => matches!(a, ActorKind::Initiator | ActorKind::PartnerVolledig),
            Who::AnyParticipant => a.is_participant(),
            Who::Nobody => false,
        }
    }
}

/// Which samenwerking states a rule admits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// INITIALISATIE or OPEN.
    Active,
    /// INITIALISATIE, OPEN or GESLOTEN (read access stays after closing).
    NotDeleted,
    Gesloten,
}

impl When {
    fn admits(self, s: SamenwerkingStatus) -> bool {
        match self {
            When::Active => s.is_active(),
            When::NotDeleted => s != SamenwerkingStatus::Verwijderd,
            When::Gesloten => s == SamenwerkingStatus::Gesloten,
        }
    }
}

/// One row of the rule table.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub action: Action,
    pub who: Who,
    pub when: When,
    /// What a participant the rule does not admit gets: 403, or 404 where even knowing the
    /// thing exists is not allowed (SV documents for limited access).
    pub refuse_as: Denied,
}

/// The rule table (shared/docs/swf-domain.md §6 with the decisions of docs/decisions.md).
pub const RULES: &[Rule] = &[
    Rule {
        action: Action::ViewSamenwerking,
        who: Who::AnyParticipant,
        when: When::NotDeleted,
        refuse_as: Denied::NotVisible,
    },
    Rule {
        action: Action::ChangeMetadata,
        who: Who::InitiatorOnly,
        when: When::Active,
        refuse_as: Denied::Forbidden,
    },
    Rule {
        action: Action::Close,
        who: Who::InitiatorOnly,
        when: When::Active,
        refuse_as: Denied::Forbidden,
    },
    Rule {
        action: Action::Delete,
        who: Who::InitiatorOnly,
        when: When::Gesloten,
        refuse_as: Denied::Forbidden,
    },
    Rule {
        action: Action::ListDeelnemers,
        who: Who::AnyParticipant,
        when: When::NotDeleted,
        refuse_as: Denied::NotVisible,
    },
    Rule {
        action: Action::InviteDeelnemer,
        who: Who::InitiatorOnly,
        when: When::Active,
        refuse_as: Denied::Forbidden,
    },
    Rule {
        action: Action::ChangePrivilege,
        who: Who::InitiatorOnly,
        when: When::Active,
        refuse_as: Denied::Forbidden,
    },
    Rule {
        action: Action::RemoveDeelnemer,
        who: Who::InitiatorOnly,
        when: When::Active,
        refuse_as: Denied::Forbidden,
    },
    Rule {
        action: Action::ListDocumenten,
        who: Who::AnyParticipant,
        when: When::NotDeleted,
        refuse_as: Denied::NotVisible,
    },
    Rule {
        action: Action::ViewDocumentRv,
        who: Who::AnyParticipant,
        when: When::NotDeleted,
        refuse_as: Denied::NotVisible,
    },
    Rule {
        action: Action::ViewDocumentSv,
        who: Who::FullAccess,
        when: When::NotDeleted,
        refuse_as: Denied::NotVisible,
    },
    Rule {
        action: Action::UploadDocumentRv,
        who: Who::AnyParticipant,
        when: When::Active,
        refuse_as: Denied::Forbidden,
    },
    Rule {
        action: Action::UploadDocumentSv,
        who: Who::FullAccess,
        when: When::Active,
        refuse_as: Denied::Forbidden,
    },
    Rule {
        action: Action::ChangeOwnDocument,
        who: Who::AnyParticipant,
        when: When::Active,
        refuse_as: Denied::Forbidden,
    },
    Rule {
        action: Action::ChangeOthersDocument,
        who: Who::Nobody,
        when: When::Active,
        refuse_as: Denied::Forbidden,
    },
    Rule {
        action: Action::DeleteOwnDocument,
        who: Who::AnyParticipant,
        when: When::Active,
        refuse_as: Denied::Forbidden,
    },
    Rule {
        action: Action::DeleteOthersDocument,
        who: Who::Nobody,
        when: When::Active,
        refuse_as: Denied::Forbidden,
    },
    Rule {
        action: Action::CreateActieverzoek,
        who: Who::AnyParticipant,
        when: When::Active,
        refuse_as: Denied::Forbidden,
    },
    Rule {
        action: Action::ListActieverzoeken,
        who: Who::AnyParticipant,
        when: When::NotDeleted,
        refuse_as: Denied::NotVisible,
    },
    Rule {
        action: Action::ViewNotificaties,
        who: Who::AnyParticipant,
        when: When::NotDeleted,
        refuse_as: Denied::NotVisible,
    },
    Rule {
        action: Action::ViewHistorie,
        who: Who::AnyParticipant,
        when: When::NotDeleted,
        refuse_as: Denied::NotVisible,
    },
];

pub fn rule(action: Action) -> &'static Rule {
    // Every Action has exactly one row (checked by a unit test); fall back to the strictest.
    RULES
        .iter()
        .find(|r| r.action == action)
        .unwrap_or(&DENY_ALL)
}

const DENY_ALL: Rule = Rule {
    action: Action::ViewSamenwerking,
    who: Who::Nobody,
    when: When::Gesloten,
    refuse_as: Denied::NotVisible,
};

/// Decide one action for one actor in one samenwerking state.
///
/// Order: existence first (a deleted samenwerking, an outsider and a removed partner get 404
/// for everything), then role (403, or 404 for hidden things), then state (409).
pub fn authorize(
    actor: ActorKind,
    action: Action,
    state: SamenwerkingStatus,
) -> Result<(), Denied> {
    if state == SamenwerkingStatus::Verwijderd || !actor.is_participant() {
        return Err(Denied::NotVisible);
    }
    let r = rule(action);
    if !r.who.admits(actor) {
        return Err(r.refuse_as);
    }
    if !r.when.admits(state) {
        return Err(Denied::WrongState);
    }
    Ok(())
}

/// The caller's part in one actieverzoek.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Party {
    Zender,
    Ontvanger,
    /// A deelnemer of the samenwerking that is neither sender nor receiver: the actieverzoek
    /// is invisible to it.
    Other,
}

impl Party {
    pub const ALL: &'static [Party] = &[Party::Zender, Party::Ontvanger, Party::Other];
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum ActieverzoekAction {
    View,
    /// Change titel/omschrijving/productId.
    EditContent,
    ChangeStatus(ActieverzoekStatus),
    PostBericht,
    AttachDocument,
    DetachDocument,
}

impl ActieverzoekAction {
    pub fn all() -> Vec<ActieverzoekAction> {
        let mut v = vec![
            ActieverzoekAction::View,
            ActieverzoekAction::EditContent,
            ActieverzoekAction::PostBericht,
            ActieverzoekAction::AttachDocument,
            ActieverzoekAction::DetachDocument,
        ];
        v.extend(
            ActieverzoekStatus::ALL
                .iter()
                .map(|s| ActieverzoekAction::ChangeStatus(*s)),
        );
        v
    }
}

/// Decide an action on an actieverzoek. The caller must already be a participant that may view
/// the samenwerking (check [`authorize`] with [`Action::ViewSamenwerking`] first).
pub fn authorize_actieverzoek(
    party: Party,
    action: ActieverzoekAction,
    samenwerking: SamenwerkingStatus,
    current: ActieverzoekStatus,
) -> Result<(), Denied> {
    if party == Party::Other || samenwerking == SamenwerkingStatus::Verwijderd {
        return Err(Denied::NotVisible);
    }
    let active = samenwerking.is_active();
    match action {
        ActieverzoekAction::View => Ok(()),
        ActieverzoekAction::EditContent => {
            if party != Party::Zender {
                Err(Denied::Forbidden)
            } else if !active || current != ActieverzoekStatus::Open {
                Err(Denied::WrongState)
            } else {
                Ok(())
            }
        }
        ActieverzoekAction::PostBericht
        | ActieverzoekAction::AttachDocument
        | ActieverzoekAction::DetachDocument => {
            if !active || current.is_terminal() {
                Err(Denied::WrongState)
            } else {
                Ok(())
            }
        }
        ActieverzoekAction::ChangeStatus(to) => {
            let party_ever_moves_into = crate::machine::ACTIEVERZOEK_TRANSITIONS
                .iter()
                .any(|(_, t, p)| *t == to && *p == party);
            let anyone_ever_moves_into = crate::machine::any_transition_actor(to).is_some();
            match crate::machine::transition_actor(current, to) {
                Some(p) if p == party => {
                    if active {
                        Ok(())
                    } else {
                        Err(Denied::WrongState)
                    }
                }
                Some(_) => Err(Denied::Forbidden),
                None if party_ever_moves_into => Err(Denied::WrongState),
                None if anyone_ever_moves_into => Err(Denied::Forbidden),
                None => Err(Denied::WrongState),
            }
        }
    }
}

/// What a history line (or a notification, or a feed event) is about, as far as its
/// visibility goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Onderwerp {
    /// The document it names or concerns, with its confidentiality *now* (for a deleted
    /// document: the last it had).
    pub document: Option<Vertrouwelijkheid>,
    /// The reader's part in the actieverzoek it is about.
    pub actieverzoek: Option<Party>,
}

/// May `actor` see a history line about `o` (decision D4)? A line never shows more than its
/// subject would: the history at all, the document (an SV one only with full access), and the
/// actieverzoek (only its sender and receiver). Decided when reading, with the reader's
/// relation and the document's confidentiality as they are then.
pub fn historie_zichtbaar(actor: ActorKind, state: SamenwerkingStatus, o: Onderwerp) -> bool {
    let doc_ok = o.document.is_none_or(|v| {
        let view = if v == Vertrouwelijkheid::Sv {
            Action::ViewDocumentSv
        } else {
            Action::ViewDocumentRv
        };
        authorize(actor, view, state).is_ok()
    });
    // View does not depend on the actieverzoek's status
    let av_ok = o.actieverzoek.is_none_or(|p| {
        authorize_actieverzoek(p, ActieverzoekAction::View, state, ActieverzoekStatus::Open).is_ok()
    });
    authorize(actor, Action::ViewHistorie, state).is_ok() && doc_ok && av_ok
}

#[cfg(test)]
mod tests {
    use super::*;
    use ActorKind::*;
    use SamenwerkingStatus::*;

    #[test]
    fn every_action_has_exactly_one_rule() {
        for a in Action::ALL {
            assert_eq!(RULES.iter().filter(|r| r.action == *a).count(), 1, "{a:?}");
        }
        assert_eq!(RULES.len(), Action::ALL.len());
    }

    #[test]
    fn only_the_initiator_manages_partners_and_lifecycle() {
        for a in [
            Action::InviteDeelnemer,
            Action::ChangePrivilege,
            Action::RemoveDeelnemer,
            Action::Close,
            Action::ChangeMetadata,
        ] {
            assert_eq!(authorize(Initiator, a, Open), Ok(()));
            assert_eq!(authorize(PartnerVolledig, a, Open), Err(Denied::Forbidden));
            assert_eq!(authorize(PartnerBeperkt, a, Open), Err(Denied::Forbidden));
            assert_eq!(authorize(Initiator, a, Gesloten), Err(Denied::WrongState));
        }
    }

    #[test]
    fn delete_only_when_closed() {
        assert_eq!(
            authorize(Initiator, Action::Delete, Open),
            Err(Denied::WrongState)
        );
        assert_eq!(authorize(Initiator, Action::Delete, Gesloten), Ok(()));
        assert_eq!(
            authorize(PartnerVolledig, Action::Delete, Gesloten),
            Err(Denied::Forbidden)
        );
    }

    #[test]
    fn outsiders_removed_partners_and_deleted_see_nothing() {
        for a in Action::ALL {
            for s in SamenwerkingStatus::ALL {
                assert_eq!(authorize(Outsider, *a, *s), Err(Denied::NotVisible));
                assert_eq!(authorize(RemovedPartner, *a, *s), Err(Denied::NotVisible));
            }
            for actor in ActorKind::ALL {
                assert_eq!(authorize(*actor, *a, Verwijderd), Err(Denied::NotVisible));
            }
        }
    }

    #[test]
    fn closed_samenwerking_is_read_only_for_everyone() {
        for actor in [Initiator, PartnerVolledig, PartnerBeperkt] {
            assert_eq!(authorize(actor, Action::ViewSamenwerking, Gesloten), Ok(()));
            assert_eq!(authorize(actor, Action::ViewDocumentRv, Gesloten), Ok(()));
            assert_eq!(
                authorize(actor, Action::UploadDocumentRv, Gesloten),
                Err(Denied::WrongState)
            );
            assert_eq!(
                authorize(actor, Action::CreateActieverzoek, Gesloten),
                Err(Denied::WrongState)
            );
        }
    }

    #[test]
    fn limited_access_cannot_see_or_upload_sv() {
        assert_eq!(
            authorize(PartnerBeperkt, Action::ViewDocumentSv, Open),
            Err(Denied::NotVisible)
        );
        assert_eq!(
            authorize(PartnerBeperkt, Action::UploadDocumentSv, Open),
            Err(Denied::Forbidden)
        );
        assert_eq!(
            authorize(PartnerVolledig, Action::ViewDocumentSv, Gesloten),
            Ok(())
        );
        assert_eq!(
            authorize(Initiator, Action::UploadDocumentSv, Initialisatie),
            Ok(())
        );
    }

    #[test]
    fn nobody_changes_another_organisations_document() {
        for actor in [Initiator, PartnerVolledig, PartnerBeperkt] {
            assert_eq!(
                authorize(actor, Action::ChangeOthersDocument, Open),
                Err(Denied::Forbidden)
            );
            assert_eq!(
                authorize(actor, Action::DeleteOthersDocument, Open),
                Err(Denied::Forbidden)
            );
            assert_eq!(authorize(actor, Action::DeleteOwnDocument, Open), Ok(()));
        }
    }

    #[test]
    fn actieverzoek_is_invisible_to_third_parties() {
        for a in ActieverzoekAction::all() {
            assert_eq!(
                authorize_actieverzoek(Party::Other, a, Open, ActieverzoekStatus::Open),
                Err(Denied::NotVisible)
            );
        }
    }

    #[test]
    fn history_lines_show_no_more_than_their_subject() {
        let sv = Onderwerp {
            document: Some(Vertrouwelijkheid::Sv),
            actieverzoek: None,
        };
        let rv = Onderwerp {
            document: Some(Vertrouwelijkheid::Rv),
            actieverzoek: None,
        };
        let av = |p| Onderwerp {
            document: None,
            actieverzoek: Some(p),
        };
        for s in [Initialisatie, Open, Gesloten] {
            for actor in [Initiator, PartnerVolledig] {
                assert!(historie_zichtbaar(actor, s, sv));
            }
            assert!(!historie_zichtbaar(PartnerBeperkt, s, sv));
            assert!(historie_zichtbaar(PartnerBeperkt, s, rv));
            for actor in [Initiator, PartnerVolledig, PartnerBeperkt] {
                assert!(historie_zichtbaar(actor, s, Onderwerp::default()));
                assert!(historie_zichtbaar(actor, s, av(Party::Zender)));
                assert!(historie_zichtbaar(actor, s, av(Party::Ontvanger)));
                assert!(!historie_zichtbaar(actor, s, av(Party::Other)));
            }
            // a party with limited access does not see the line about an SV document on it
            let both = Onderwerp {
                document: Some(Vertrouwelijkheid::Sv),
                actieverzoek: Some(Party::Ontvanger),
            };
            assert!(!historie_zichtbaar(PartnerBeperkt, s, both));
            assert!(historie_zichtbaar(PartnerVolledig, s, both));
            for actor in [RemovedPartner, Outsider] {
                assert!(!historie_zichtbaar(actor, s, Onderwerp::default()));
            }
        }
        assert!(!historie_zichtbaar(
            Initiator,
            Verwijderd,
            Onderwerp::default()
        ));
    }

    #[test]
    fn actieverzoek_transitions_by_party() {
        use ActieverzoekAction::ChangeStatus as C;
        use ActieverzoekStatus as S;
        assert_eq!(
            authorize_actieverzoek(Party::Ontvanger, C(S::InBehandeling), Open, S::Open),
            Ok(())
        );
        assert_eq!(
            authorize_actieverzoek(Party::Zender, C(S::InBehandeling), Open, S::Open),
            Err(Denied::Forbidden)
        );
        assert_eq!(
            authorize_actieverzoek(Party::Ontvanger, C(S::Gereedgemeld), Open, S::InBehandeling),
            Ok(())
        );
        assert_eq!(
            authorize_actieverzoek(Party::Zender, C(S::Gereed), Open, S::Gereedgemeld),
            Ok(())
        );
        assert_eq!(
            authorize_actieverzoek(Party::Ontvanger, C(S::Gereed), Open, S::Gereedgemeld),
            Err(Denied::Forbidden)
        );
        assert_eq!(
            authorize_actieverzoek(Party::Zender, C(S::Ingetrokken), Open, S::Open),
            Ok(())
        );
        assert_eq!(
            authorize_actieverzoek(Party::Ontvanger, C(S::Ingetrokken), Open, S::Open),
            Err(Denied::Forbidden)
        );
        // terminal states and closed samenwerkingen: conflict
        assert_eq!(
            authorize_actieverzoek(Party::Zender, C(S::Ingetrokken), Open, S::Gereed),
            Err(Denied::WrongState)
        );
        assert_eq!(
            authorize_actieverzoek(Party::Ontvanger, C(S::InBehandeling), Gesloten, S::Open),
            Err(Denied::WrongState)
        );
        assert_eq!(
            authorize_actieverzoek(Party::Ontvanger, C(S::Open), Open, S::Open),
            Err(Denied::WrongState)
        );
        assert_eq!(
            authorize_actieverzoek(Party::Zender, ActieverzoekAction::View, Gesloten, S::Gereed),
            Ok(())
        );
    }
}
