import { Alert, Button, ButtonGroup, Heading2, Paragraph } from "../components/nlds";
import { useEffect, useRef, useState } from "react";
import type { FormEvent } from "react";
import { CheckboxField, TextField } from "../components/form";
import { PaginaTitel } from "../components/PaginaTitel";
import { ErrorAlert, StatusMessage } from "../components/ui";
import { useT } from "../i18n";
import { api, IpcError } from "../ipc";
import type { AppInfo, OefenGebruiker, Oefenomgeving, SessieInfo } from "../ipc";
import { useTaal } from "../state/app";

const LAATSTE = "samenwerkruimte.laatsteAanmelding";

type Laatste = { serviceUrl: string; gebruikersnaam: string };

function leesLaatste(): Laatste {
  try {
    const raw = window.localStorage.getItem(LAATSTE);
    if (raw) return { serviceUrl: "", gebruikersnaam: "", ...(JSON.parse(raw) as Partial<Laatste>) };
  } catch {
    // ignore: only a convenience
  }
  return { serviceUrl: "", gebruikersnaam: "" };
}

type Fouten = Partial<Record<"serviceUrl" | "gebruikersnaam" | "wachtwoord", string>>;

export function Aanmelden({
  info,
  melding,
  onAangemeld,
}: {
  info: AppInfo | null;
  melding: string | null;
  onAangemeld: (s: SessieInfo) => void;
}) {
  const t = useT();
  const { taal, setTaal } = useTaal();
  const [laatste] = useState(leesLaatste);
  const [serviceUrl, setServiceUrl] = useState(laatste.serviceUrl);
  const [gebruikersnaam, setGebruikersnaam] = useState(laatste.gebruikersnaam);
  const [wachtwoord, setWachtwoord] = useState("");
  const [onthouden, setOnthouden] = useState(false);
  const [fouten, setFouten] = useState<Fouten>({});
  const [fout, setFout] = useState<IpcError | null>(null);
  const [bezig, setBezig] = useState(false);
  const [oefen, setOefen] = useState<Oefenomgeving | null>(null);
  const [oefenBezig, setOefenBezig] = useState(false);
  const [oefenFout, setOefenFout] = useState<IpcError | null>(null);
  const serviceUrlRef = useRef<HTMLInputElement>(null);
  const gebruikersnaamRef = useRef<HTMLInputElement>(null);
  const wachtwoordRef = useRef<HTMLInputElement>(null);
  const eersteOefengebruikerRef = useRef<HTMLButtonElement>(null);

  // Once the practice environment runs, its sign-in buttons are what to do next: move the
  // focus there (which also scrolls them into view), so starting visibly leads somewhere.
  useEffect(() => {
    if (oefen) eersteOefengebruikerRef.current?.focus();
  }, [oefen]);

  async function aanmelden(url: string, naam: string, ww: string) {
    setBezig(true);
    setFout(null);
    try {
      const sessie = await api.aanmelden(url.trim(), naam.trim(), ww, onthouden);
      try {
        window.localStorage.setItem(LAATSTE, JSON.stringify({ serviceUrl: url.trim(), gebruikersnaam: naam.trim() }));
      } catch {
        // ignore
      }
      onAangemeld(sessie);
    } catch (e) {
      setFout(IpcError.from(e));
      setBezig(false);
    }
  }

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    const f: Fouten = {};
    const url = serviceUrl.trim();
    if (!url) f.serviceUrl = t.aanmelden.leeg.serviceUrl;
    else if (!/^https?:\/\/\S+$/i.test(url)) f.serviceUrl = t.aanmelden.leeg.serviceUrlOngeldig;
    if (!gebruikersnaam.trim()) f.gebruikersnaam = t.aanmelden.leeg.gebruikersnaam;
    if (!wachtwoord) f.wachtwoord = t.aanmelden.leeg.wachtwoord;
    setFouten(f);
    if (f.serviceUrl || f.gebruikersnaam || f.wachtwoord) {
      const eerste = f.serviceUrl ? serviceUrlRef : f.gebruikersnaam ? gebruikersnaamRef : wachtwoordRef;
      eerste.current?.focus();
      return;
    }
    void aanmelden(url, gebruikersnaam, wachtwoord);
  }

  // a trainer's practice service for a group: address, user and password from the trainer
  const [trainer, setTrainer] = useState({ url: "", naam: "", ww: "" });
  const [trainerFout, setTrainerFout] = useState<IpcError | null>(null);
  async function bijTrainer(e: FormEvent) {
    e.preventDefault();
    setBezig(true);
    setTrainerFout(null);
    try {
      onAangemeld(await api.oefenserviceAanmelden(trainer.url.trim(), trainer.naam.trim(), trainer.ww));
    } catch (err) {
      setTrainerFout(IpcError.from(err));
      setBezig(false);
    }
  }

  async function oefenomgevingStarten() {
    setOefenBezig(true);
    setOefenFout(null);
    try {
      setOefen(await api.oefenomgevingStarten());
    } catch (e) {
      setOefenFout(IpcError.from(e));
    } finally {
      setOefenBezig(false);
    }
  }

  // a practice role: its own mirror and sign-in, checked to be a practice service (the shell)
  async function alsOefengebruiker(g: OefenGebruiker) {
    setBezig(true);
    setFout(null);
    setFouten({});
    try {
      onAangemeld(await api.oefenrolKiezen(g.gebruikersnaam));
    } catch (e) {
      setOefenFout(IpcError.from(e));
      setBezig(false);
    }
  }

  return (
    <div className="aanmelden">
      <div className="aanmelden__taal">
        <Button
          appearance="subtle-button"
          lang={taal === "nl" ? "en" : "nl"}
          data-testid="taal-wissel"
          onClick={() => void setTaal(taal === "nl" ? "en" : "nl").catch(() => undefined)}
        >
          {taal === "nl" ? t.instellingen.engels : t.instellingen.nederlands}
        </Button>
      </div>
      <main id="inhoud" className="aanmelden__main">
        <PaginaTitel titel={t.aanmelden.titel}>
          {t.app.naam}: {t.aanmelden.titel.toLowerCase()}
        </PaginaTitel>
        <Paragraph className="intro">{t.aanmelden.intro}</Paragraph>
        {melding && (
          <Alert type="info" role="status" data-testid="aanmelden-melding">
            <Paragraph>{melding}</Paragraph>
          </Alert>
        )}
        {/* Side by side in the default window: the practice environment, the way in for anyone
            without a service, is in view next to the form instead of below it. */}
        <div className={`aanmelden__kolommen${info?.oefenomgevingBeschikbaar ? " aanmelden__kolommen--met-oefen" : ""}`}>
          <form noValidate onSubmit={onSubmit} className="formulier" data-testid="aanmelden-formulier">
            <TextField
              ref={serviceUrlRef}
              id="serviceUrl"
              label={t.aanmelden.serviceUrl}
              description={t.aanmelden.serviceUrlUitleg}
              error={fouten.serviceUrl}
              type="url"
              inputMode="url"
              autoComplete="url"
              spellCheck={false}
              value={serviceUrl}
              onChange={(e) => setServiceUrl(e.target.value)}
            />
            <TextField
              ref={gebruikersnaamRef}
              id="gebruikersnaam"
              label={t.aanmelden.gebruikersnaam}
              error={fouten.gebruikersnaam}
              autoComplete="username"
              spellCheck={false}
              value={gebruikersnaam}
              onChange={(e) => setGebruikersnaam(e.target.value)}
            />
            <TextField
              ref={wachtwoordRef}
              id="wachtwoord"
              label={t.aanmelden.wachtwoord}
              error={fouten.wachtwoord}
              type="password"
              autoComplete="current-password"
              value={wachtwoord}
              onChange={(e) => setWachtwoord(e.target.value)}
            />
            <CheckboxField
              id="onthouden"
              label={t.aanmelden.onthouden}
              description={t.aanmelden.onthoudenUitleg}
              checked={onthouden}
              onChange={(e) => setOnthouden(e.target.checked)}
            />
            <ErrorAlert error={fout} testId="aanmelden-fout" />
            <ButtonGroup>
              <Button
                type="submit"
                appearance="primary-action-button"
                busy={bezig}
                disabled={bezig}
                data-testid="aanmelden-knop"
              >
                {bezig ? t.aanmelden.bezig : t.aanmelden.knop}
              </Button>
            </ButtonGroup>
          </form>

          {info?.oefenomgevingBeschikbaar && (
            <section className="oefenomgeving" aria-labelledby="oefen-titel" data-testid="oefenomgeving">
              <Heading2 id="oefen-titel">{t.aanmelden.oefen.titel}</Heading2>
              <Paragraph>{t.aanmelden.oefen.intro}</Paragraph>
              {!oefen && (
                <Button
                  appearance="secondary-action-button"
                  busy={oefenBezig}
                  disabled={oefenBezig}
                  onClick={() => void oefenomgevingStarten()}
                  data-testid="oefenomgeving-starten"
                >
                  {oefenBezig ? t.aanmelden.oefen.bezig : t.aanmelden.oefen.starten}
                </Button>
              )}
              <ErrorAlert error={oefenFout} />
              <StatusMessage>{oefen ? t.aanmelden.oefen.gestart : null}</StatusMessage>
              {oefen && (
                <ul className="oefen-gebruikers" aria-label={t.aanmelden.oefen.gebruikers}>
                  {oefen.gebruikers.map((g, i) => (
                    <li key={g.gebruikersnaam}>
                      <Button
                        ref={i === 0 ? eersteOefengebruikerRef : undefined}
                        appearance="secondary-action-button"
                        disabled={bezig}
                        data-testid={`oefengebruiker-${g.gebruikersnaam}`}
                        onClick={() => void alsOefengebruiker(g)}
                      >
                        {t.aanmelden.oefen.aanmeldenAls(g.naam, g.organisatie)}
                      </Button>
                    </li>
                  ))}
                </ul>
              )}
              <details className="oefen-trainer" data-testid="oefen-trainer">
                <summary>{t.aanmelden.oefen.trainer}</summary>
                <Paragraph>{t.aanmelden.oefen.trainerUitleg}</Paragraph>
                <form noValidate onSubmit={(e) => void bijTrainer(e)} className="formulier">
                  <TextField
                    id="trainer-url"
                    label={t.aanmelden.serviceUrl}
                    type="url"
                    spellCheck={false}
                    value={trainer.url}
                    onChange={(e) => setTrainer({ ...trainer, url: e.target.value })}
                  />
                  <TextField
                    id="trainer-gebruikersnaam"
                    label={t.aanmelden.gebruikersnaam}
                    spellCheck={false}
                    value={trainer.naam}
                    onChange={(e) => setTrainer({ ...trainer, naam: e.target.value })}
                  />
                  <TextField
                    id="trainer-wachtwoord"
                    label={t.aanmelden.wachtwoord}
                    type="password"
                    value={trainer.ww}
                    onChange={(e) => setTrainer({ ...trainer, ww: e.target.value })}
                  />
                  <ErrorAlert error={trainerFout} testId="oefen-trainer-fout" />
                  <Button type="submit" appearance="secondary-action-button" disabled={bezig} data-testid="oefen-trainer-knop">
                    {t.aanmelden.oefen.trainerKnop}
                  </Button>
                </form>
              </details>
            </section>
          )}
        </div>
      </main>
    </div>
  );
}
