//! The pure part of sync: turn a batch of feed events into the steps that bring the mirror up
//! to date. No I/O; the same input always gives the same steps, in a fixed order.
//!
//! Rules, per samenwerking, in feed order:
//! - losing access (`TOEGANG_INGETROKKEN`, `SAMENWERKING_VERWIJDERD`) → purge it, and forget
//!   any earlier step for its documents and actieverzoeken;
//! - own privilege changed (`TOEGANG_GEWIJZIGD`), or any event about a samenwerking the mirror
//!   does not have, or being invited again after a purge → re-read it in full (what may be
//!   seen now replaces what the mirror has, so a downgrade drops SV documents at once);
//! - `SAMENWERKING_GEWIJZIGD` → re-read the samenwerking and its deelnemers;
//! - a document or actieverzoek event → re-read or delete that one object (the last event about
//!   an object decides); skipped when the samenwerking is re-read in full anyway;
//! - notificatie events are about the organisation's inbox and are always applied.
use std::collections::BTreeMap;
use swf_domain::{Gebeurtenis, GebeurtenisSoort};

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Step {
    /// Forget the samenwerking with everything of it (rows and cached files).
    Purge {
        samenwerking_id: String,
    },
    /// Re-read the samenwerking with deelnemers, documenten, actieverzoeken (with berichten)
    /// and notificaties, and replace what the mirror has of it.
    Full {
        samenwerking_id: String,
    },
    /// Re-read the samenwerking itself and its deelnemers.
    Samenwerking {
        samenwerking_id: String,
    },
    FetchDocument {
        samenwerking_id: String,
        document_id: String,
    },
    DeleteDocument {
        document_id: String,
    },
    /// Re-read an actieverzoek with its berichten.
    FetchActieverzoek {
        samenwerking_id: String,
        actieverzoek_id: String,
    },
    FetchNotificatie {
        notificatie_id: String,
    },
    DeleteNotificatie {
        notificatie_id: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Level {
    /// Only object-level steps.
    Objects,
    /// Samenwerking + deelnemers.
    Meta,
    Full,
    Purge,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ObjectStep {
    Fetch,
    Delete,
}

#[derive(Default)]
struct PerSamenwerking {
    level: Option<Level>,
    documenten: BTreeMap<String, ObjectStep>,
    actieverzoeken: BTreeMap<String, ObjectStep>,
}

/// Plan the steps for `events` (in feed order). `known(samenwerking_id)` tells whether the
/// mirror has that samenwerking now.
pub fn plan(events: &[Gebeurtenis], known: &dyn Fn(&str) -> bool) -> Vec<Step> {
    use GebeurtenisSoort as G;
    let mut per: BTreeMap<String, PerSamenwerking> = BTreeMap::new();
    let mut notificaties: BTreeMap<String, ObjectStep> = BTreeMap::new();
    for e in events {
        let sid = e.samenwerking_id.as_str();
        let object = e.object_id.clone();
        match e.soort {
            G::NotificatieNieuw | G::NotificatieVerwijderd => {
                if let Some(id) = object {
                    let step = if e.soort == G::NotificatieNieuw {
                        ObjectStep::Fetch
                    } else {
                        ObjectStep::Delete
                    };
                    notificaties.insert(id, step);
                }
                continue;
            }
            _ => {}
        }
        let p = per.entry(sid.to_owned()).or_default();
        match e.soort {
            G::ToegangIngetrokken | G::SamenwerkingVerwijderd => {
                p.level = Some(Level::Purge);
                p.documenten.clear();
                p.actieverzoeken.clear();
            }
            G::ToegangGewijzigd => {
                p.level = Some(Level::Full);
                p.documenten.clear();
                p.actieverzoeken.clear();
            }
            G::SamenwerkingGewijzigd => {
                p.level = Some(match p.level {
                    // invited (again) after losing access, or never seen: read it all
                    Some(Level::Purge) | Some(Level::Full) => Level::Full,
                    _ if !known(sid) => Level::Full,
                    _ => Level::Meta,
                });
                if p.level == Some(Level::Full) {
                    p.documenten.clear();
                    p.actieverzoeken.clear();
                }
            }
            G::DocumentGewijzigd | G::DocumentVerwijderd | G::ActieverzoekGewijzigd => {
                match p.level {
                    Some(Level::Full) | Some(Level::Purge) => continue,
                    None if !known(sid) => {
                        p.level = Some(Level::Full);
                        continue;
                    }
                    None => p.level = Some(Level::Objects),
                    _ => {}
                }
                let Some(id) = object else { continue };
                match e.soort {
                    G::DocumentGewijzigd => {
                        p.documenten.insert(id, ObjectStep::Fetch);
                    }
                    G::DocumentVerwijderd => {
                        p.documenten.insert(id, ObjectStep::Delete);
                    }
                    _ => {
                        p.actieverzoeken.insert(id, ObjectStep::Fetch);
                    }
                }
            }
            G::NotificatieNieuw | G::NotificatieVerwijderd => {}
        }
    }

    let mut steps = Vec::new();
    for (sid, p) in &per {
        match p.level {
            Some(Level::Purge) => steps.push(Step::Purge {
                samenwerking_id: sid.clone(),
            }),
            Some(Level::Full) => steps.push(Step::Full {
                samenwerking_id: sid.clone(),
            }),
            _ => {}
        }
    }
    for (sid, p) in &per {
        if p.level == Some(Level::Meta) {
            steps.push(Step::Samenwerking {
                samenwerking_id: sid.clone(),
            });
        }
    }
    for (sid, p) in &per {
        if !matches!(p.level, Some(Level::Meta) | Some(Level::Objects)) {
            continue;
        }
        for (id, s) in &p.documenten {
            steps.push(match s {
                ObjectStep::Fetch => Step::FetchDocument {
                    samenwerking_id: sid.clone(),
                    document_id: id.clone(),
                },
                ObjectStep::Delete => Step::DeleteDocument {
                    document_id: id.clone(),
                },
            });
        }
        for id in p.actieverzoeken.keys() {
            steps.push(Step::FetchActieverzoek {
                samenwerking_id: sid.clone(),
                actieverzoek_id: id.clone(),
            });
        }
    }
    for (id, s) in notificaties {
        steps.push(match s {
            ObjectStep::Fetch => Step::FetchNotificatie { notificatie_id: id },
            ObjectStep::Delete => Step::DeleteNotificatie { notificatie_id: id },
        });
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn ev(n: i64, soort: GebeurtenisSoort, sid: &str, obj: Option<&str>) -> Gebeurtenis {
        Gebeurtenis {
            volgnummer: n,
            soort,
            samenwerking_id: sid.into(),
            object_id: obj.map(Into::into),
            datum_tijd: Utc::now(),
        }
    }
    use GebeurtenisSoort as G;

    fn known(s: &str) -> bool {
        s.starts_with("bekend")
    }

    #[test]
    fn object_events_on_a_known_samenwerking_fetch_or_delete_just_that_object() {
        let steps = plan(
            &[
                ev(1, G::DocumentGewijzigd, "bekend1", Some("d1")),
                ev(2, G::ActieverzoekGewijzigd, "bekend1", Some("a1")),
                ev(3, G::ActieverzoekGewijzigd, "bekend1", Some("a1")),
                ev(4, G::DocumentVerwijderd, "bekend1", Some("d2")),
            ],
            &known,
        );
        assert_eq!(
            steps,
            vec![
                Step::FetchDocument {
                    samenwerking_id: "bekend1".into(),
                    document_id: "d1".into()
                },
                Step::DeleteDocument {
                    document_id: "d2".into()
                },
                Step::FetchActieverzoek {
                    samenwerking_id: "bekend1".into(),
                    actieverzoek_id: "a1".into()
                },
            ]
        );
    }

    #[test]
    fn the_last_event_about_an_object_decides() {
        let gone_then_back = plan(
            &[
                ev(1, G::DocumentVerwijderd, "bekend1", Some("d1")),
                ev(2, G::DocumentGewijzigd, "bekend1", Some("d1")),
            ],
            &known,
        );
        assert!(matches!(gone_then_back[..], [Step::FetchDocument { .. }]));
        let changed_then_gone = plan(
            &[
                ev(1, G::DocumentGewijzigd, "bekend1", Some("d1")),
                ev(2, G::DocumentVerwijderd, "bekend1", Some("d1")),
            ],
            &known,
        );
        assert!(matches!(
            changed_then_gone[..],
            [Step::DeleteDocument { .. }]
        ));
    }

    #[test]
    fn losing_access_purges_and_drops_earlier_object_steps() {
        let steps = plan(
            &[
                ev(1, G::DocumentGewijzigd, "bekend1", Some("d1")),
                ev(2, G::ToegangIngetrokken, "bekend1", None),
                ev(3, G::NotificatieNieuw, "bekend1", Some("n1")),
            ],
            &known,
        );
        assert_eq!(
            steps,
            vec![
                Step::Purge {
                    samenwerking_id: "bekend1".into()
                },
                // the removed partner keeps its one notification about the removal
                Step::FetchNotificatie {
                    notificatie_id: "n1".into()
                },
            ]
        );
        let deleted = plan(&[ev(1, G::SamenwerkingVerwijderd, "bekend1", None)], &known);
        assert!(matches!(deleted[..], [Step::Purge { .. }]));
    }

    #[test]
    fn a_privilege_change_rereads_everything_of_that_samenwerking() {
        let steps = plan(
            &[
                ev(1, G::DocumentGewijzigd, "bekend1", Some("d1")),
                ev(2, G::ToegangGewijzigd, "bekend1", None),
                ev(3, G::DocumentGewijzigd, "bekend1", Some("d2")),
            ],
            &known,
        );
        assert_eq!(
            steps,
            vec![Step::Full {
                samenwerking_id: "bekend1".into()
            }]
        );
    }

    #[test]
    fn unknown_samenwerkingen_and_reinvitations_are_read_in_full() {
        let steps = plan(
            &[
                ev(1, G::SamenwerkingGewijzigd, "nieuw", None),
                ev(2, G::DocumentGewijzigd, "ander", Some("d9")),
                ev(3, G::ToegangIngetrokken, "bekend1", None),
                ev(4, G::SamenwerkingGewijzigd, "bekend1", None),
            ],
            &known,
        );
        assert_eq!(
            steps,
            vec![
                Step::Full {
                    samenwerking_id: "ander".into()
                },
                Step::Full {
                    samenwerking_id: "bekend1".into()
                },
                Step::Full {
                    samenwerking_id: "nieuw".into()
                },
            ]
        );
    }

    #[test]
    fn metadata_changes_reread_the_samenwerking_and_keep_object_steps() {
        let steps = plan(
            &[
                ev(1, G::SamenwerkingGewijzigd, "bekend1", None),
                ev(2, G::DocumentGewijzigd, "bekend1", Some("d1")),
                ev(3, G::SamenwerkingGewijzigd, "bekend1", None),
                ev(4, G::NotificatieNieuw, "bekend1", Some("n1")),
                ev(5, G::NotificatieVerwijderd, "bekend2", Some("n2")),
            ],
            &known,
        );
        assert_eq!(
            steps,
            vec![
                Step::Samenwerking {
                    samenwerking_id: "bekend1".into()
                },
                Step::FetchDocument {
                    samenwerking_id: "bekend1".into(),
                    document_id: "d1".into()
                },
                Step::FetchNotificatie {
                    notificatie_id: "n1".into()
                },
                Step::DeleteNotificatie {
                    notificatie_id: "n2".into()
                },
            ]
        );
    }

    #[test]
    fn same_input_same_plan_and_empty_input_no_steps() {
        let evs = vec![
            ev(1, G::DocumentGewijzigd, "bekend2", Some("b")),
            ev(2, G::DocumentGewijzigd, "bekend1", Some("a")),
        ];
        assert_eq!(plan(&evs, &known), plan(&evs, &known));
        assert!(plan(&[], &known).is_empty());
    }
}
