import { Button, ButtonGroup, Heading2, Heading3, Paragraph } from "../../components/nlds";
import { useEffect, useState } from "react";
import { RadioGroup, TextField } from "../../components/form";
import { ConfirmDialog, Dialog, ErrorAlert, StatusMessage, Voortgang } from "../../components/ui";
import { useFormat, useT } from "../../i18n";
import { api, nieuweOverdrachtId, onBestandenGesleept, onOverdrachtVoortgang } from "../../ipc";
import type { DocumentRegel, SamenwerkingScherm, Vertrouwelijkheid } from "../../ipc";
import { useApp } from "../../state/app";
import { useAction } from "../../state/hooks";

export function bestandsnaam(pad: string): string {
  const delen = pad.split(/[\\/]/);
  return delen[delen.length - 1] || pad;
}

type Overdracht = { id: string; label: string; bytes: number; totaal: number | null };

/** Tracks the progress of one upload or download via `overdracht-voortgang`. */
function useOverdracht() {
  const [o, setO] = useState<Overdracht | null>(null);
  const actiefId = o?.id ?? null;
  useEffect(() => {
    if (!actiefId) return;
    return onOverdrachtVoortgang((v) => {
      if (v.overdrachtId !== actiefId) return;
      setO((cur) => (cur && cur.id === v.overdrachtId ? { ...cur, bytes: v.bytes, totaal: v.totaal } : cur));
    });
  }, [actiefId]);
  return {
    overdracht: o,
    start: (label: string) => {
      const id = nieuweOverdrachtId();
      setO({ id, label, bytes: 0, totaal: null });
      return id;
    },
    stop: () => setO(null),
  };
}

function Toevoegen({ scherm }: { scherm: SamenwerkingScherm }) {
  const t = useT();
  const td = t.samenwerking.documenten;
  const { offline } = useApp();
  const kiezen = useAction();
  const toevoegen = useAction();
  const { overdracht, start, stop } = useOverdracht();
  const [wachtrij, setWachtrij] = useState<string[]>([]);
  const [rijGrootte, setRijGrootte] = useState(0);
  const [gedaan, setGedaan] = useState(0);
  const [slepen, setSlepen] = useState(false);
  const magRv = scherm.acties.documentToevoegenRv;
  const magSv = scherm.acties.documentToevoegenSv;
  const [vertrouwelijkheid, setVertrouwelijkheid] = useState<Vertrouwelijkheid>(magRv ? "RV" : "SV");
  const [omschrijving, setOmschrijving] = useState("");
  const [klaar, setKlaar] = useState<string | null>(null);
  const huidig = wachtrij[0];

  function voegToe(paden: string[]) {
    if (!paden.length) return;
    setKlaar(null);
    setWachtrij((w) => {
      const nieuw = [...w, ...paden.filter((p) => !w.includes(p))];
      if (w.length === 0) {
        setRijGrootte(nieuw.length);
        setGedaan(0);
      } else setRijGrootte((n) => n + (nieuw.length - w.length));
      return nieuw;
    });
  }

  useEffect(() => {
    if (offline) return;
    return onBestandenGesleept((e) => {
      if (e.type === "enter" || e.type === "over") setSlepen(true);
      else if (e.type === "leave") setSlepen(false);
      else {
        setSlepen(false);
        voegToe(e.paths);
      }
    });
  }, [offline]);

  function volgende() {
    setWachtrij((w) => w.slice(1));
    setGedaan((n) => n + 1);
    setOmschrijving("");
  }

  const opties = [
    ...(magRv ? [{ value: "RV" as const, label: t.vertrouwelijkheid.RV, description: t.vertrouwelijkheid.RVuitleg }] : []),
    ...(magSv ? [{ value: "SV" as const, label: t.vertrouwelijkheid.SV, description: t.vertrouwelijkheid.SVuitleg }] : []),
  ];

  return (
    <section aria-labelledby="kop-doc-toevoegen" className="sectie sectie--formulier">
      <Heading3 id="kop-doc-toevoegen">{td.toevoegen}</Heading3>
      <div
        className={`dropzone${slepen ? " dropzone--actief" : ""}`}
        data-testid="dropzone"
        data-actief={slepen ? "ja" : "nee"}
      >
        <Paragraph>{slepen ? td.dropzoneActief : td.dropzone}</Paragraph>
        <Button
          appearance="secondary-action-button"
          disabled={offline || kiezen.busy}
          data-testid="bestand-kiezen"
          onClick={() =>
            void kiezen.run(() => api.bestandKiezen()).then((r) => {
              if (r.ok) voegToe(r.value);
            })
          }
        >
          {td.kiezen}
        </Button>
      </div>
      <ErrorAlert error={kiezen.error} />
      <StatusMessage>{klaar}</StatusMessage>
      {huidig && (
        <form
          noValidate
          className="formulier"
          data-testid="document-formulier"
          onSubmit={(e) => {
            e.preventDefault();
            const naam = bestandsnaam(huidig);
            const id = start(naam);
            void toevoegen
              .run(() =>
                api.documentToevoegen(
                  scherm.samenwerking.samenwerkingId,
                  huidig,
                  vertrouwelijkheid,
                  omschrijving.trim() || null,
                  id,
                ),
              )
              .then((r) => {
                stop();
                if (r.ok) {
                  setKlaar(td.toegevoegd(naam));
                  volgende();
                }
              });
          }}
        >
          <p className="bestand" data-testid="document-bestand">
            {td.bestand(bestandsnaam(huidig), gedaan + 1, rijGrootte)}
          </p>
          <RadioGroup<Vertrouwelijkheid>
            id="doc-vertrouwelijkheid"
            name="doc-vertrouwelijkheid"
            legend={td.vertrouwelijkheidVeld}
            value={vertrouwelijkheid}
            onChange={setVertrouwelijkheid}
            options={opties}
          />
          <TextField
            id="doc-omschrijving"
            label={td.omschrijvingVeld}
            description={td.omschrijvingUitleg}
            value={omschrijving}
            onChange={(e) => setOmschrijving(e.target.value)}
          />
          {overdracht && (
            <Voortgang
              label={td.bezig(overdracht.label)}
              bytes={overdracht.bytes}
              totaal={overdracht.totaal}
              testId="upload-voortgang"
            />
          )}
          <ErrorAlert error={toevoegen.error} />
          <ButtonGroup>
            <Button
              type="submit"
              appearance="primary-action-button"
              disabled={offline || toevoegen.busy}
              busy={toevoegen.busy}
              data-testid="document-toevoegen"
            >
              {td.toevoegenKnop}
            </Button>
            <Button appearance="secondary-action-button" disabled={toevoegen.busy} onClick={volgende}>
              {td.overslaan}
            </Button>
          </ButtonGroup>
        </form>
      )}
    </section>
  );
}

function DocumentRij({
  regel,
  onWijzig,
  onVerwijder,
}: {
  regel: DocumentRegel;
  onWijzig: () => void;
  onVerwijder: () => void;
}) {
  const t = useT();
  const f = useFormat();
  const td = t.samenwerking.documenten;
  const { offline } = useApp();
  const ophalen = useAction();
  const { overdracht, start, stop } = useOverdracht();
  const [opgeslagen, setOpgeslagen] = useState<string | null>(null);
  const d = regel.document;
  const naam = d.bestandsNaam;
  const kanOphalen = d.cached || !offline;

  return (
    <tr data-testid={`document-${d.documentId}`}>
      <th scope="row">
        <span className="doc-naam">{naam}</span>
        {overdracht && (
          <Voortgang
            label={td.downloadBezig(naam)}
            bytes={overdracht.bytes}
            totaal={overdracht.totaal}
            testId="download-voortgang"
          />
        )}
        <ErrorAlert error={ophalen.error} />
        <StatusMessage>{opgeslagen ? td.opgeslagen(opgeslagen) : null}</StatusMessage>
      </th>
      <td>{d.documentOmschrijving}</td>
      <td data-testid="vertrouwelijkheid" data-vertrouwelijkheid={d.vertrouwelijkheidsAanduiding}>
        <abbr title={t.vertrouwelijkheid[d.vertrouwelijkheidsAanduiding]}>{d.vertrouwelijkheidsAanduiding}</abbr>
      </td>
      <td>{f.grootte(d.grootte)}</td>
      <td>
        {d.aangemaaktDoorNaam}
        <br />
        <time dateTime={d.creatieDatumTijd} className="hint">
          {f.moment(d.creatieDatumTijd)}
        </time>
      </td>
      <td data-testid="cached" data-cached={d.cached ? "ja" : "nee"}>
        {d.cached ? td.opComputer : td.nietOpComputer}
      </td>
      <td>
        <ButtonGroup>
          <Button
            appearance="subtle-button"
            disabled={!kanOphalen || ophalen.busy}
            aria-label={td.openen(naam)}
            data-testid="document-openen"
            onClick={() => {
              const id = start(naam);
              void ophalen.run(() => api.documentOpenen(d.documentId, id)).finally(stop);
            }}
          >
            {td.openenKort}
          </Button>
          <Button
            appearance="subtle-button"
            disabled={!kanOphalen || ophalen.busy}
            aria-label={td.downloaden(naam)}
            data-testid="document-downloaden"
            onClick={() => {
              setOpgeslagen(null);
              const id = start(naam);
              void ophalen
                .run(() => api.documentOpslaan(d.documentId, id))
                .then((r) => {
                  if (r.ok && r.value) setOpgeslagen(r.value);
                })
                .finally(stop);
            }}
          >
            {td.downloadenKort}
          </Button>
          {regel.wijzigen && (
            <Button
              appearance="subtle-button"
              disabled={offline}
              aria-label={td.wijzigen(naam)}
              data-testid="document-wijzigen"
              onClick={onWijzig}
            >
              {td.wijzigenKort}
            </Button>
          )}
          {regel.verwijderen && (
            <Button
              appearance="subtle-button"
              hint="danger"
              disabled={offline}
              aria-label={td.verwijderen(naam)}
              data-testid="document-verwijderen"
              onClick={onVerwijder}
            >
              {t.app.verwijderen}
            </Button>
          )}
        </ButtonGroup>
      </td>
    </tr>
  );
}

function WijzigDialoog({ regel, onKlaar }: { regel: DocumentRegel | null; onKlaar: () => void }) {
  const t = useT();
  const td = t.samenwerking.documenten;
  const actie = useAction();
  const { offline } = useApp();
  const [v, setV] = useState<Vertrouwelijkheid>(regel?.document.vertrouwelijkheidsAanduiding ?? "RV");
  const [omschrijving, setOmschrijving] = useState(regel?.document.documentOmschrijving ?? "");
  if (!regel) return null;
  const d = regel.document;
  return (
    <Dialog open titel={td.wijzigenTitel(d.bestandsNaam)} onClose={onKlaar} testId="document-wijzigen-dialoog">
      <form
        noValidate
        className="formulier"
        onSubmit={(e) => {
          e.preventDefault();
          const nieuweV = v !== d.vertrouwelijkheidsAanduiding ? v : null;
          const nieuweO = omschrijving.trim() !== d.documentOmschrijving ? omschrijving.trim() : null;
          if (nieuweV === null && nieuweO === null) {
            onKlaar();
            return;
          }
          void actie.run(() => api.documentWijzigen(d.documentId, nieuweV, nieuweO)).then((r) => {
            if (r.ok) onKlaar();
          });
        }}
      >
        <RadioGroup<Vertrouwelijkheid>
          id="wijzig-vertrouwelijkheid"
          name="wijzig-vertrouwelijkheid"
          legend={td.vertrouwelijkheidVeld}
          value={v}
          onChange={setV}
          options={[
            { value: "RV", label: t.vertrouwelijkheid.RV, description: t.vertrouwelijkheid.RVuitleg },
            { value: "SV", label: t.vertrouwelijkheid.SV, description: t.vertrouwelijkheid.SVuitleg },
          ]}
        />
        <TextField
          id="wijzig-omschrijving"
          label={td.omschrijvingVeld}
          value={omschrijving}
          onChange={(e) => setOmschrijving(e.target.value)}
        />
        <ErrorAlert error={actie.error} />
        <ButtonGroup>
          <Button type="submit" appearance="primary-action-button" busy={actie.busy} disabled={actie.busy || offline}>
            {t.app.opslaan}
          </Button>
          <Button appearance="secondary-action-button" onClick={onKlaar}>
            {t.app.annuleren}
          </Button>
        </ButtonGroup>
      </form>
    </Dialog>
  );
}

export function Documenten({ scherm }: { scherm: SamenwerkingScherm }) {
  const t = useT();
  const td = t.samenwerking.documenten;
  const [wijzig, setWijzig] = useState<DocumentRegel | null>(null);
  const [verwijder, setVerwijder] = useState<DocumentRegel | null>(null);
  const weg = useAction();
  const { offline } = useApp();
  const magToevoegen = scherm.acties.documentToevoegenRv || scherm.acties.documentToevoegenSv;

  return (
    <section aria-labelledby="kop-documenten" className="sectie">
      <Heading2 id="kop-documenten">{td.titel}</Heading2>
      {magToevoegen && <Toevoegen scherm={scherm} />}
      {scherm.documenten.length === 0 ? (
        <Paragraph data-testid="documenten-leeg">{td.leeg}</Paragraph>
      ) : (
        <div className="tabel-container">
          <table className="tabel" data-testid="documenten">
            <thead>
              <tr>
                <th scope="col">{td.naam}</th>
                <th scope="col">{td.omschrijving}</th>
                <th scope="col">{td.vertrouwelijkheid}</th>
                <th scope="col">{td.grootte}</th>
                <th scope="col">{td.toegevoegdDoor}</th>
                <th scope="col">{td.opComputer}</th>
                <th scope="col">
                  <span className="visually-hidden">{t.samenwerking.deelnemers.acties}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {scherm.documenten.map((r) => (
                <DocumentRij
                  key={r.document.documentId}
                  regel={r}
                  onWijzig={() => setWijzig(r)}
                  onVerwijder={() => setVerwijder(r)}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <WijzigDialoog key={wijzig?.document.documentId ?? "geen"} regel={wijzig} onKlaar={() => setWijzig(null)} />
      <ConfirmDialog
          uit={offline}
        open={verwijder !== null}
        gevaarlijk
        titel={verwijder ? td.verwijderenVraag(verwijder.document.bestandsNaam) : ""}
        uitleg={td.verwijderenUitleg}
        bevestigKnop={t.app.verwijderen}
        busy={weg.busy}
        error={weg.error}
        onAnnuleer={() => {
          weg.clearError();
          setVerwijder(null);
        }}
        onBevestig={() => {
          if (!verwijder) return;
          void weg.run(() => api.documentVerwijderen(verwijder.document.documentId)).then((r) => {
            if (r.ok) setVerwijder(null);
          });
        }}
      />
    </section>
  );
}
