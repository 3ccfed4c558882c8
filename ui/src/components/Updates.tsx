// The "Updates" section of the Settings screen: look for a newer version and install it. The
// shell checks the signature before anything is installed (src-tauri/src/updates.rs); whether
// updates are on at all is the organisation's or the user's choice (updates.toml).
import { useState } from "react";
import { Button, ButtonGroup, Heading2, Paragraph } from "./nlds";
import { ErrorAlert, StatusMessage } from "./ui";
import { useT } from "../i18n";
import { api } from "../ipc";
import type { UpdateStatus } from "../ipc";
import { useAction } from "../state/hooks";

export function Updates() {
  const t = useT();
  const zoeken = useAction();
  const installeren = useAction();
  const [status, setStatus] = useState<UpdateStatus | null>(null);
  const [geinstalleerd, setGeinstalleerd] = useState<string | null>(null);

  const melding = (() => {
    if (installeren.busy) return t.updates.bezig;
    if (geinstalleerd) return t.updates.geinstalleerd(geinstalleerd);
    if (!status) return null;
    switch (status.soort) {
      case "uit":
        return status.reden;
      case "actueel":
        return t.updates.actueel(status.versie);
      case "beschikbaar":
        return t.updates.beschikbaar(status.versie, status.huidig);
    }
  })();

  return (
    <section aria-labelledby="kop-updates" className="sectie" data-testid="updates">
      <Heading2 id="kop-updates">{t.updates.titel}</Heading2>
      <Paragraph>{t.updates.uitleg}</Paragraph>
      <ButtonGroup>
        <Button
          appearance="secondary-action-button"
          data-testid="update-zoeken"
          disabled={zoeken.busy || installeren.busy}
          onClick={() => {
            setGeinstalleerd(null);
            setStatus(null);
            installeren.clearError();
            void zoeken.run(() => api.updateZoeken()).then((r) => setStatus(r.ok ? r.value : null));
          }}
        >
          {t.updates.zoeken}
        </Button>
        {status?.soort === "beschikbaar" && !geinstalleerd && (
          <Button
            appearance="primary-action-button"
            data-testid="update-installeren"
            disabled={installeren.busy}
            onClick={() =>
              void installeren.run(() => api.updateInstalleren()).then((r) => {
                if (r.ok) setGeinstalleerd(r.value);
              })
            }
          >
            {t.updates.installeren(status.versie)}
          </Button>
        )}
      </ButtonGroup>
      <StatusMessage testId="update-status">{melding}</StatusMessage>
      <ErrorAlert error={zoeken.error ?? installeren.error} />
    </section>
  );
}
