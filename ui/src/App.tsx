import { Paragraph } from "./components/nlds";
import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from "react";
import { AttenderingBerichten } from "./components/Attendering";
import { Layout } from "./components/Layout";
import { I18nProvider, useT } from "./i18n";
import { en } from "./i18n/en";
import { nl } from "./i18n/nl";
import { api } from "./ipc";
import type { AppInfo, SessieInfo, Taal } from "./ipc";
import { Aanmelden } from "./screens/Aanmelden";
import { Instellingen } from "./screens/Instellingen";
import { Meldingen } from "./screens/Meldingen";
import { Oefeningen } from "./screens/Oefeningen";
import { Overzicht } from "./screens/Overzicht";
import { SamenwerkingStarten } from "./screens/SamenwerkingStarten";
import { AppProvider, OefenrollenContext, TaalContext, useOefenrollenVan } from "./state/app";
import { navigate, useRoute } from "./state/router";

// The samenwerking screen is the largest; it loads after the first screen has rendered.
const SamenwerkingPagina = lazy(() =>
  import("./screens/samenwerking/SamenwerkingPagina").then((m) => ({ default: m.SamenwerkingPagina })),
);

function Laden() {
  const t = useT();
  return (
    <div className="laden" role="status" aria-live="polite">
      <Paragraph>{t.app.laden}</Paragraph>
    </div>
  );
}

function Schermen({
  waarschuwing,
  onWaarschuwingWeg,
}: {
  waarschuwing: string | null;
  onWaarschuwingWeg: () => void;
}) {
  const route = useRoute();
  let scherm;
  switch (route.naam) {
    case "overzicht":
      scherm = <Overzicht />;
      break;
    case "starten":
      scherm = <SamenwerkingStarten />;
      break;
    case "samenwerking":
      scherm = (
        <Suspense fallback={<Laden />}>
          <SamenwerkingPagina key={route.id} id={route.id} tab={route.tab} />
        </Suspense>
      );
      break;
    case "meldingen":
      scherm = <Meldingen />;
      break;
    case "instellingen":
      scherm = <Instellingen />;
      break;
    case "oefeningen":
      scherm = <Oefeningen />;
      break;
  }
  return (
    <Layout route={route} waarschuwing={waarschuwing} onWaarschuwingWeg={onWaarschuwingWeg}>
      <AttenderingBerichten />
      {scherm}
    </Layout>
  );
}

export function App() {
  const [taal, setTaalState] = useState<Taal>("nl");
  const [klaar, setKlaar] = useState(false);
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [sessie, setSessie] = useState<SessieInfo | null>(null);
  const [waarschuwing, setWaarschuwing] = useState<string | null>(null);
  const [aanmeldMelding, setAanmeldMelding] = useState<string | null>(null);
  const oefenrollen = useOefenrollenVan(sessie);

  useEffect(() => {
    let weg = false;
    void Promise.allSettled([api.appInfo(), api.instellingen(), api.sessie()]).then(([i, s, se]) => {
      if (weg) return;
      if (i.status === "fulfilled") setInfo(i.value);
      if (s.status === "fulfilled") setTaalState(s.value.taal);
      if (se.status === "fulfilled" && se.value) {
        setSessie(se.value);
        setWaarschuwing(se.value.waarschuwing);
      }
      setKlaar(true);
    });
    return () => {
      weg = true;
    };
  }, []);

  useEffect(() => {
    document.documentElement.lang = taal;
  }, [taal]);

  const setTaal = useCallback(async (t: Taal) => {
    setTaalState(t);
    await api.instellingenOpslaan({ taal: t });
  }, []);
  const taalState = useMemo(() => ({ taal, setTaal }), [taal, setTaal]);

  const onSessieEinde = useCallback(
    (reden: "afgemeld" | "verlopen") => {
      setSessie(null);
      setWaarschuwing(null);
      if (reden === "afgemeld") navigate({ naam: "overzicht" }, { replace: true });
      setAanmeldMelding(reden === "verlopen" ? (taal === "en" ? en : nl).fout.sessieVerlopen : null);
    },
    [taal],
  );

  let inhoud;
  if (!klaar) inhoud = <Laden />;
  else if (!sessie)
    inhoud = (
      <Aanmelden
        info={info}
        melding={aanmeldMelding}
        onAangemeld={(s) => {
          setAanmeldMelding(null);
          setSessie(s);
          setWaarschuwing(s.waarschuwing);
        }}
      />
    );
  else
    inhoud = (
      // a practice role switch is a new session: everything below starts over with its mirror
      <AppProvider
        key={`${sessie.account.serviceUrl}|${sessie.account.oin}`}
        info={info}
        sessie={sessie}
        onSessieEinde={onSessieEinde}
        onSessieGewisseld={(s) => {
          setSessie(s);
          setWaarschuwing(s.waarschuwing);
        }}
      >
        <Schermen waarschuwing={waarschuwing} onWaarschuwingWeg={() => setWaarschuwing(null)} />
      </AppProvider>
    );

  return (
    <TaalContext.Provider value={taalState}>
      <I18nProvider taal={taal}>
        <OefenrollenContext.Provider value={oefenrollen}>{inhoud}</OefenrollenContext.Provider>
      </I18nProvider>
    </TaalContext.Provider>
  );
}
