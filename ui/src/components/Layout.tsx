import { Alert, Button, Paragraph, SkipLink } from "./nlds";
import { useState } from "react";
import type { ReactNode } from "react";
import { useFormat, useT } from "../i18n";
import { useApp } from "../state/app";
import { routeHref } from "../state/router";
import type { Route } from "../state/router";
import { OefenBand } from "./OefenBand";
import { ConfirmDialog } from "./ui";
import { UpdateBanner } from "./UpdateBanner";

export function SyncIndicator() {
  const { sync, nuSynchroniseren, offline } = useApp();
  const t = useT();
  const f = useFormat();
  let tekst: string;
  if (!sync) tekst = t.app.laden;
  else if (sync.verbinding === "syncing") tekst = sync.volledigeSync ? t.sync.volledig : t.sync.bezig;
  else if (sync.lastSyncedAt) {
    const d = new Date(sync.lastSyncedAt);
    tekst =
      d.toDateString() === new Date().toDateString()
        ? t.sync.bijgewerktOm(f.tijd(sync.lastSyncedAt))
        : t.sync.bijgewerktOp(f.datumTijd(sync.lastSyncedAt));
  } else tekst = t.sync.nogNiet;
  const bezig = sync?.verbinding === "syncing";
  return (
    <div className="sync" data-testid="sync-status" data-verbinding={sync?.verbinding ?? "onbekend"}>
      <span role="status" aria-live="polite" className="sync__tekst">
        {bezig && <span className="spinner" aria-hidden="true" />}
        {offline && <span className="sync__offline">{t.sync.offline}: </span>}
        {tekst}
      </span>
      {sync?.live && !offline && (
        <span className="sync__live" title={t.sync.liveUitleg} data-testid="live-indicator">
          <span className="sync__live-dot" aria-hidden="true" />
          {t.sync.live}
          <span className="visually-hidden">: {t.sync.liveUitleg}</span>
        </span>
      )}
      {!offline && !bezig && sync && (
        <Button appearance="subtle-button" className="sync__knop" onClick={() => void nuSynchroniseren()}>
          {t.sync.nuBijwerken}
        </Button>
      )}
    </div>
  );
}

export function OfflineBanner() {
  const { offline, sync } = useApp();
  const t = useT();
  const f = useFormat();
  if (!offline) return null;
  const stand = sync?.lastSyncedAt ? f.datumTijd(sync.lastSyncedAt) : t.offline.onbekendeStand;
  return (
    <div data-testid="offline-banner" className="offline-banner">
      <Alert type="warning">
        <Paragraph>{t.offline.banner(stand)}</Paragraph>
        {sync?.melding && (
          // the reason is for whoever helps the user (a proxy, a firewall); the banner says
          // what it means for the user
          <details className="offline-banner__details">
            <summary>{t.offline.details}</summary>
            <Paragraph>{sync.melding}</Paragraph>
          </details>
        )}
      </Alert>
    </div>
  );
}

type NavNaam = "overzicht" | "meldingen" | "oefeningen" | "instellingen";
const NAV: { naam: NavNaam }[] = [{ naam: "overzicht" }, { naam: "meldingen" }, { naam: "instellingen" }];
// in the practice environment the exercises come before the settings
const NAV_OEFEN: { naam: NavNaam }[] = [
  { naam: "overzicht" },
  { naam: "meldingen" },
  { naam: "oefeningen" },
  { naam: "instellingen" },
];

export function Layout({
  route,
  waarschuwing,
  onWaarschuwingWeg,
  children,
}: {
  route: Route;
  waarschuwing: string | null;
  onWaarschuwingWeg: () => void;
  children: ReactNode;
}) {
  const t = useT();
  const { sessie, ongelezen, afmelden } = useApp();
  const [afmeldVraag, setAfmeldVraag] = useState(false);
  const [afmeldBezig, setAfmeldBezig] = useState(false);
  // Only the page a link leads to is current: inside a samenwerking or on "Samenwerking
  // starten" no item of the main navigation is (the window title and the back link say where
  // the user is).
  const actief = route.naam === "samenwerking" || route.naam === "starten" ? null : route.naam;
  const account = sessie.account;
  // the user's own name as the service gives it ("Vera Vergunningverlener"), else the sign-in name
  const gebruiker = account.naam || account.gebruikersnaam;

  const nav = sessie.oefenomgeving ? NAV_OEFEN : NAV;

  return (
    <div className={`app${sessie.oefenomgeving ? " app--oefen" : ""}`}>
      <SkipLink href="#inhoud">{t.app.naarInhoud}</SkipLink>
      <OefenBand />
      <header className="header">
        <div className="header__merk">
          <span className="header__app">{t.app.naam}</span>
          <span className="header__wie" data-testid="account">
            <span className="visually-hidden">{t.layout.organisatie}: </span>
            <span data-testid="organisatie-naam">{account.organisatieNaam}</span>
            {gebruiker && (
              <>
                {" · "}
                <span className="visually-hidden">{t.layout.gebruiker}: </span>
                <span data-testid="gebruikersnaam">{gebruiker}</span>
              </>
            )}
          </span>
        </div>
        <SyncIndicator />
        <Button
          appearance="secondary-action-button"
          data-testid="afmelden"
          onClick={() => setAfmeldVraag(true)}
        >
          {t.layout.afmelden}
        </Button>
      </header>
      <nav aria-label={t.app.hoofdnavigatie} className="nav">
        <ul className="nav__lijst">
          {nav.map((n) => (
            <li key={n.naam}>
              <a
                href={routeHref({ naam: n.naam })}
                className="nav__link"
                aria-current={actief === n.naam ? "page" : undefined}
                data-testid={`nav-${n.naam}`}
              >
                {t.layout.nav[n.naam]}
                {n.naam === "meldingen" && ongelezen > 0 && (
                  <>
                    {" "}
                    <span className="teller" data-testid="ongelezen-teller" aria-hidden="true">
                      {ongelezen}
                    </span>
                    <span className="visually-hidden"> ({t.layout.nav.ongelezen(ongelezen)})</span>
                  </>
                )}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <OfflineBanner />
      <UpdateBanner />
      {waarschuwing && (
        <div className="waarschuwing" data-testid="waarschuwing">
          <Alert type="warning" role="alert">
            <Paragraph>{waarschuwing}</Paragraph>
            <Button appearance="subtle-button" onClick={onWaarschuwingWeg}>
              {t.layout.waarschuwingSluiten}
            </Button>
          </Alert>
        </div>
      )}
      <main id="inhoud" className="inhoud" tabIndex={-1}>
        {children}
      </main>
      <ConfirmDialog
        open={afmeldVraag}
        titel={t.layout.afmeldenVraag}
        uitleg={t.layout.afmeldenUitleg}
        bevestigKnop={t.layout.afmelden}
        busy={afmeldBezig}
        onAnnuleer={() => setAfmeldVraag(false)}
        onBevestig={() => {
          setAfmeldBezig(true);
          void afmelden().finally(() => setAfmeldBezig(false));
        }}
        testId="afmelden-dialoog"
      />
    </div>
  );
}
