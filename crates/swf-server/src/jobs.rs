//! Background jobs: finish verzoek retrieval (INITIALISATIE → OPEN), announce planned deletion
//! (30 and 7 days before), delete GESLOTEN samenwerkingen after the retention period, drop
//! expired tokens. Every step is a guarded update, so several instances may run it at once:
//! only one wins each change and sends its notifications.
use crate::app::{now_us, to_dt, AppState, Caller};
use crate::service::{feed, Ctx, FeedGebeurtenis, NieuweNotificatie};
use crate::store::{Applied, Effects};
use serde_json::{json, Map};
use swf_domain::{GebeurtenisSoort, NotificatieType, Oin, SamenwerkingStatus};

const BATCH: i64 = 100;
const DAY_US: i64 = 86_400 * 1_000_000;

/// The service itself as the actor of automatic changes.
pub fn system_caller() -> Caller {
    Caller {
        oin: Oin::service(),
        organisatie_naam: "Samenwerkruimte (automatisch)".into(),
        gebruiker: None,
        extensions: true,
        token_hash: String::new(),
        verloopt: None,
    }
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct JobReport {
    pub geopend: u64,
    pub aangekondigd: u64,
    pub verwijderd: u64,
    pub tokens: u64,
    pub gebeurtenissen_gesnoeid: u64,
}

pub async fn run_once(st: &AppState) -> Result<JobReport, crate::error::ApiError> {
    let caller = system_caller();
    let ctx = Ctx::new(st, &caller);
    let now = now_us();
    let mut rep = JobReport::default();

    // 1. verzoek retrieval: the DSO verzoek is "placed in the dossier"
    let cutoff = now - st.config.verzoek_ophalen_secs * 1_000_000;
    for s in st
        .store
        .samenwerkingen_in_status_before(SamenwerkingStatus::Initialisatie, cutoff, BATCH)
        .await?
    {
        let mut n = s.clone();
        n.status = SamenwerkingStatus::Open;
        n.versie += 1;
        let deelnemers = st.store.list_deelnemers(&s.id).await?;
        // the verzoek's documents from the Omgevingsloket (none without one)
        if let crate::oefen::ophalen::Geplaatst::Later(e) =
            crate::oefen::ophalen::plaats_documenten(st, &s, &deelnemers, now).await?
        {
            tracing::warn!(samenwerking = %s.id, error = %e, "verzoek not retrieved; will retry");
            continue;
        }
        let fx = Effects {
            notificaties: ctx.notify(
                &deelnemers,
                &s,
                now,
                NieuweNotificatie {
                    soort: NotificatieType::VerzoekOphalenGeslaagd,
                    titel: "Verzoek opgehaald".into(),
                    tekst: format!(
                        "Verzoek {} is in het dossier van '{}' geplaatst.",
                        s.verzoeknummer.as_deref().unwrap_or("-"),
                        s.titel
                    ),
                    properties: Map::new(),
                    alleen_voor: None,
                    document: None,
                },
            ),
            audit: vec![],
            gebeurtenissen: feed(
                &deelnemers,
                now,
                FeedGebeurtenis::samenwerking(GebeurtenisSoort::SamenwerkingGewijzigd, &s.id),
            ),
        };
        if st.store.update_samenwerking(&n, &fx).await? == Applied::Yes {
            rep.geopend += 1;
        }
    }

    // 2. announcements, 30 and 7 days ahead
    for days in [30_i64, 7] {
        for s in st
            .store
            .samenwerkingen_to_announce(now + days * DAY_US, days, BATCH)
            .await?
        {
            let deelnemers = st.store.list_deelnemers(&s.id).await?;
            let when = to_dt(s.verwijder_na.unwrap_or(now));
            let mut props = Map::new();
            props.insert("verwijderDatum".into(), json!(when));
            props.insert("sluitDatum".into(), json!(s.gesloten.map(to_dt)));
            let fx = Effects {
                notificaties: ctx.notify(
                    &deelnemers,
                    &s,
                    now,
                    NieuweNotificatie {
                        soort: NotificatieType::VerwijderingGepland,
                        titel: "Samenwerking wordt verwijderd".into(),
                        tekst: format!(
                            "Samenwerking '{}' wordt op {} verwijderd. Archiveer vóór die datum wat u nodig heeft.",
                            s.titel,
                            when.format("%d-%m-%Y")
                        ),
                        properties: props,
                        alleen_voor: None,
                        document: None,
                    },
                ),
                audit: vec![],
                gebeurtenissen: vec![],
            };
            if st.store.mark_announced(&s.id, days, &fx).await? == Applied::Yes {
                rep.aangekondigd += 1;
            }
        }
    }

    // 3. retention: delete what was closed long enough ago
    for s in st.store.samenwerkingen_due_for_deletion(now, BATCH).await? {
        match ctx.purge(&s, true).await {
            Ok(()) => rep.verwijderd += 1,
            Err(e) if e.status == 409 => {} // another instance was first
            Err(e) => return Err(e),
        }
    }

    rep.tokens = st.store.delete_expired_tokens(now).await?;

    // 4. the change feed keeps `feed_retention_days`; older cursors get 410 and resync in full
    rep.gebeurtenissen_gesnoeid = st
        .store
        .prune_gebeurtenissen(now - st.config.feed_retention_days * DAY_US)
        .await?;
    Ok(rep)
}

/// Run the jobs every `interval` until `shutdown` fires.
pub async fn run_forever(st: AppState, mut shutdown: tokio::sync::watch::Receiver<bool>) {
    let interval = std::time::Duration::from_secs(st.config.job_interval_secs.max(1));
    loop {
        let outcome = run_once(&st).await;
        st.metrics.job_run(outcome.is_ok());
        match outcome {
            Ok(r) if r != JobReport::default() => tracing::info!(?r, "background jobs"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e.detail, "background jobs failed; will retry"),
        }
        tokio::select! {
            _ = tokio::time::sleep(interval) => {}
            _ = shutdown.changed() => return,
        }
    }
}
