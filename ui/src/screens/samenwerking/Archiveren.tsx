// Archiving a samenwerking (issue 12): the section on the samenwerking (choose zip or folder;
// the folder comes from the OS dialog), its progress per phase, the offer when the samenwerking
// is closed or its deletion is announced, and the list of archives made (when, where, size,
// SHA-256). The delete dialog and Instellingen reuse the pieces.
import { Alert, Button, ButtonGroup, Heading2, Heading3, Paragraph } from "../../components/nlds";
import { useEffect, useState } from "react";
import { RadioGroup } from "../../components/form";
import { ErrorAlert, StatusMessage, Voortgang } from "../../components/ui";
import { useFormat, useT } from "../../i18n";
import { api, nieuweOverdrachtId, onArchiefGemaakt, onArchiefVoortgang } from "../../ipc";
import type { ArchiefRegel, ArchiefStatus, SamenwerkingScherm } from "../../ipc";
import { useAction, useMirrorQuery } from "../../state/hooks";

type Stand = { id: string; fase: string; bytes: number; totaal: number | null };

/** Every shown status and list re-reads when an archive was made here (it changes no mirror data,
 * so no `mirror-gewijzigd` comes): e.g. the delete dialog after "Archiveren" on the page. */
const gemaaktLuisteraars = new Set<() => void>();
function archiefGemaaktHier() {
  gemaaktLuisteraars.forEach((cb) => cb());
}

/** Runs one archive with its progress (`archief-voortgang`); `klaar` is called with the record. */
export function useArchiveren(samenwerkingId: string, klaar: (r: ArchiefRegel) => void) {
  const actie = useAction();
  const [stand, setStand] = useState<Stand | null>(null);
  const [gemaakt, setGemaakt] = useState<ArchiefRegel | null>(null);
  const actiefId = stand?.id ?? null;
  useEffect(() => {
    if (!actiefId) return;
    return onArchiefVoortgang((v) => {
      if (v.archiefId !== actiefId) return;
      setStand((cur) =>
        cur && cur.id === v.archiefId
          ? { ...cur, fase: v.fase, bytes: v.bytes, totaal: v.bytesTotaal > 0 ? v.bytesTotaal : null }
          : cur,
      );
    });
  }, [actiefId]);
  return {
    ...actie,
    stand,
    gemaakt,
    start: (zip: boolean) => {
      const id = nieuweOverdrachtId();
      setGemaakt(null);
      setStand({ id, fase: "schrijven", bytes: 0, totaal: null });
      void actie.run(() => api.archiveren(samenwerkingId, zip, id)).then((r) => {
        setStand(null);
        if (r.ok && r.value) {
          setGemaakt(r.value);
          klaar(r.value);
          archiefGemaaktHier();
        }
      });
    },
  };
}

/** The status and the list of archives of one samenwerking, re-read after every change. */
export function useArchiefGegevens(samenwerkingId: string) {
  const status = useMirrorQuery(`archief-status-${samenwerkingId}`, () => api.archiefStatus(samenwerkingId));
  const lijst = useMirrorQuery(`archieven-${samenwerkingId}`, () => api.archieven(samenwerkingId), () => false);
  const { reload: s } = status;
  const { reload: l } = lijst;
  useEffect(() => onArchiefGemaakt(() => (s(), l())), [s, l]);
  useEffect(() => {
    const cb = () => (s(), l());
    gemaaktLuisteraars.add(cb);
    return () => {
      gemaaktLuisteraars.delete(cb);
    };
  }, [s, l]);
  return { status: status.data, archieven: lijst.data ?? [], reload: () => (s(), l()) };
}

export function ArchiefStatusRegel({ status }: { status: ArchiefStatus | undefined }) {
  const t = useT();
  const f = useFormat();
  if (!status) return null;
  const a = status.laatsteArchief;
  return (
    <Paragraph data-testid="archief-status" data-actueel={status.actueel ? "ja" : "nee"}>
      {a === null
        ? t.archief.nooit
        : status.actueel
          ? t.archief.actueel(f.datumTijd(a.gemaaktOp))
          : t.archief.verouderd(f.datumTijd(a.gemaaktOp))}
    </Paragraph>
  );
}

export function ArchiefVoortgangBalk({ stand, testId }: { stand: Stand | null; testId?: string }) {
  const t = useT();
  if (!stand) return null;
  return (
    <Voortgang
      label={`${t.archief.bezig} ${t.archief.fase[stand.fase] ?? stand.fase}`}
      bytes={stand.bytes}
      totaal={stand.totaal}
      testId={testId ?? "archief-voortgang"}
    />
  );
}

export function ArchiefLijst({ archieven, metSamenwerking }: { archieven: ArchiefRegel[]; metSamenwerking?: boolean }) {
  const t = useT();
  const f = useFormat();
  if (archieven.length === 0) return <Paragraph>{t.archief.geen}</Paragraph>;
  return (
    <table className="tabel" data-testid="archieven">
      <thead>
        <tr>
          {metSamenwerking && <th scope="col">{t.archief.samenwerking}</th>}
          <th scope="col">{t.archief.wanneer}</th>
          <th scope="col">{t.archief.waar}</th>
          <th scope="col">{t.archief.grootte}</th>
          <th scope="col">{t.archief.sha256}</th>
        </tr>
      </thead>
      <tbody>
        {archieven.map((a) => (
          <tr key={a.id} data-testid="archief-regel">
            {metSamenwerking && (
              <td>
                {a.titel} <span className="mono">({a.samenwerkingId})</span>
              </td>
            )}
            <td>
              <time dateTime={a.gemaaktOp}>{f.datumTijd(a.gemaaktOp)}</time>
              {a.automatisch && ` (${t.archief.automatischLabel})`}
            </td>
            <td className="mono" data-testid="archief-pad">
              {a.pad} ({a.zip ? t.archief.soortZip : t.archief.soortMap})
            </td>
            <td>{f.grootte(a.grootte)}</td>
            <td className="mono breek" data-testid="archief-sha256">
              {a.sha256}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** "Archiveren" on the samenwerking. */
export function ArchiefSectie({ scherm }: { scherm: SamenwerkingScherm }) {
  const t = useT();
  const f = useFormat();
  const sid = scherm.samenwerking.samenwerkingId;
  const { status, archieven, reload } = useArchiefGegevens(sid);
  const [vorm, setVorm] = useState<"zip" | "map">("zip");
  const archiveren = useArchiveren(sid, reload);

  return (
    <section aria-labelledby="kop-archief" className="sectie" data-testid="archief-sectie">
      <Heading2 id="kop-archief">{t.archief.titel}</Heading2>
      {status?.aanbieden && (
        <Alert type="warning" data-testid="archief-aanbod">
          <Paragraph>{t.archief.aanbod}</Paragraph>
          {status.verwijderDatumTijd && (
            <Paragraph>{t.archief.aanbodVerwijdering(f.datum(status.verwijderDatumTijd))}</Paragraph>
          )}
        </Alert>
      )}
      <Paragraph>{t.archief.uitleg}</Paragraph>
      <ArchiefStatusRegel status={status} />
      <RadioGroup<"zip" | "map">
        id="archief-vorm"
        name="archief-vorm"
        legend={t.archief.vorm}
        value={vorm}
        inline
        onChange={setVorm}
        options={[
          { value: "zip", label: t.archief.alsZip },
          { value: "map", label: t.archief.alsMap },
        ]}
      />
      <ButtonGroup>
        <Button
          appearance="secondary-action-button"
          busy={archiveren.busy}
          disabled={archiveren.busy}
          data-testid="archiveren"
          onClick={() => archiveren.start(vorm === "zip")}
        >
          {t.archief.knop}
        </Button>
      </ButtonGroup>
      <ArchiefVoortgangBalk stand={archiveren.stand} />
      <ErrorAlert error={archiveren.error} testId="archief-fout" />
      <StatusMessage testId="archief-gemaakt">
        {archiveren.gemaakt ? t.archief.gemaakt(archiveren.gemaakt.pad) : null}
      </StatusMessage>
      <Heading3>{t.archief.lijst}</Heading3>
      <ArchiefLijst archieven={archieven} />
    </section>
  );
}
