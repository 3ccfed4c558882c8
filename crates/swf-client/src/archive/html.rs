//! `overzicht.html`: the whole samenwerking readable in any browser, self-contained (inline
//! style only, a Content-Security-Policy that forbids scripts and remote resources), every
//! text from the service escaped.
use super::mdto::escape;
use super::{DocumentInArchief, Gegevens, StatusStap};

fn e(s: &str) -> String {
    escape(s)
}

fn tijd(t: &chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

fn rij(out: &mut String, cellen: &[String]) {
    out.push_str("<tr>");
    for c in cellen {
        out.push_str("<td>");
        out.push_str(c);
        out.push_str("</td>");
    }
    out.push_str("</tr>\n");
}

fn kop(out: &mut String, cellen: &[&str]) {
    out.push_str("<thead><tr>");
    for c in cellen {
        out.push_str("<th scope=\"col\">");
        out.push_str(&e(c));
        out.push_str("</th>");
    }
    out.push_str("</tr></thead>\n");
}

/// A relative link to a file in the archive (names are safe: no `%`, `#`, `?` or spaces).
fn link(pad: &str, tekst: &str) -> String {
    format!("<a href=\"{}\">{}</a>", e(pad), e(tekst))
}

pub fn overzicht(
    g: &Gegevens,
    docs: &[DocumentInArchief],
    status: &[(String, Vec<StatusStap>)],
) -> String {
    let s = &g.detail.samenwerking;
    let mut o = String::new();
    o.push_str("<!DOCTYPE html>\n<html lang=\"nl\">\n<head>\n<meta charset=\"utf-8\">\n");
    o.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n");
    o.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    o.push_str(&format!(
        "<title>{}</title>\n",
        e(&format!("Archief: {}", s.titel))
    ));
    o.push_str(
        "<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:70em;color:#111}\
        table{border-collapse:collapse;margin:0.5em 0 1.5em;width:100%}\
        th,td{border:1px solid #999;padding:0.3em 0.5em;text-align:left;vertical-align:top}\
        th{background:#eee}code{font-size:0.85em;word-break:break-all}\
        .bericht{border-left:3px solid #999;margin:0.3em 0;padding-left:0.6em}\
        @media print{body{margin:0}}</style>\n</head>\n<body>\n",
    );
    o.push_str(&format!("<h1>{}</h1>\n", e(&s.titel)));
    o.push_str(&format!(
        "<p>Archief gemaakt op {} door {} (OIN {}){}.</p>\n",
        e(&tijd(&g.nu)),
        e(&g.organisatie_naam),
        e(&g.oin),
        g.gebruiker
            .as_deref()
            .map(|u| format!(", gebruiker {}", e(u)))
            .unwrap_or_default()
    ));
    o.push_str("<h2>Samenwerking</h2>\n<table>\n<tbody>\n");
    let mut veld = |label: &str, waarde: Option<String>| {
        if let Some(w) = waarde {
            rij(&mut o, &[e(label), e(&w)]);
        }
    };
    veld("Kenmerk", Some(s.samenwerking_id.clone()));
    veld("Titel", Some(s.titel.clone()));
    veld("Status", Some(s.status.status.as_str().to_owned()));
    veld("Verzoeknummer", s.verzoeknummer.clone());
    veld("OLO-verzoeknummer", s.olo_verzoeknummer.clone());
    veld("Beschrijving", s.beschrijving.clone());
    veld("Locatie", s.globale_locatie.clone());
    veld(
        "Gestart door",
        Some(format!(
            "{} (OIN {})",
            s.aangemaakt_door_naam, s.aangemaakt_door
        )),
    );
    veld("Gestart op", Some(tijd(&s.creatie_datum_tijd)));
    veld("Gesloten op", s.sluit_datum_tijd.as_ref().map(tijd));
    veld(
        "Wordt verwijderd op",
        s.verwijder_datum_tijd.as_ref().map(tijd),
    );
    veld(
        "Laatst gewijzigd",
        Some(tijd(&s.laatst_aangepast_datum_tijd)),
    );
    veld("Contactpersoon", s.contactpersoon_naam.clone());
    veld("E-mail contactpersoon", s.contactpersoon_emailadres.clone());
    o.push_str("</tbody>\n</table>\n");

    o.push_str("<h2>Deelnemers</h2>\n<table>\n");
    kop(&mut o, &["Organisatie", "OIN", "Rol", "Toegang", "Sinds"]);
    o.push_str("<tbody>\n");
    for d in &g.detail.deelnemers {
        rij(
            &mut o,
            &[
                e(&d.naam),
                e(d.oin.as_str()),
                e(d.rol.as_str()),
                e(d.privilege.as_str()),
                e(&tijd(&d.toegevoegd_datum_tijd)),
            ],
        );
    }
    o.push_str("</tbody>\n</table>\n");

    o.push_str("<h2>Documenten</h2>\n");
    if docs.is_empty() {
        o.push_str("<p>Geen documenten.</p>\n");
    } else {
        o.push_str("<table>\n");
        kop(
            &mut o,
            &[
                "Bestand",
                "Omschrijving",
                "Vertrouwelijkheid",
                "Van",
                "Toegevoegd",
                "Bytes",
                "SHA-256",
            ],
        );
        o.push_str("<tbody>\n");
        for d in docs {
            let doc = &d.document;
            rij(
                &mut o,
                &[
                    link(&d.pad_in_dossier, &doc.bestands_naam),
                    e(&doc.document_omschrijving),
                    e(doc.vertrouwelijkheids_aanduiding.as_str()),
                    e(&doc.aangemaakt_door_naam),
                    e(&tijd(&doc.creatie_datum_tijd)),
                    doc.grootte.to_string(),
                    format!("<code>{}</code>", e(&doc.document_hash)),
                ],
            );
        }
        o.push_str("</tbody>\n</table>\n");
    }

    o.push_str("<h2>Actieverzoeken</h2>\n");
    if g.detail.actieverzoeken.is_empty() {
        o.push_str("<p>Geen actieverzoeken.</p>\n");
    }
    for a in &g.detail.actieverzoeken {
        let v = &a.actieverzoek;
        o.push_str(&format!(
            "<h3>{}</h3>\n<p>Van {} aan {}; status <strong>{}</strong>; aangemaakt {}.</p>\n<p>{}</p>\n",
            e(&v.titel),
            e(&v.zender_naam),
            e(&v.ontvanger_naam),
            e(v.status.as_str()),
            e(&tijd(&v.creatie_datum_tijd)),
            e(&v.omschrijving)
        ));
        if let Some(m) = &v.melding {
            o.push_str(&format!("<p>Melding: {}</p>\n", e(m)));
        }
        if let Some((_, stappen)) = status
            .iter()
            .find(|(id, _)| *id == v.actieverzoek_id.to_string())
        {
            o.push_str("<table>\n");
            kop(&mut o, &["Tijd", "Van", "Naar", "Door", "Melding"]);
            o.push_str("<tbody>\n");
            for st in stappen {
                rij(
                    &mut o,
                    &[
                        e(&tijd(&st.datum_tijd)),
                        e(st.status_oud.as_deref().unwrap_or("")),
                        e(&st.status_nieuw),
                        e(st.door.as_deref().unwrap_or("")),
                        e(st.melding.as_deref().unwrap_or("")),
                    ],
                );
            }
            o.push_str("</tbody>\n</table>\n");
        }
        for b in &a.berichten {
            o.push_str(&format!(
                "<div class=\"bericht\"><p><strong>{}</strong> aan {}, {}</p><p>{}</p></div>\n",
                e(&b.zender_naam),
                e(&b.ontvanger_naam),
                e(&tijd(&b.creatie_datum_tijd)),
                e(&b.inhoud)
            ));
        }
    }

    o.push_str("<h2>Meldingen</h2>\n");
    if g.detail.notificaties.is_empty() {
        o.push_str("<p>Geen meldingen.</p>\n");
    } else {
        o.push_str("<table>\n");
        kop(&mut o, &["Tijd", "Soort", "Titel", "Tekst", "Door"]);
        o.push_str("<tbody>\n");
        for n in &g.detail.notificaties {
            let n = &n.notificatie;
            rij(
                &mut o,
                &[
                    e(&tijd(&n.event_datum_tijd)),
                    e(n.notificatie_type.as_str()),
                    e(&n.notificatie_titel),
                    e(&n.notificatie_tekst),
                    e(&n.event_initiator_naam),
                ],
            );
        }
        o.push_str("</tbody>\n</table>\n");
    }

    o.push_str("<h2>Historie</h2>\n");
    match &g.historie {
        Err(reden) => o.push_str(&format!("<p>Niet opgenomen: {}</p>\n", e(reden))),
        Ok(regels) => {
            o.push_str("<table>\n");
            kop(
                &mut o,
                &[
                    "Nr",
                    "Tijd",
                    "Organisatie",
                    "Gebruiker",
                    "Actie",
                    "Omschrijving",
                ],
            );
            o.push_str("<tbody>\n");
            for r in regels {
                rij(
                    &mut o,
                    &[
                        r.volgnummer.to_string(),
                        e(&tijd(&r.datum_tijd)),
                        e(&r.organisatie_naam),
                        e(r.gebruiker.as_deref().unwrap_or("")),
                        e(&r.actie),
                        e(&r.omschrijving),
                    ],
                );
            }
            o.push_str("</tbody>\n</table>\n");
        }
    }
    o.push_str("</body>\n</html>\n");
    o
}
