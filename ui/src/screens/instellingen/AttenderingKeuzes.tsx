// Instellingen › Meldingen en achtergrond (issue 13): a switch per kind of OS notification,
// background mode, start at login, and — once — that this desktop has no notification service.
import { useEffect, useState } from "react";
import { Alert, Heading2, Heading3, Paragraph } from "../../components/nlds";
import { CheckboxField } from "../../components/form";
import { ErrorAlert, StatusMessage } from "../../components/ui";
import { useT } from "../../i18n";
import { api, onAttenderingGewijzigd } from "../../ipc";
import type { AttenderingInstellingen, AttenderingKeuzes as Keuzes } from "../../ipc";
import { useAction } from "../../state/hooks";

const SOORTEN = [
  "nieuwActieverzoek",
  "antwoord",
  "uitnodiging",
  "samenwerkingGesloten",
  "verwijderingGepland",
] as const satisfies readonly (keyof AttenderingInstellingen)[];

export function AttenderingKeuzes() {
  const t = useT();
  const [keuzes, setKeuzes] = useState<Keuzes | null>(null);
  const [beschikbaar, setBeschikbaar] = useState(true);
  const [opgeslagen, setOpgeslagen] = useState(false);
  const laden = useAction();
  const opslaan = useAction();

  useEffect(() => {
    let weg = false;
    void laden.run(() => api.attenderingKeuzes()).then((r) => {
      if (!weg && r.ok) setKeuzes(r.value);
    });
    void api
      .attenderingStatus()
      .then((s) => {
        if (!weg) setBeschikbaar(s.beschikbaar);
      })
      .catch(() => undefined);
    const stop = onAttenderingGewijzigd((s) => setBeschikbaar(s.beschikbaar));
    return () => {
      weg = true;
      stop();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const wijzig = (nieuw: Keuzes) => {
    const oud = keuzes;
    setKeuzes(nieuw);
    setOpgeslagen(false);
    void opslaan.run(() => api.attenderingKeuzesOpslaan(nieuw)).then((r) => {
      setOpgeslagen(r.ok);
      if (!r.ok) setKeuzes(oud); // e.g. the autostart entry could not be written
    });
  };

  return (
    <section aria-labelledby="kop-attendering" className="sectie" data-testid="attendering-keuzes">
      <Heading2 id="kop-attendering">{t.attendering.titel}</Heading2>
      {!beschikbaar && (
        <Alert type="warning" data-testid="geen-meldingendienst">
          <Paragraph>{t.attendering.geenDienst}</Paragraph>
        </Alert>
      )}
      <Paragraph>{t.attendering.uitleg}</Paragraph>
      <ErrorAlert error={laden.error} />
      {keuzes && (
        <>
          <fieldset className="keuzes">
            <legend>
              <Heading3>{t.attendering.soorten}</Heading3>
            </legend>
            {SOORTEN.map((s) => (
              <CheckboxField
                key={s}
                id={`attendering-${s}`}
                label={t.attendering[s]}
                checked={keuzes.soorten[s]}
                onChange={(e) =>
                  wijzig({ ...keuzes, soorten: { ...keuzes.soorten, [s]: e.target.checked } })
                }
              />
            ))}
          </fieldset>
          <CheckboxField
            id="attendering-achtergrond"
            label={t.attendering.achtergrond}
            description={t.attendering.achtergrondUitleg}
            checked={keuzes.achtergrond.achtergrond}
            onChange={(e) =>
              wijzig({ ...keuzes, achtergrond: { ...keuzes.achtergrond, achtergrond: e.target.checked } })
            }
          />
          <CheckboxField
            id="attendering-opstarten"
            label={t.attendering.opstarten}
            description={t.attendering.opstartenUitleg}
            checked={keuzes.achtergrond.opstarten}
            onChange={(e) =>
              wijzig({ ...keuzes, achtergrond: { ...keuzes.achtergrond, opstarten: e.target.checked } })
            }
          />
        </>
      )}
      <ErrorAlert error={opslaan.error} />
      <StatusMessage>{opgeslagen ? t.instellingen.opgeslagen : null}</StatusMessage>
    </section>
  );
}
