import { Button, ButtonGroup, Heading2, Heading3, Heading4, Heading5, Paragraph } from "../../components/nlds";
import { useLayoutEffect, useRef, useState } from "react";
import { CheckboxField, TextAreaField, TextField } from "../../components/form";
import { ActieverzoekStatusBadge, Dialog, ErrorAlert, StatusMessage } from "../../components/ui";
import { useFormat, useT } from "../../i18n";
import { api } from "../../ipc";
import type { ActieverzoekRegel, ActieverzoekStatus, SamenwerkingScherm } from "../../ipc";
import { useApp } from "../../state/app";
import { useAction } from "../../state/hooks";

/** What a status button does, from the user's point of view. */
export type Intentie = ActieverzoekStatus | "TERUGSTUREN";

export function intentie(regel: ActieverzoekRegel, naar: ActieverzoekStatus): Intentie {
  if (naar === "IN_BEHANDELING" && regel.actieverzoek.status === "GEREEDGEMELD" && regel.partij === "ZENDER") {
    return "TERUGSTUREN";
  }
  return naar;
}

type MetMelding = "GEREEDGEMELD" | "GEWEIGERD" | "TERUGSTUREN" | "INGETROKKEN";
const MET_MELDING: readonly Intentie[] = ["GEREEDGEMELD", "GEWEIGERD", "TERUGSTUREN", "INGETROKKEN"];
/** A reason is required when declining or sending back. */
const MELDING_VERPLICHT: readonly Intentie[] = ["GEWEIGERD", "TERUGSTUREN"];

function StatusDialoog({
  regel,
  naar,
  intentie: soort,
  onKlaar,
  terugval,
}: {
  regel: ActieverzoekRegel;
  naar: ActieverzoekStatus;
  intentie: MetMelding;
  onKlaar: (gewijzigd: boolean) => void;
  terugval: () => HTMLElement | null;
}) {
  const t = useT();
  const ta = t.samenwerking.actieverzoeken;
  const actie = useAction();
  const { offline } = useApp();
  const [melding, setMelding] = useState("");
  const [fout, setFout] = useState<string | null>(null);
  const ref = useRef<HTMLTextAreaElement>(null);
  const verplicht = MELDING_VERPLICHT.includes(soort);
  return (
    <Dialog open titel={ta.dialoog[soort]} onClose={() => onKlaar(false)} testId="status-dialoog" terugval={terugval}>
      <Paragraph>
        <strong>{regel.actieverzoek.titel}</strong>
      </Paragraph>
      <form
        noValidate
        className="formulier"
        onSubmit={(e) => {
          e.preventDefault();
          if (verplicht && !melding.trim()) {
            setFout(ta.meldingLeeg);
            ref.current?.focus();
            return;
          }
          void actie
            .run(() => api.actieverzoekStatus(regel.actieverzoek.actieverzoekId, naar, melding.trim() || null))
            .then((r) => {
              if (r.ok) onKlaar(true);
            });
        }}
      >
        <TextAreaField
          ref={ref}
          id="status-melding"
          label={
            <>
              {ta.meldingVeld} <span className="hint">{verplicht ? t.app.verplicht : t.app.optioneel}</span>
            </>
          }
          description={ta.dialoogUitleg[soort]}
          error={fout}
          rows={4}
          value={melding}
          onChange={(e) => {
            setMelding(e.target.value);
            setFout(null);
          }}
        />
        <ErrorAlert error={actie.error} />
        <ButtonGroup>
          <Button
            type="submit"
            appearance="primary-action-button"
            busy={actie.busy}
            disabled={actie.busy || offline}
            data-testid="status-bevestigen"
          >
            {ta.knop[soort]}
          </Button>
          <Button appearance="secondary-action-button" onClick={() => onKlaar(false)}>
            {t.app.annuleren}
          </Button>
        </ButtonGroup>
      </form>
    </Dialog>
  );
}

function Berichten({ regel }: { regel: ActieverzoekRegel }) {
  const t = useT();
  const f = useFormat();
  const ta = t.samenwerking.actieverzoeken;
  const { offline } = useApp();
  const actie = useAction();
  const [tekst, setTekst] = useState("");
  const [fout, setFout] = useState<string | null>(null);
  const id = regel.actieverzoek.actieverzoekId;
  const berichten = regel.actieverzoek.berichten;
  return (
    <div className="berichten">
      <Heading5>{ta.berichten}</Heading5>
      {berichten.length === 0 ? (
        <Paragraph className="hint">{ta.geenBerichten}</Paragraph>
      ) : (
        <ol className="berichten__lijst" data-testid="berichten">
          {berichten.map((b) => (
            <li key={b.berichtId} className="bericht" data-testid={`bericht-${b.berichtId}`}>
              <p className="bericht__kop">
                <strong>{b.zenderNaam}</strong>{" "}
                <time dateTime={b.creatieDatumTijd} className="hint">
                  {f.moment(b.creatieDatumTijd)}
                </time>
              </p>
              <p className="bericht__inhoud">{b.inhoud}</p>
            </li>
          ))}
        </ol>
      )}
      {regel.berichtPlaatsen && (
        <form
          noValidate
          className="formulier formulier--compact"
          onSubmit={(e) => {
            e.preventDefault();
            if (!tekst.trim()) {
              setFout(ta.berichtLeeg);
              return;
            }
            void actie.run(() => api.berichtVersturen(id, tekst.trim())).then((r) => {
              if (r.ok) setTekst("");
            });
          }}
        >
          <TextAreaField
            id={`bericht-${id}`}
            label={ta.bericht}
            error={fout}
            rows={3}
            value={tekst}
            onChange={(e) => {
              setTekst(e.target.value);
              setFout(null);
            }}
          />
          <ErrorAlert error={actie.error} />
          <Button
            type="submit"
            appearance="secondary-action-button"
            disabled={offline || actie.busy}
            busy={actie.busy}
            data-testid="bericht-versturen"
          >
            {ta.berichtVersturen}
          </Button>
        </form>
      )}
    </div>
  );
}

function ActieverzoekKaart({ regel }: { regel: ActieverzoekRegel }) {
  const t = useT();
  const f = useFormat();
  const ta = t.samenwerking.actieverzoeken;
  const { offline } = useApp();
  const direct = useAction();
  const [dialoog, setDialoog] = useState<{ naar: ActieverzoekStatus; soort: MetMelding } | null>(null);
  const [gewijzigd, setGewijzigd] = useState<string | null>(null);
  const a = regel.actieverzoek;
  const titelRef = useRef<HTMLHeadingElement>(null);
  // After a status change the button that did it usually disappears once the mirror has the
  // new status (a withdrawn request has no buttons left). If the focus was on it, it would fall
  // to <body>: the card's title takes it instead.
  const focusBewaken = useRef<ActieverzoekStatus | null>(null);
  useLayoutEffect(() => {
    if (focusBewaken.current === null || focusBewaken.current === a.status) return;
    focusBewaken.current = null;
    const actief = document.activeElement;
    if (!actief || actief === document.body) titelRef.current?.focus();
  });

  function kies(naar: ActieverzoekStatus) {
    const soort = intentie(regel, naar);
    setGewijzigd(null);
    if (MET_MELDING.includes(soort)) {
      setDialoog({ naar, soort: soort as MetMelding });
      return;
    }
    void direct.run(() => api.actieverzoekStatus(a.actieverzoekId, naar, null)).then((r) => {
      if (r.ok) {
        focusBewaken.current = a.status;
        setGewijzigd(ta.statusGewijzigd(t.status.actieverzoek[naar]));
      }
    });
  }

  return (
    <li className="kaart" data-testid={`actieverzoek-${a.actieverzoekId}`} data-status={a.status}>
      <div className="kaart__kop">
        <Heading4 ref={titelRef} tabIndex={-1} className="kaart__titel">
          {a.titel}
        </Heading4>
        <ActieverzoekStatusBadge status={a.status} />
      </div>
      <dl className="kaart__gegevens">
        <div>
          <dt>{ta.van}</dt>
          <dd>{a.zenderNaam}</dd>
        </div>
        <div>
          <dt>{ta.aan}</dt>
          <dd>{a.ontvangerNaam}</dd>
        </div>
        <div>
          <dt>{ta.verstuurd}</dt>
          <dd>
            <time dateTime={a.creatieDatumTijd}>{f.datumTijd(a.creatieDatumTijd)}</time>
          </dd>
        </div>
      </dl>
      <p className="omschrijving">{a.omschrijving}</p>
      {a.melding && (
        <div className="melding" data-testid="actieverzoek-melding">
          <p className="hint">{ta.melding}</p>
          <p>{a.melding}</p>
        </div>
      )}
      {a.documenten.length > 0 && (
        <div>
          <p className="hint">{ta.documenten}</p>
          <ul className="lijst-plat">
            {a.documenten.map((d) => (
              <li key={d.documentId}>
                {d.bestandsNaam} ({d.vertrouwelijkheidsAanduiding})
              </li>
            ))}
          </ul>
        </div>
      )}
      {regel.statussen.length > 0 && (
        <ButtonGroup>
          {regel.statussen.map((naar) => {
            const soort = intentie(regel, naar);
            return (
              <Button
                key={naar}
                appearance={soort === "GEREEDGEMELD" || soort === "GEREED" ? "primary-action-button" : "secondary-action-button"}
                hint={soort === "GEWEIGERD" || soort === "INGETROKKEN" ? "danger" : undefined}
                disabled={offline || direct.busy}
                data-testid={`status-${soort}`}
                onClick={() => kies(naar)}
              >
                {ta.knop[soort]}
              </Button>
            );
          })}
        </ButtonGroup>
      )}
      <ErrorAlert error={direct.error} />
      <StatusMessage>{gewijzigd}</StatusMessage>
      <Berichten regel={regel} />
      {dialoog && (
        <StatusDialoog
          regel={regel}
          naar={dialoog.naar}
          intentie={dialoog.soort}
          terugval={() => titelRef.current}
          onKlaar={(ok) => {
            if (ok) {
              focusBewaken.current = a.status;
              setGewijzigd(ta.statusGewijzigd(t.status.actieverzoek[dialoog.naar]));
            }
            setDialoog(null);
          }}
        />
      )}
    </li>
  );
}

function Versturen({ scherm }: { scherm: SamenwerkingScherm }) {
  const t = useT();
  const ta = t.samenwerking.actieverzoeken;
  const { offline } = useApp();
  const actie = useAction();
  const eenOntvanger = scherm.ontvangers.length === 1 ? scherm.ontvangers[0]?.oin : undefined;
  const [ontvanger, setOntvanger] = useState(eenOntvanger ?? "");
  const [titel, setTitel] = useState("");
  const [omschrijving, setOmschrijving] = useState("");
  const [documenten, setDocumenten] = useState<string[]>([]);
  const [fouten, setFouten] = useState<Partial<Record<"ontvanger" | "titel" | "omschrijving", string>>>({});
  const [klaar, setKlaar] = useState<string | null>(null);
  const ontvangerRef = useRef<HTMLSelectElement>(null);
  const titelRef = useRef<HTMLInputElement>(null);
  const omschrijvingRef = useRef<HTMLTextAreaElement>(null);

  return (
    <section aria-labelledby="kop-versturen" className="sectie sectie--formulier" data-testid="actieverzoek-versturen">
      <Heading3 id="kop-versturen">{ta.nieuw}</Heading3>
      <form
        noValidate
        className="formulier"
        onSubmit={(e) => {
          e.preventDefault();
          const f: typeof fouten = {};
          if (!ontvanger) f.ontvanger = ta.ontvangerLeeg;
          if (!titel.trim()) f.titel = ta.titelLeeg;
          if (!omschrijving.trim()) f.omschrijving = ta.omschrijvingLeeg;
          setFouten(f);
          if (f.ontvanger || f.titel || f.omschrijving) {
            if (f.ontvanger) ontvangerRef.current?.focus();
            else if (f.titel) titelRef.current?.focus();
            else omschrijvingRef.current?.focus();
            return;
          }
          setKlaar(null);
          void actie
            .run(() =>
              api.actieverzoekVersturen({
                samenwerkingId: scherm.samenwerking.samenwerkingId,
                ontvanger,
                titel: titel.trim(),
                omschrijving: omschrijving.trim(),
                documenten,
              }),
            )
            .then((r) => {
              if (r.ok) {
                setKlaar(ta.verstuurdOk);
                setTitel("");
                setOmschrijving("");
                setDocumenten([]);
                setOntvanger(eenOntvanger ?? "");
              }
            });
        }}
      >
        <div className={`utrecht-form-field utrecht-form-field--text${fouten.ontvanger ? " utrecht-form-field--invalid" : ""}`}>
          <div className="utrecht-form-field__label">
            <label className="utrecht-form-label" htmlFor="av-ontvanger">
              {ta.ontvanger}
            </label>
          </div>
          {fouten.ontvanger && (
            <div className="utrecht-form-field-error-message" id="av-ontvanger-fout">
              {fouten.ontvanger}
            </div>
          )}
          <div className="utrecht-form-field__input">
            <select
              ref={ontvangerRef}
              id="av-ontvanger"
              className={`utrecht-select utrecht-select--html-select${fouten.ontvanger ? " utrecht-select--invalid" : ""}`}
              value={ontvanger}
              aria-invalid={fouten.ontvanger ? true : undefined}
              aria-describedby={fouten.ontvanger ? "av-ontvanger-fout" : undefined}
              onChange={(e) => setOntvanger(e.target.value)}
              data-testid="av-ontvanger"
            >
              <option value="">{ta.kiesOntvanger}</option>
              {scherm.ontvangers.map((o) => (
                <option key={o.oin} value={o.oin}>
                  {o.naam}
                </option>
              ))}
            </select>
          </div>
        </div>
        <TextField
          ref={titelRef}
          id="av-titel"
          label={ta.titelVeld}
          error={fouten.titel}
          value={titel}
          onChange={(e) => setTitel(e.target.value)}
        />
        <TextAreaField
          ref={omschrijvingRef}
          id="av-omschrijving"
          label={ta.omschrijving}
          error={fouten.omschrijving}
          rows={5}
          value={omschrijving}
          onChange={(e) => setOmschrijving(e.target.value)}
        />
        <fieldset className="utrecht-form-fieldset__fieldset utrecht-form-fieldset--html-fieldset">
          <legend className="utrecht-form-fieldset__legend">{ta.bijlagen}</legend>
          {scherm.documenten.length === 0 ? (
            <Paragraph className="hint">{ta.geenBijlagen}</Paragraph>
          ) : (
            scherm.documenten.map((r) => {
              const d = r.document;
              return (
                <CheckboxField
                  key={d.documentId}
                  id={`av-doc-${d.documentId}`}
                  label={`${d.bestandsNaam} (${d.vertrouwelijkheidsAanduiding})`}
                  checked={documenten.includes(d.documentId)}
                  onChange={(e) =>
                    setDocumenten((ds) =>
                      e.target.checked ? [...ds, d.documentId] : ds.filter((x) => x !== d.documentId),
                    )
                  }
                />
              );
            })
          )}
        </fieldset>
        <ErrorAlert error={actie.error} />
        <StatusMessage>{klaar}</StatusMessage>
        <Button
          type="submit"
          appearance="primary-action-button"
          disabled={offline || actie.busy}
          busy={actie.busy}
          data-testid="actieverzoek-versturen-knop"
        >
          {ta.versturen}
        </Button>
      </form>
    </section>
  );
}

export function Actieverzoeken({ scherm }: { scherm: SamenwerkingScherm }) {
  const t = useT();
  const ta = t.samenwerking.actieverzoeken;
  const inkomend = scherm.actieverzoeken.filter((r) => r.partij === "ONTVANGER");
  const uitgaand = scherm.actieverzoeken.filter((r) => r.partij === "ZENDER");
  return (
    <section aria-labelledby="kop-actieverzoeken" className="sectie">
      <Heading2 id="kop-actieverzoeken">{ta.titel}</Heading2>
      <section aria-labelledby="kop-inkomend" className="sectie" data-testid="actieverzoeken-inkomend">
        <Heading3 id="kop-inkomend">{ta.inkomend}</Heading3>
        {inkomend.length === 0 ? (
          <Paragraph>{ta.geenInkomend}</Paragraph>
        ) : (
          <ul className="kaarten">
            {inkomend.map((r) => (
              <ActieverzoekKaart key={r.actieverzoek.actieverzoekId} regel={r} />
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="kop-uitgaand" className="sectie" data-testid="actieverzoeken-uitgaand">
        <Heading3 id="kop-uitgaand">{ta.uitgaand}</Heading3>
        {uitgaand.length === 0 ? (
          <Paragraph>{ta.geenUitgaand}</Paragraph>
        ) : (
          <ul className="kaarten">
            {uitgaand.map((r) => (
              <ActieverzoekKaart key={r.actieverzoek.actieverzoekId} regel={r} />
            ))}
          </ul>
        )}
      </section>
      {scherm.acties.actieverzoekOpstellen && <Versturen scherm={scherm} />}
    </section>
  );
}
