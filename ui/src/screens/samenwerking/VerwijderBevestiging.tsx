// Confirmation before deleting a samenwerking. Nobody can see it afterwards and SWF has no
// archive function, so the user must confirm that the own organisation archived it first.
// (A later issue connects this dialog to the app's archive function.)
import { Button, ButtonGroup, Paragraph } from "../../components/nlds";
import { useRef, useState } from "react";
import { CheckboxField } from "../../components/form";
import { Dialog, ErrorAlert } from "../../components/ui";
import { useT } from "../../i18n";
import type { IpcError } from "../../ipc";
import { useApp } from "../../state/app";

export function VerwijderBevestiging({
  open,
  samenwerkingTitel,
  busy,
  error,
  onBevestig,
  onAnnuleer,
}: {
  open: boolean;
  samenwerkingTitel: string;
  busy: boolean;
  error: IpcError | null;
  onBevestig: () => void;
  onAnnuleer: () => void;
}) {
  const t = useT();
  const [gearchiveerd, setGearchiveerd] = useState(false);
  const [fout, setFout] = useState<string | null>(null);
  const vinkje = useRef<HTMLInputElement>(null);
  const { offline } = useApp();

  function annuleer() {
    setGearchiveerd(false);
    setFout(null);
    onAnnuleer();
  }

  return (
    <Dialog open={open} titel={t.samenwerking.verwijderen.titel} onClose={annuleer} testId="verwijder-bevestiging">
      <Paragraph>
        <strong>{samenwerkingTitel}</strong>
      </Paragraph>
      <Paragraph>{t.samenwerking.verwijderen.uitleg}</Paragraph>
      <Paragraph className="vraag">{t.samenwerking.verwijderen.archiefVraag}</Paragraph>
      <Paragraph>{t.samenwerking.verwijderen.archiefUitleg}</Paragraph>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          if (!gearchiveerd) {
            setFout(t.samenwerking.verwijderen.archiefVerplicht);
            vinkje.current?.focus();
            return;
          }
          onBevestig();
        }}
      >
        <CheckboxField
          ref={vinkje}
          id="gearchiveerd"
          label={t.samenwerking.verwijderen.archiefCheckbox}
          error={fout}
          required
          checked={gearchiveerd}
          onChange={(e) => {
            setGearchiveerd(e.target.checked);
            if (e.target.checked) setFout(null);
          }}
        />
        <ErrorAlert error={error} />
        <ButtonGroup>
          <Button
            type="submit"
            appearance="primary-action-button"
            hint="danger"
            busy={busy}
            disabled={busy || offline}
            data-testid="verwijderen-bevestigen"
          >
            {t.samenwerking.verwijderen.knop}
          </Button>
          <Button appearance="secondary-action-button" onClick={annuleer}>
            {t.app.annuleren}
          </Button>
        </ButtonGroup>
      </form>
    </Dialog>
  );
}
