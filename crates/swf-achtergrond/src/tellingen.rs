//! What waits for the user — open incoming actieverzoeken and unread notificaties, counted in
//! the mirror — and the words the trays of both processes show it with (the app's Tauri tray and
//! the background process's StatusNotifierItem).
use swf_client::mirror::{Mirror, NotificatieFilter, OverviewFilter, StatusFilter};

/// The largest page the mirror is asked for (as the app's commands).
const MAX_LIMIT: u32 = 500;

/// What waits for the user.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tellingen {
    pub actieverzoeken: u64,
    pub notificaties: u64,
}

impl Tellingen {
    /// The count line (Dutch or English, as the app).
    pub fn tekst(&self, taal: swf_client::instellingen::Taal) -> String {
        use swf_client::instellingen::Taal;
        let (a, n) = (self.actieverzoeken, self.notificaties);
        match taal {
            Taal::Nl => format!(
                "{a} {} open, {n} {} ongelezen",
                if a == 1 {
                    "actieverzoek"
                } else {
                    "actieverzoeken"
                },
                if n == 1 { "melding" } else { "meldingen" },
            ),
            Taal::En => format!(
                "{a} open action request{}, {n} unread notification{}",
                if a == 1 { "" } else { "s" },
                if n == 1 { "" } else { "s" },
            ),
        }
    }
}

/// Count what waits in `mirror`.
pub async fn tellen(mirror: &Mirror) -> swf_client::error::Result<Tellingen> {
    let mut t = Tellingen::default();
    let mut filter = OverviewFilter {
        status: StatusFilter::Alle,
        limit: MAX_LIMIT,
        ..OverviewFilter::default()
    };
    loop {
        let page = mirror.overview(&filter).await?;
        t.actieverzoeken += page
            .items
            .iter()
            .map(|i| u64::from(i.open_inkomend))
            .sum::<u64>();
        let n = u32::try_from(page.items.len()).unwrap_or(u32::MAX);
        if page.items.is_empty() || u64::from(filter.offset + n) >= page.total {
            break;
        }
        filter.offset += n;
    }
    t.notificaties = mirror
        .notificaties(&NotificatieFilter {
            samenwerking_id: None,
            alleen_ongelezen: true,
            limit: 1,
            offset: 0,
        })
        .await?
        .total;
    Ok(t)
}

/// Keep a tray's counts current for one engine session: count now, then on every change notice
/// of the engine's mirror and every 30 s (read marks are local and send no notice), and hand each
/// count to `toon`. Ends with `stop` or when the engine goes away. Both trays run this.
pub async fn volgen<F, Fut>(
    engine: &swf_client::sync::Engine,
    stop: &tokio_util::sync::CancellationToken,
    mut toon: F,
) where
    F: FnMut(Tellingen) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    use tokio::sync::broadcast::error::RecvError;
    let mirror = engine.mirror().clone();
    let mut wijzigingen = engine.subscribe();
    let mut klok = tokio::time::interval(std::time::Duration::from_secs(30));
    loop {
        tokio::select! {
            _ = stop.cancelled() => break,
            _ = klok.tick() => {}
            r = wijzigingen.recv() => match r {
                Ok(_) | Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => break,
            },
        }
        match tellen(&mirror).await {
            Ok(t) => toon(t).await,
            Err(e) => tracing::warn!(error = %e, "tray: counting failed"),
        }
    }
}

/// The labels of Openen, Nu bijwerken, Afsluiten.
pub fn labels(taal: swf_client::instellingen::Taal) -> [&'static str; 3] {
    match taal {
        swf_client::instellingen::Taal::Nl => ["Openen", "Nu bijwerken", "Afsluiten"],
        swf_client::instellingen::Taal::En => ["Open", "Update now", "Quit"],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use swf_client::instellingen::Taal;

    #[test]
    fn the_count_line_in_both_languages() {
        let t = Tellingen {
            actieverzoeken: 1,
            notificaties: 3,
        };
        assert_eq!(
            t.tekst(Taal::Nl),
            "1 actieverzoek open, 3 meldingen ongelezen"
        );
        assert_eq!(
            t.tekst(Taal::En),
            "1 open action request, 3 unread notifications"
        );
    }
}
