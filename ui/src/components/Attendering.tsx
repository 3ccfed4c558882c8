// Notifications inside the app (issue 13): "Openen" from a notification or the tray brings the
// user to the actieverzoek, and when the desktop has no notification service the notifications
// the engine could not show appear here instead.
import { useEffect, useState } from "react";
import { Alert, Button, Heading2, Paragraph } from "./nlds";
import { useT } from "../i18n";
import { api, onAttenderingGewijzigd, onOpenenGevraagd } from "../ipc";
import type { Doel, OsNotificatie } from "../ipc";
import { navigate } from "../state/router";

/** Where a notification's "Openen" goes: the actieverzoeken of its samenwerking, or the overview. */
export function openDoel(doel: Doel | null): void {
  if (!doel) navigate({ naam: "overzicht" });
  else
    navigate({
      naam: "samenwerking",
      id: doel.samenwerkingId,
      tab: doel.actieverzoekId ? "actieverzoeken" : "samenvatting",
    });
}

/** Follows "Openen" requests and shows the in-app messages (mount once, signed in). */
export function AttenderingBerichten() {
  const t = useT();
  const [berichten, setBerichten] = useState<OsNotificatie[]>([]);

  useEffect(() => {
    let weg = false;
    const teOpenen = () => {
      void api
        .teOpenen()
        .then((doel) => {
          if (!weg && doel) openDoel(doel);
        })
        .catch(() => undefined);
    };
    const ophalen = () => {
      void api
        .attenderingBerichten()
        .then((nieuw) => {
          if (!weg && nieuw.length > 0) setBerichten((oud) => [...oud, ...nieuw].slice(-20));
        })
        .catch(() => undefined);
    };
    // a window built again by "Openen" takes what it was opened for
    teOpenen();
    ophalen();
    const stop1 = onOpenenGevraagd(teOpenen);
    const stop2 = onAttenderingGewijzigd((s) => {
      if (s.wachtend > 0) ophalen();
    });
    return () => {
      weg = true;
      stop1();
      stop2();
    };
  }, []);

  if (berichten.length === 0) return null;
  const weg = (sleutel: string) => setBerichten((b) => b.filter((x) => x.sleutel !== sleutel));
  return (
    <section aria-labelledby="kop-app-meldingen" className="app-meldingen" data-testid="app-meldingen">
      <Heading2 id="kop-app-meldingen" className="visually-hidden">
        {t.attendering.berichten}
      </Heading2>
      {berichten.map((b) => (
        <Alert key={b.sleutel} type={b.urgentie === "hoog" ? "warning" : "info"} data-testid="app-melding">
          <Paragraph>
            <strong>{b.titel}</strong>
          </Paragraph>
          {b.tekst && <Paragraph>{b.tekst}</Paragraph>}
          <div className="knoppen">
            <Button
              appearance="secondary-action-button"
              onClick={() => {
                weg(b.sleutel);
                openDoel(b.doel);
              }}
            >
              {t.attendering.openen}
            </Button>
            <Button appearance="subtle-button" onClick={() => weg(b.sleutel)}>
              {t.attendering.sluiten}
            </Button>
          </div>
        </Alert>
      ))}
    </section>
  );
}
