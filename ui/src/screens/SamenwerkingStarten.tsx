import { Button, ButtonGroup, Heading2, Paragraph } from "../components/nlds";
import { useEffect, useRef, useState } from "react";
import type { FormEvent } from "react";
import { RadioGroup, TextField } from "../components/form";
import { OrganisatieKiezer } from "../components/OrganisatieKiezer";
import type { GekozenOrganisatie } from "../components/OrganisatieKiezer";
import { PaginaTitel } from "../components/PaginaTitel";
import { ErrorAlert } from "../components/ui";
import { useT } from "../i18n";
import { api } from "../ipc";
import type { OefenVerzoek, Privilege } from "../ipc";
import { useApp } from "../state/app";
import { useAction } from "../state/hooks";
import { navigate } from "../state/router";

type Partner = GekozenOrganisatie & { privilege: Privilege };

export function SamenwerkingStarten() {
  const t = useT();
  const { offline, sessie } = useApp();
  const { busy, error, run } = useAction();
  const [titel, setTitel] = useState("");
  const [verzoeknummer, setVerzoeknummer] = useState("");
  const [partners, setPartners] = useState<Partner[]>([]);
  const [titelFout, setTitelFout] = useState<string | null>(null);
  const titelRef = useRef<HTMLInputElement>(null);
  // in the practice environment: the simulated Omgevingsloket's demo verzoeken to pick from
  const [demo, setDemo] = useState<OefenVerzoek[]>([]);
  const oefen = sessie.oefenomgeving;
  useEffect(() => {
    if (!oefen) return;
    let weg = false;
    api.oefenVerzoeken().then(
      (v) => {
        if (!weg) setDemo(v);
      },
      () => undefined,
    );
    return () => {
      weg = true;
    };
  }, [oefen]);
  const gekozenDemo = demo.find((v) => v.verzoeknummer === verzoeknummer.trim())?.verzoeknummer ?? "";

  function kiesDemo(nummer: string) {
    const v = demo.find((x) => x.verzoeknummer === nummer);
    if (!v) return;
    setVerzoeknummer(v.verzoeknummer);
    if (!titel.trim()) setTitel(v.omschrijving);
  }

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (!titel.trim()) {
      setTitelFout(t.starten.titelLeeg);
      titelRef.current?.focus();
      return;
    }
    setTitelFout(null);
    const r = await run(() =>
      api.samenwerkingStarten({
        titel: titel.trim(),
        verzoeknummer: verzoeknummer.trim() || null,
        partners: partners.map((p) => ({ oin: p.oin, privilege: p.privilege })),
      }),
    );
    if (r.ok) navigate({ naam: "samenwerking", id: r.value, tab: "samenvatting" });
  }

  return (
    <div className="starten">
      <PaginaTitel titel={t.starten.titel}>{t.starten.titel}</PaginaTitel>
      <Paragraph className="intro">{t.starten.intro}</Paragraph>
      <form noValidate onSubmit={(e) => void onSubmit(e)} className="formulier" data-testid="starten-formulier">
        <TextField
          ref={titelRef}
          id="titel"
          label={
            <>
              {t.starten.titelVeld} <span className="hint">{t.app.verplicht}</span>
            </>
          }
          description={t.starten.titelUitleg}
          error={titelFout}
          required
          value={titel}
          onChange={(e) => setTitel(e.target.value)}
        />
        {demo.length > 0 && (
          <div className="utrecht-form-field demo-verzoeken" data-testid="demo-verzoeken">
            <label className="utrecht-form-label" htmlFor="demoverzoek">
              {t.starten.demoverzoek}
            </label>
            <p className="utrecht-form-field-description" id="demoverzoek-uitleg">
              {t.starten.demoverzoekUitleg}
            </p>
            <select
              id="demoverzoek"
              className="utrecht-select utrecht-select--html-select"
              aria-describedby="demoverzoek-uitleg"
              value={gekozenDemo}
              onChange={(e) => kiesDemo(e.target.value)}
            >
              <option value="">{t.starten.demoverzoekKies}</option>
              {demo.map((v) => (
                <option key={v.verzoeknummer} value={v.verzoeknummer}>
                  {t.starten.demoverzoekOptie(v.verzoeknummer, v.soort, v.omschrijving)}
                </option>
              ))}
            </select>
          </div>
        )}
        <TextField
          id="verzoeknummer"
          label={
            <>
              {t.starten.verzoeknummer} <span className="hint">{t.app.optioneel}</span>
            </>
          }
          description={t.starten.verzoeknummerUitleg}
          inputMode="numeric"
          autoComplete="off"
          value={verzoeknummer}
          onChange={(e) => setVerzoeknummer(e.target.value)}
        />

        <section aria-labelledby="kop-partners" className="sectie">
          <Heading2 id="kop-partners">{t.starten.partners}</Heading2>
          <OrganisatieKiezer
            id="partner-zoeken"
            label={t.starten.zoekOrganisatie}
            description={t.starten.partnersUitleg}
            uitsluiten={partners.map((p) => p.oin)}
            disabled={offline}
            onKies={(o) => setPartners((ps) => [...ps, { ...o, privilege: "BEPERKTE_TOEGANG" }])}
          />
          <h3 className="kop-klein">{t.starten.gekozen}</h3>
          {partners.length === 0 ? (
            <Paragraph>{t.starten.geenGekozen}</Paragraph>
          ) : (
            <ul className="partners" data-testid="gekozen-partners">
              {partners.map((p) => (
                <li key={p.oin} className="partner" data-testid={`partner-${p.oin}`}>
                  <RadioGroup<Privilege>
                    id={`toegang-${p.oin}`}
                    name={`toegang-${p.oin}`}
                    legend={t.starten.toegang(p.naam === p.oin ? `OIN ${p.oin}` : p.naam)}
                    value={p.privilege}
                    onChange={(v) =>
                      setPartners((ps) => ps.map((x) => (x.oin === p.oin ? { ...x, privilege: v } : x)))
                    }
                    options={[
                      { value: "BEPERKTE_TOEGANG", label: t.privilegeUitleg.BEPERKTE_TOEGANG },
                      { value: "VOLLEDIGE_TOEGANG", label: t.privilegeUitleg.VOLLEDIGE_TOEGANG },
                    ]}
                  />
                  <Button
                    appearance="subtle-button"
                    onClick={() => setPartners((ps) => ps.filter((x) => x.oin !== p.oin))}
                  >
                    {t.starten.partnerVerwijderen(p.naam)}
                  </Button>
                </li>
              ))}
            </ul>
          )}
        </section>

        <ErrorAlert error={error} testId="starten-fout" />
        <ButtonGroup>
          <Button
            type="submit"
            appearance="primary-action-button"
            busy={busy}
            disabled={busy || offline}
            data-testid="starten-knop"
          >
            {busy ? t.starten.bezig : t.starten.knop}
          </Button>
          <Button appearance="secondary-action-button" onClick={() => navigate({ naam: "overzicht" })}>
            {t.app.annuleren}
          </Button>
        </ButtonGroup>
      </form>
    </div>
  );
}
