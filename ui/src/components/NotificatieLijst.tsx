import { Button, ButtonGroup, Paragraph, StatusBadge } from "./nlds";
import { useFormat, useT } from "../i18n";
import { api } from "../ipc";
import type { NotificatieItem } from "../ipc";
import { useApp } from "../state/app";
import { useAction } from "../state/hooks";
import { navigate } from "../state/router";
import { ErrorAlert } from "./ui";

function NotificatieRegel({
  n,
  metOpenen,
  kop: Kop,
  onGelezen,
}: {
  n: NotificatieItem;
  metOpenen: boolean;
  kop: "h2" | "h3";
  onGelezen: (ids: string[]) => void;
}) {
  const t = useT();
  const f = useFormat();
  const { offline } = useApp();
  const lezen = useAction();
  const weg = useAction();
  return (
    <li
      className={`melding-regel${n.gelezen ? "" : " melding-regel--ongelezen"}`}
      data-testid={`notificatie-${n.notificatieId}`}
      data-gelezen={n.gelezen ? "ja" : "nee"}
    >
      <div className="melding-regel__kop">
        <Kop className="melding-regel__titel">{n.notificatieTitel}</Kop>
        {!n.gelezen && (
          <StatusBadge status="warning" className="badge">
            {t.meldingen.ongelezen}
          </StatusBadge>
        )}
      </div>
      <Paragraph>{n.notificatieTekst}</Paragraph>
      <p className="hint">
        {t.meldingen.door(n.eventInitiatorNaam, f.moment(n.eventDatumTijd))}
      </p>
      <ButtonGroup>
        {metOpenen && (
          <Button
            appearance="secondary-action-button"
            data-testid="notificatie-openen"
            onClick={() => {
              if (!n.gelezen) {
                void lezen.run(() => api.notificatiesGelezen([n.notificatieId])).then(() => onGelezen([n.notificatieId]));
              }
              navigate({ naam: "samenwerking", id: n.samenwerkingId, tab: "meldingen" });
            }}
          >
            {t.meldingen.openen}
          </Button>
        )}
        {!n.gelezen && metOpenen && (
          <Button
            appearance="subtle-button"
            aria-label={t.meldingen.markeerGelezen(n.notificatieTitel)}
            data-testid="notificatie-gelezen"
            disabled={lezen.busy}
            onClick={() =>
              void lezen.run(() => api.notificatiesGelezen([n.notificatieId])).then((r) => {
                if (r.ok) onGelezen([n.notificatieId]);
              })
            }
          >
            {t.meldingen.markeerGelezenKort}
          </Button>
        )}
        <Button
          appearance="subtle-button"
          hint="danger"
          aria-label={t.meldingen.verwijderen(n.notificatieTitel)}
          data-testid="notificatie-verwijderen"
          disabled={offline || weg.busy}
          onClick={() => void weg.run(() => api.notificatieVerwijderen(n.notificatieId))}
        >
          {t.app.verwijderen}
        </Button>
      </ButtonGroup>
      <ErrorAlert error={lezen.error ?? weg.error} />
    </li>
  );
}

/** Notifications, unread ones highlighted; used by the inbox and the samenwerking's tab. */
export function NotificatieLijst({
  items,
  metOpenen,
  kop,
  onGelezen,
}: {
  items: NotificatieItem[];
  metOpenen: boolean;
  kop: "h2" | "h3";
  onGelezen: (ids: string[]) => void;
}) {
  return (
    <ul className="meldingen-lijst" data-testid="notificaties">
      {items.map((n) => (
        <NotificatieRegel
          key={n.notificatieId}
          n={n}
          metOpenen={metOpenen}
          kop={kop}
          onGelezen={onGelezen}
        />
      ))}
    </ul>
  );
}
