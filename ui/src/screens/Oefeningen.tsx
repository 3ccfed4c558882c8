// The panel "Oefeningen": the five exercises of the practice case with their steps, each
// ticked by what the learner did (the shell derives it from both roles' mirrors and a local
// log: never a "klaar" button), which role does it and a switch to that role; after an
// exercise its reflection questions with a notes field (kept locally), an export of it all,
// and a way to start over.
import { useEffect, useState } from "react";
import { Alert, Button, ButtonGroup, Heading2, Heading3, Paragraph } from "../components/nlds";
import { TextAreaField } from "../components/form";
import { PaginaTitel } from "../components/PaginaTitel";
import { ConfirmDialog, ErrorAlert, StatusMessage } from "../components/ui";
import { useFormat, useT } from "../i18n";
import { api } from "../ipc";
import type { OefenGebruiker, Oefening, OefeningenStand } from "../ipc";
import { useApp } from "../state/app";
import { useAction, useMirrorQuery } from "../state/hooks";
import { oefeningenMarkdown } from "./oefeningen/export";

function Notities({ nummer, begin }: { nummer: number; begin: string }) {
  const t = useT();
  const [tekst, setTekst] = useState(begin);
  const [bewaard, setBewaard] = useState(false);
  const actie = useAction();
  async function bewaar() {
    if (tekst === begin && !bewaard) return;
    const r = await actie.run(() => api.oefenNotitieOpslaan(nummer, tekst));
    setBewaard(r.ok);
  }
  return (
    <div className="oefening__notities">
      <TextAreaField
        id={`notities-${nummer}`}
        label={t.oefeningen.notities(nummer)}
        description={t.oefeningen.notitiesUitleg}
        rows={3}
        value={tekst}
        data-testid={`notities-${nummer}`}
        onChange={(e) => {
          setTekst(e.target.value);
          setBewaard(false);
        }}
        onBlur={() => void bewaar()}
      />
      <ErrorAlert error={actie.error} />
      <StatusMessage testId={`notities-${nummer}-status`}>{bewaard ? t.oefeningen.notitieOpgeslagen : null}</StatusMessage>
    </div>
  );
}

function OefeningKaart({
  o,
  speler,
  notitie,
}: {
  o: Oefening;
  speler: OefenGebruiker;
  notitie: string;
}) {
  const t = useT();
  const { sessie, wisselRol, handleError } = useApp();
  const [bezig, setBezig] = useState(false);
  const m = t.oefeningen;
  const dezeRol = speler.oin === sessie.account.oin;
  return (
    <section
      className={`oefening${o.klaar ? " oefening--klaar" : ""}`}
      aria-labelledby={`oefening-${o.nummer}-kop`}
      data-testid={`oefening-${o.nummer}`}
      data-klaar={o.klaar}
    >
      <Heading2 id={`oefening-${o.nummer}-kop`}>
        {m.oefening(o.nummer, m.titels[o.nummer] ?? "")}
        {o.klaar && <span className="oefening__klaar"> · {m.klaar}</span>}
      </Heading2>
      <div className="oefening__rol">
        <Paragraph data-testid={`oefening-${o.nummer}-rol`}>{m.rolDoor(m.rol[o.rol], speler.organisatie)}</Paragraph>
        {dezeRol ? (
          <Paragraph className="hint">{m.uBentDezeRol}</Paragraph>
        ) : (
          <Button
            appearance="secondary-action-button"
            busy={bezig}
            disabled={bezig}
            data-testid={`oefening-${o.nummer}-wissel`}
            onClick={() => {
              setBezig(true);
              wisselRol(speler.gebruikersnaam).catch((e: unknown) => {
                handleError(e);
                setBezig(false);
              });
            }}
          >
            {m.wisselNaar(speler.organisatie)}
          </Button>
        )}
      </div>
      <ol className="oefening__stappen">
        {o.stappen.map((s) => (
          <li
            key={s.id}
            className={`stap${s.gedaan ? " stap--gedaan" : ""}`}
            data-testid={`stap-${s.id}`}
            data-gedaan={s.gedaan}
          >
            <span className="stap__vink" aria-hidden="true">
              {s.gedaan ? "✓" : "○"}
            </span>{" "}
            {m.stap[s.id] ?? s.id}
            {s.optioneel && <span className="hint"> {m.optioneel}</span>}
            <span className="visually-hidden"> ({s.gedaan ? m.gedaan : m.nietGedaan})</span>
          </li>
        ))}
      </ol>
      {o.klaar && (
        <div className="oefening__vragen" data-testid={`oefening-${o.nummer}-vragen`}>
          <Heading3>{m.vragenTitel}</Heading3>
          <ul>
            {(m.vragen[o.nummer] ?? []).map((v) => (
              <li key={v}>{v}</li>
            ))}
          </ul>
          <Notities nummer={o.nummer} begin={notitie} />
        </div>
      )}
    </section>
  );
}

export function Oefeningen() {
  const t = useT();
  const f = useFormat();
  const { sessie } = useApp();
  const m = t.oefeningen;
  // the checklist follows the mirror; it is read again on every change of it
  const q = useMirrorQuery<OefeningenStand>(`oefeningen|${sessie.account.oin}`, () => api.oefeningen());
  const exporteren = useAction();
  const opnieuw = useAction();
  const [opgeslagen, setOpgeslagen] = useState<string | null>(null);
  const [vraag, setVraag] = useState(false);
  const [gewist, setGewist] = useState(false);
  const { reload } = q;
  useEffect(() => {
    // the log changes without the mirror (a screen looked at): read again when coming back
    const h = () => reload();
    window.addEventListener("focus", h);
    return () => window.removeEventListener("focus", h);
  }, [reload]);

  const stand = q.data;
  const klaar = stand ? stand.oefeningen.filter((o) => o.klaar).length : 0;
  const notitie = (n: number) => stand?.notities.find((x) => x.nummer === n)?.tekst ?? "";

  return (
    <div className="oefeningen" data-testid="oefeningen">
      <PaginaTitel titel={m.titel}>{m.titel}</PaginaTitel>
      <Paragraph className="intro">{m.intro}</Paragraph>
      <ErrorAlert error={q.error} />
      {q.loading && <Paragraph role="status">{t.app.laden}</Paragraph>}
      {stand && (
        <>
          <Paragraph data-testid="oefeningen-voortgang">
            <strong>{m.voortgang(klaar)}</strong>
          </Paragraph>
          {stand.samenwerkingTitel ? (
            <Paragraph data-testid="oefeningen-samenwerking">{m.samenwerking(stand.samenwerkingTitel)}</Paragraph>
          ) : (
            !stand.samenwerkingId && (
              <Alert type="info" data-testid="oefeningen-nog-niet">
                <Paragraph>{m.nogNiet}</Paragraph>
              </Alert>
            )
          )}
          {stand.oefeningen.map((o) => (
            <OefeningKaart
              key={`${o.nummer}|${notitie(o.nummer)}`}
              o={o}
              speler={o.rol === "vergunningverlener" ? stand.vergunningverlener : stand.adviseur}
              notitie={notitie(o.nummer)}
            />
          ))}
          <ErrorAlert error={exporteren.error ?? opnieuw.error} />
          <StatusMessage testId="oefeningen-status">
            {opgeslagen ? m.geexporteerd(opgeslagen) : gewist ? m.opnieuwGedaan : null}
          </StatusMessage>
          <ButtonGroup>
            <Button
              appearance="secondary-action-button"
              busy={exporteren.busy}
              disabled={exporteren.busy}
              data-testid="oefeningen-exporteren"
              onClick={() => {
                setGewist(false);
                const inhoud = oefeningenMarkdown(stand, t, f.datumTijd(new Date().toISOString()));
                void exporteren
                  .run(() => api.oefeningenExporteren(m.bestandsnaam, inhoud))
                  .then((r) => setOpgeslagen(r.ok ? r.value : null));
              }}
            >
              {m.exporteren}
            </Button>
            <Button
              appearance="subtle-button"
              data-testid="oefeningen-opnieuw"
              onClick={() => setVraag(true)}
            >
              {m.opnieuw}
            </Button>
          </ButtonGroup>
        </>
      )}
      <ConfirmDialog
        open={vraag}
        titel={m.opnieuwVraag}
        uitleg={m.opnieuwUitleg}
        bevestigKnop={m.opnieuw}
        busy={opnieuw.busy}
        onAnnuleer={() => setVraag(false)}
        onBevestig={() => {
          void opnieuw.run(() => api.oefeningenOpnieuw()).then((r) => {
            setVraag(false);
            if (r.ok) {
              setOpgeslagen(null);
              setGewist(true);
              reload();
            }
          });
        }}
        testId="oefeningen-opnieuw-dialoog"
      />
    </div>
  );
}
