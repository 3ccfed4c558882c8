import { Alert, Paragraph } from "../../components/nlds";
import { useEffect, useRef } from "react";
import type { KeyboardEvent } from "react";
import { CheckboxField } from "../../components/form";
import { PaginaTitel } from "../../components/PaginaTitel";
import { ErrorAlert, SamenwerkingStatusBadge } from "../../components/ui";
import { useT } from "../../i18n";
import { api } from "../../ipc";
import type { MirrorGewijzigd, SamenwerkingScherm } from "../../ipc";
import { useApp } from "../../state/app";
import { useAction, useMirrorQuery } from "../../state/hooks";
import { navigate, routeHref, TABS } from "../../state/router";
import type { Tab } from "../../state/router";
import { Actieverzoeken } from "./Actieverzoeken";
import { Deelnemers } from "./Deelnemers";
import { Documenten } from "./Documenten";
import { Historie, MeldingenTab } from "./MeldingenEnHistorie";
import { Samenvatting } from "./Samenvatting";

/**
 * Does this batch touch the samenwerking on screen? Samenwerking-keyed kinds name it directly;
 * document/actieverzoek/notificatie changes name their own ids. A NEW item of this samenwerking
 * also changes its overview line, which the mirror reports as kind `samenwerking` with its id.
 */
export function raaktSamenwerking(c: MirrorGewijzigd, id: string, scherm: SamenwerkingScherm | undefined): boolean {
  const getoond = new Set<string>();
  if (scherm) {
    scherm.documenten.forEach((d) => getoond.add(d.document.documentId));
    scherm.actieverzoeken.forEach((a) => getoond.add(a.actieverzoek.actieverzoekId));
    scherm.notificaties.forEach((n) => getoond.add(n.notificatieId));
  }
  return c.changes.some((ch) => {
    switch (ch.kind) {
      case "samenwerking":
      case "deelnemers":
      case "samenwerkingVerwijderd":
        return ch.ids.includes(id);
      default:
        return ch.ids.some((x) => getoond.has(x));
    }
  });
}

function Tabs({ id, tab, scherm }: { id: string; tab: Tab; scherm: SamenwerkingScherm }) {
  const t = useT();
  const refs = useRef<Partial<Record<Tab, HTMLAnchorElement | null>>>({});
  const tellers: Partial<Record<Tab, number>> = {
    deelnemers: scherm.deelnemers.length,
    documenten: scherm.documenten.length,
    actieverzoeken: scherm.actieverzoeken.length,
    meldingen: scherm.notificaties.filter((n) => !n.gelezen).length,
  };

  function onKeyDown(e: KeyboardEvent<HTMLAnchorElement>) {
    const i = TABS.indexOf(tab);
    let volgende: Tab | undefined;
    if (e.key === "ArrowRight") volgende = TABS[(i + 1) % TABS.length];
    else if (e.key === "ArrowLeft") volgende = TABS[(i - 1 + TABS.length) % TABS.length];
    else if (e.key === "Home") volgende = TABS[0];
    else if (e.key === "End") volgende = TABS[TABS.length - 1];
    if (!volgende) return;
    e.preventDefault();
    navigate({ naam: "samenwerking", id, tab: volgende }, { replace: true });
    refs.current[volgende]?.focus();
  }

  return (
    <div role="tablist" aria-label={t.samenwerking.tabs} className="tabs">
      {TABS.map((x) => {
        const n = tellers[x];
        return (
          <a
            key={x}
            ref={(el) => {
              refs.current[x] = el;
            }}
            role="tab"
            id={`tab-${x}`}
            href={routeHref({ naam: "samenwerking", id, tab: x })}
            aria-selected={x === tab}
            aria-controls={`paneel-${x}`}
            tabIndex={x === tab ? 0 : -1}
            className="tabs__tab"
            data-testid={`tab-${x}`}
            onKeyDown={onKeyDown}
            onClick={(e) => {
              e.preventDefault();
              navigate({ naam: "samenwerking", id, tab: x }, { replace: true });
            }}
          >
            {t.samenwerking.tab[x]}
            {n ? <span className="tabs__teller"> {n}</span> : null}
          </a>
        );
      })}
    </div>
  );
}

function OfflineToggle({ scherm }: { scherm: SamenwerkingScherm }) {
  const t = useT();
  const actie = useAction();
  return (
    <div className="offline-toggle" data-testid="offline-beschikbaar">
      <CheckboxField
        id="offline-beschikbaar"
        label={t.samenwerking.offlineBeschikbaar}
        description={t.samenwerking.offlineBeschikbaarUitleg}
        checked={scherm.offlineBeschikbaar}
        disabled={actie.busy}
        onChange={(e) => {
          const aan = e.target.checked;
          void actie.run(() => api.offlineBeschikbaar(scherm.samenwerking.samenwerkingId, aan));
        }}
      />
      <ErrorAlert error={actie.error} />
    </div>
  );
}

export function SamenwerkingPagina({ id, tab }: { id: string; tab: Tab }) {
  const t = useT();
  const schermRef = useRef<SamenwerkingScherm | undefined>(undefined);
  const q = useMirrorQuery(
    `samenwerking|${id}`,
    () => api.samenwerking(id),
    (c) => raaktSamenwerking(c, id, schermRef.current),
  );
  const scherm = q.data ?? undefined;
  useEffect(() => {
    schermRef.current = scherm;
  }, [scherm]);
  // practice: the exercises count looking at the deelnemers and the actieverzoeken
  const { sessie } = useApp();
  const getoond = scherm !== undefined;
  useEffect(() => {
    if (!sessie.oefenomgeving || !getoond) return;
    if (tab === "deelnemers") void api.oefenGezien(id, "deelnemers").catch(() => undefined);
    if (tab === "actieverzoeken") void api.oefenGezien(id, "actieverzoeken").catch(() => undefined);
  }, [sessie.oefenomgeving, getoond, tab, id]);

  if (q.loading)
    return (
      <Paragraph role="status" aria-live="polite">
        {t.samenwerking.laden}
      </Paragraph>
    );
  if (!scherm)
    return (
      <div data-testid="samenwerking-niet-gevonden">
        <PaginaTitel titel={id}>{id}</PaginaTitel>
        <ErrorAlert error={q.error} />
        {!q.error && <Paragraph>{t.samenwerking.nietGevonden}</Paragraph>}
        <Paragraph>
          <a href={routeHref({ naam: "overzicht" })}>{t.app.terug}</a>
        </Paragraph>
      </div>
    );

  const s = scherm.samenwerking;
  let paneel;
  switch (tab) {
    case "samenvatting":
      paneel = <Samenvatting scherm={scherm} />;
      break;
    case "deelnemers":
      paneel = <Deelnemers scherm={scherm} />;
      break;
    case "documenten":
      paneel = <Documenten scherm={scherm} />;
      break;
    case "actieverzoeken":
      paneel = <Actieverzoeken scherm={scherm} />;
      break;
    case "meldingen":
      paneel = <MeldingenTab scherm={scherm} />;
      break;
    case "historie":
      paneel = <Historie scherm={scherm} />;
      break;
  }

  return (
    <div className="samenwerking" data-testid="samenwerking" data-samenwerking-id={s.samenwerkingId}>
      <p className="terug">
        <a href={routeHref({ naam: "overzicht" })}>{t.app.terug}</a>
      </p>
      <div className="pagina-kop">
        <PaginaTitel titel={s.titel} venster={[t.samenwerking.tab[tab], s.titel]}>
          {s.titel}
        </PaginaTitel>
        <SamenwerkingStatusBadge status={s.status.status} />
      </div>
      {s.status.status === "GESLOTEN" && (
        <Alert type="info" data-testid="gesloten-melding">
          <Paragraph>{t.samenwerking.gesloten}</Paragraph>
        </Alert>
      )}
      <ErrorAlert error={q.error} />
      <OfflineToggle scherm={scherm} />
      <Tabs id={id} tab={tab} scherm={scherm} />
      <div role="tabpanel" id={`paneel-${tab}`} aria-labelledby={`tab-${tab}`} className="tabpaneel">
        {paneel}
      </div>
    </div>
  );
}
