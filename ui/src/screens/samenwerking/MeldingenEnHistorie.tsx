import { Heading2, Paragraph } from "../../components/nlds";
import { useEffect, useState } from "react";
import { NotificatieLijst } from "../../components/NotificatieLijst";
import { ErrorAlert } from "../../components/ui";
import { useFormat, useT } from "../../i18n";
import { api, isIpcError } from "../../ipc";
import type { HistorieRegel, IpcError, SamenwerkingScherm } from "../../ipc";
import { useApp } from "../../state/app";

/** The samenwerking's notifications; the unread ones are marked read once they are shown. */
export function MeldingenTab({ scherm }: { scherm: SamenwerkingScherm }) {
  const t = useT();
  const { verversOngelezen, handleError } = useApp();
  const ongelezen = scherm.notificaties
    .filter((n) => !n.gelezen)
    .map((n) => n.notificatieId)
    .join(",");
  useEffect(() => {
    if (!ongelezen) return;
    api.notificatiesGelezen(ongelezen.split(",")).then(verversOngelezen, (e: unknown) => {
      handleError(e);
    });
  }, [ongelezen, verversOngelezen, handleError]);
  return (
    <section aria-labelledby="kop-meldingen" className="sectie">
      <Heading2 id="kop-meldingen">{t.samenwerking.meldingen.titel}</Heading2>
      {scherm.notificaties.length === 0 ? (
        <Paragraph>{t.samenwerking.meldingen.leeg}</Paragraph>
      ) : (
        <NotificatieLijst items={scherm.notificaties} metOpenen={false} kop="h3" onGelezen={verversOngelezen} />
      )}
    </section>
  );
}

/** The audit log, read from the service (not mirrored): offline it says so plainly. */
export function Historie({ scherm }: { scherm: SamenwerkingScherm }) {
  const t = useT();
  const f = useFormat();
  const th = t.samenwerking.historie;
  const { handleError, offline } = useApp();
  const id = scherm.samenwerking.samenwerkingId;
  const mag = scherm.acties.historie;
  const [state, setState] = useState<{ regels?: HistorieRegel[]; fout?: IpcError } | null>(null);

  useEffect(() => {
    if (!mag) return;
    let weg = false;
    api.historie(id).then(
      (regels) => {
        if (!weg) setState({ regels });
      },
      (e: unknown) => {
        if (!weg) setState({ fout: handleError(e) });
      },
    );
    return () => {
      weg = true;
    };
  }, [id, mag, offline, handleError]);

  let inhoud;
  if (!mag) inhoud = <Paragraph>{th.geenRecht}</Paragraph>;
  else if (!state) inhoud = <Paragraph role="status">{t.app.laden}</Paragraph>;
  else if (state.fout && isIpcError(state.fout, "Offline"))
    inhoud = (
      <Paragraph data-testid="historie-offline" role="status">
        {th.offline}
      </Paragraph>
    );
  else if (state.fout) inhoud = <ErrorAlert error={state.fout} />;
  else if (!state.regels?.length) inhoud = <Paragraph>{th.leeg}</Paragraph>;
  else
    inhoud = (
      <div className="tabel-container">
        <table className="tabel" data-testid="historie">
          <thead>
            <tr>
              <th scope="col">{th.wanneer}</th>
              <th scope="col">{th.wie}</th>
              <th scope="col">{th.wat}</th>
            </tr>
          </thead>
          <tbody>
            {state.regels.map((r) => (
              <tr key={r.volgnummer}>
                <td>
                  <time dateTime={r.datumTijd}>{f.datumTijd(r.datumTijd)}</time>
                </td>
                <td>
                  {r.organisatieNaam}
                  {r.gebruiker && <span className="hint"> ({r.gebruiker})</span>}
                </td>
                <td>{r.omschrijving || r.actie}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    );

  return (
    <section aria-labelledby="kop-historie" className="sectie">
      <Heading2 id="kop-historie">{th.titel}</Heading2>
      {inhoud}
    </section>
  );
}
