// Confirmation before deleting a samenwerking. Nobody can see it afterwards, so the dialog says
// whether and when it was archived on this computer after its last change and offers "Nu
// archiveren"; without an up-to-date archive the user must also confirm explicitly that the own
// organisation archived it (in its own system).
import { Button, ButtonGroup, Paragraph } from "../../components/nlds";
import { useRef, useState } from "react";
import { CheckboxField } from "../../components/form";
import { Dialog, ErrorAlert } from "../../components/ui";
import { useT } from "../../i18n";
import type { IpcError } from "../../ipc";
import { useApp } from "../../state/app";
import { ArchiefStatusRegel, ArchiefVoortgangBalk, useArchiefGegevens, useArchiveren } from "./Archiveren";

export function VerwijderBevestiging({
  open,
  samenwerkingId,
  samenwerkingTitel,
  busy,
  error,
  onBevestig,
  onAnnuleer,
}: {
  open: boolean;
  samenwerkingId: string;
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
  const { status, reload } = useArchiefGegevens(samenwerkingId);
  const archiveren = useArchiveren(samenwerkingId, reload);
  const actueel = status?.actueel === true;

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
      <ArchiefStatusRegel status={status} />
      <ButtonGroup>
        <Button
          appearance="secondary-action-button"
          busy={archiveren.busy}
          disabled={archiveren.busy || busy}
          data-testid="nu-archiveren"
          onClick={() => archiveren.start(true)}
        >
          {t.archief.nuArchiveren}
        </Button>
      </ButtonGroup>
      <ArchiefVoortgangBalk stand={archiveren.stand} testId="verwijder-archief-voortgang" />
      <ErrorAlert error={archiveren.error} testId="verwijder-archief-fout" />
      {!actueel && (
        <>
          <Paragraph className="vraag">{t.samenwerking.verwijderen.archiefVraag}</Paragraph>
          <Paragraph>{t.samenwerking.verwijderen.archiefUitleg}</Paragraph>
        </>
      )}
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          if (!actueel && !gearchiveerd) {
            setFout(t.samenwerking.verwijderen.archiefVerplicht);
            vinkje.current?.focus();
            return;
          }
          onBevestig();
        }}
      >
        {!actueel && (
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
        )}
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
