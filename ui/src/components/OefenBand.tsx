// The practice environment's colour band: always on screen while acting as a practice
// organisation. It says "Oefenomgeving", which organisation the learner acts as, and switches
// to another practice organisation in one click (each keeps its own mirror and sign-in).
import { useState } from "react";
import { Button } from "./nlds";
import { ErrorAlert } from "./ui";
import { useT } from "../i18n";
import { IpcError } from "../ipc";
import type { OefenGebruiker } from "../ipc";
import { useApp, useOefenrollen } from "../state/app";

export function OefenBand() {
  const t = useT();
  const { sessie, wisselRol } = useApp();
  const rollen = useOefenrollen();
  const [bezig, setBezig] = useState<string | null>(null);
  const [fout, setFout] = useState<IpcError | null>(null);
  const oefen = sessie.oefenomgeving;

  if (!oefen) return null;

  async function wissel(r: OefenGebruiker) {
    if (r.oin === sessie.account.oin) return;
    setBezig(r.gebruikersnaam);
    setFout(null);
    try {
      await wisselRol(r.gebruikersnaam);
    } catch (e) {
      setFout(IpcError.from(e));
      setBezig(null);
    }
  }

  return (
    <section className="oefenband" data-testid="oefenband" aria-label={t.oefenband.label}>
      <p className="oefenband__wie">
        <span className="oefenband__woord">{t.oefenband.oefenomgeving}</span>{" "}
        {t.oefenband.uHandeltAls}{" "}
        <strong data-testid="oefenband-organisatie">{sessie.account.organisatieNaam}</strong>
      </p>
      <div className="oefenband__rollen" role="group" aria-label={t.oefenband.wisselen}>
        {rollen.map((r) => {
          const actief = r.oin === sessie.account.oin;
          return (
            <Button
              key={r.gebruikersnaam}
              appearance={actief ? "primary-action-button" : "secondary-action-button"}
              className="oefenband__rol"
              aria-pressed={actief}
              busy={bezig === r.gebruikersnaam}
              disabled={bezig !== null}
              data-testid={`rol-${r.gebruikersnaam}`}
              title={t.oefenband.rolUitleg(r.naam, r.organisatie)}
              onClick={() => void wissel(r)}
            >
              {r.organisatie}
            </Button>
          );
        })}
      </div>
      <ErrorAlert error={fout} testId="oefenband-fout" />
    </section>
  );
}
