import { Button, Paragraph } from "../components/nlds";
import { useState } from "react";
import { CheckboxField } from "../components/form";
import { NotificatieLijst } from "../components/NotificatieLijst";
import { PaginaTitel } from "../components/PaginaTitel";
import { ErrorAlert } from "../components/ui";
import { useT } from "../i18n";
import { api } from "../ipc";
import { useApp } from "../state/app";
import { useAction, useMirrorQuery } from "../state/hooks";

const PAGINA = 50;

export function Meldingen() {
  const t = useT();
  const { verversOngelezen } = useApp();
  const [alleenOngelezen, setAlleenOngelezen] = useState(false);
  const [limit, setLimit] = useState(PAGINA);
  const alles = useAction();
  const q = useMirrorQuery(
    `meldingen|${alleenOngelezen}|${limit}`,
    () => api.notificaties({ samenwerkingId: null, alleenOngelezen, limit, offset: 0 }),
    (c) => c.changes.some((x) => x.kind === "notificatie" || x.kind === "samenwerkingVerwijderd"),
  );
  const items = q.data?.items ?? [];
  const ongelezen = items.filter((n) => !n.gelezen).map((n) => n.notificatieId);
  // Unread first; within each group the command's order (newest first).
  const gesorteerd = [...items.filter((n) => !n.gelezen), ...items.filter((n) => n.gelezen)];

  const gelezen = () => {
    verversOngelezen();
    q.reload();
  };

  return (
    <div className="meldingen">
      <PaginaTitel titel={t.meldingen.titel}>{t.meldingen.titel}</PaginaTitel>
      <div className="filters">
        <CheckboxField
          id="alleen-ongelezen"
          label={t.meldingen.alleenOngelezen}
          checked={alleenOngelezen}
          onChange={(e) => {
            setAlleenOngelezen(e.target.checked);
            setLimit(PAGINA);
          }}
        />
        {ongelezen.length > 0 && (
          <Button
            appearance="secondary-action-button"
            data-testid="alles-gelezen"
            disabled={alles.busy}
            onClick={() =>
              void alles.run(() => api.notificatiesGelezen(ongelezen)).then((r) => {
                if (r.ok) gelezen();
              })
            }
          >
            {t.meldingen.alleGelezen}
          </Button>
        )}
      </div>
      <ErrorAlert error={q.error ?? alles.error} />
      <p role="status" aria-live="polite" className="aantal">
        {q.data && q.data.total > 0 ? t.meldingen.aantal(items.length, q.data.total) : ""}
      </p>
      {q.data && items.length === 0 && (
        <Paragraph data-testid="meldingen-leeg">{alleenOngelezen ? t.meldingen.leegOngelezen : t.meldingen.leeg}</Paragraph>
      )}
      {items.length > 0 && <NotificatieLijst items={gesorteerd} metOpenen kop="h2" onGelezen={gelezen} />}
      {q.data && items.length < q.data.total && (
        <Button appearance="secondary-action-button" onClick={() => setLimit((l) => l + PAGINA)}>
          {t.meldingen.meerLaden}
        </Button>
      )}
    </div>
  );
}
