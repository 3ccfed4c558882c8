import { Button, Heading2, Heading3, Paragraph, StatusBadge } from "../components/nlds";
import { useEffect, useState } from "react";
import { RadioGroup, TextField } from "../components/form";
import { PaginaTitel } from "../components/PaginaTitel";
import { ErrorAlert, SamenwerkingStatusBadge, StatusMessage } from "../components/ui";
import { useFormat, useT } from "../i18n";
import { api } from "../ipc";
import type { MirrorGewijzigd, OverviewItem, StatusFilter } from "../ipc";
import { useApp } from "../state/app";
import { useDebounced, useMirrorQuery } from "../state/hooks";
import { navigate, routeHref } from "../state/router";

export const PAGINA = 20;

/**
 * The overview lines change only with these kinds: a new or changed document, actieverzoek or
 * notificatie that alters a line's counters or last activity is reported by the mirror as kind
 * `samenwerking` for that samenwerking as well.
 */
export function raaktOverzicht(c: MirrorGewijzigd): boolean {
  return c.changes.some(
    (x) => x.kind === "samenwerking" || x.kind === "deelnemers" || x.kind === "samenwerkingVerwijderd",
  );
}

function Regel({ item }: { item: OverviewItem }) {
  const t = useT();
  const f = useFormat();
  const actie = item.openInkomend > 0;
  return (
    <li
      className={`kaart${actie ? " kaart--actie" : ""}`}
      data-testid={`samenwerking-${item.samenwerkingId}`}
      data-actie-nodig={actie ? "ja" : "nee"}
    >
      <div className="kaart__kop">
        <Heading3 className="kaart__titel">
          <a href={routeHref({ naam: "samenwerking", id: item.samenwerkingId, tab: "samenvatting" })}>
            {item.titel}
          </a>
        </Heading3>
        <span className="kaart__badges">
          {actie && (
            <StatusBadge status="warning" className="badge" data-testid="actie-nodig">
              {t.overzicht.actieNodig}
            </StatusBadge>
          )}
          <SamenwerkingStatusBadge status={item.status} />
        </span>
      </div>
      <dl className="kaart__gegevens">
        <div>
          <dt>{t.overzicht.verzoeknummer}</dt>
          <dd>{item.verzoeknummer ?? t.overzicht.zonderVerzoeknummer}</dd>
        </div>
        <div>
          <dt>{t.overzicht.mijnRol}</dt>
          <dd>{item.mijnRol ? (t.rol[item.mijnRol] ?? item.mijnRol) : t.app.onbekend}</dd>
        </div>
        <div>
          <dt>{t.overzicht.partners}</dt>
          <dd>{item.partners.length ? item.partners.join(", ") : t.overzicht.geenPartners}</dd>
        </div>
        <div>
          <dt>{t.overzicht.laatsteActiviteit}</dt>
          <dd>
            <time dateTime={item.laatsteActiviteit}>{f.moment(item.laatsteActiviteit)}</time>
          </dd>
        </div>
      </dl>
      {(item.openInkomend > 0 || item.openUitgaand > 0 || item.ongelezenNotificaties > 0) && (
        <ul className="kaart__tellers">
          {item.openInkomend > 0 && (
            <li className="teller-tekst teller-tekst--actie">{t.overzicht.inkomend(item.openInkomend)}</li>
          )}
          {item.openUitgaand > 0 && <li className="teller-tekst">{t.overzicht.uitgaand(item.openUitgaand)}</li>}
          {item.ongelezenNotificaties > 0 && (
            <li className="teller-tekst">{t.overzicht.ongelezen(item.ongelezenNotificaties)}</li>
          )}
        </ul>
      )}
    </li>
  );
}

export function Overzicht() {
  const t = useT();
  const { offline, sync, flash, setFlash } = useApp();
  // A message from the previous screen (e.g. "… is verwijderd"), shown once.
  const [melding] = useState(flash);
  useEffect(() => {
    if (flash) setFlash(null);
  }, [flash, setFlash]);
  const [status, setStatus] = useState<StatusFilter>("alle");
  const [zoekInvoer, setZoekInvoer] = useState("");
  const zoek = useDebounced(zoekInvoer.trim(), 300);
  const [limit, setLimit] = useState(PAGINA);

  const q = useMirrorQuery(
    `${status}|${zoek}|${limit}`,
    () => api.overzicht({ status, zoek: zoek || null, limit, offset: 0 }),
    raaktOverzicht,
  );
  // Keep showing the previous list while a new filter loads (no flicker).
  const [vorige, setVorige] = useState(q.data);
  if (q.data && q.data !== vorige) setVorige(q.data);
  const pagina = q.data ?? vorige;

  const items = pagina?.items ?? [];
  const gevraagd = items.filter((i) => i.openInkomend > 0);
  const overige = items.filter((i) => i.openInkomend === 0);
  const gefilterd = status !== "alle" || zoek !== "";

  return (
    <div className="overzicht">
      <div className="pagina-kop">
        <PaginaTitel titel={t.overzicht.titel}>{t.overzicht.titel}</PaginaTitel>
        <Button
          appearance="primary-action-button"
          disabled={offline}
          data-testid="samenwerking-starten"
          onClick={() => navigate({ naam: "starten" })}
        >
          {t.overzicht.starten}
        </Button>
      </div>

      <div role="search" className="filters" aria-label={t.overzicht.zoeken}>
        <RadioGroup<StatusFilter>
          id="filter-status"
          name="status"
          legend={t.overzicht.filter}
          inline
          value={status}
          onChange={(v) => {
            setStatus(v);
            setLimit(PAGINA);
          }}
          options={[
            { value: "alle", label: t.overzicht.filterAlle },
            { value: "open", label: t.overzicht.filterOpen },
            { value: "gesloten", label: t.overzicht.filterGesloten },
          ]}
        />
        <TextField
          id="zoek"
          type="search"
          label={t.overzicht.zoeken}
          description={t.overzicht.zoekenUitleg}
          value={zoekInvoer}
          onChange={(e) => {
            setZoekInvoer(e.target.value);
            setLimit(PAGINA);
          }}
          data-testid="zoek"
        />
      </div>

      <StatusMessage testId="flash">{melding}</StatusMessage>
      <ErrorAlert error={q.error} />

      <p role="status" aria-live="polite" className="aantal" data-testid="aantal">
        {pagina && pagina.total > 0 ? t.overzicht.aantal(items.length, pagina.total) : ""}
      </p>

      {pagina && items.length === 0 && (
        <div className="leeg" data-testid="leeg">
          {gefilterd ? (
            <Paragraph>{t.overzicht.geenResultaat}</Paragraph>
          ) : (
            <>
              <Heading2>{t.overzicht.leegTitel}</Heading2>
              <Paragraph>
                {sync?.verbinding === "syncing" && !sync.lastSyncedAt ? t.overzicht.leegEersteSync : t.overzicht.leeg}
              </Paragraph>
            </>
          )}
        </div>
      )}

      {gevraagd.length > 0 && (
        <section aria-labelledby="kop-gevraagd" className="sectie sectie--gevraagd" data-testid="gevraagd">
          <Heading2 id="kop-gevraagd">{t.overzicht.gevraagd}</Heading2>
          <Paragraph>{t.overzicht.gevraagdUitleg}</Paragraph>
          <ul className="kaarten">
            {gevraagd.map((i) => (
              <Regel key={i.samenwerkingId} item={i} />
            ))}
          </ul>
        </section>
      )}
      {overige.length > 0 && (
        <section aria-labelledby="kop-overige" className="sectie" data-testid="overige">
          {gevraagd.length > 0 ? (
            <Heading2 id="kop-overige">{t.overzicht.overige}</Heading2>
          ) : (
            <Heading2 id="kop-overige" className="visually-hidden">
              {t.overzicht.titel}
            </Heading2>
          )}
          <ul className="kaarten">
            {overige.map((i) => (
              <Regel key={i.samenwerkingId} item={i} />
            ))}
          </ul>
        </section>
      )}

      {pagina && items.length < pagina.total && (
        <Button
          appearance="secondary-action-button"
          data-testid="meer-laden"
          onClick={() => setLimit((l) => l + PAGINA)}
        >
          {t.overzicht.meerLaden}
        </Button>
      )}
    </div>
  );
}
