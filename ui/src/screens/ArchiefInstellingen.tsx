// Instellingen, section "Archieven" (issue 12): automatic archiving into a chosen folder (off by
// default; done by the engine when a samenwerking is closed or its deletion announced) and the
// list of every archive made on this computer, also of samenwerkingen that are gone.
import { Button, Heading2, Paragraph } from "../components/nlds";
import { useEffect } from "react";
import { ErrorAlert } from "../components/ui";
import { useT } from "../i18n";
import { api, onArchiefGemaakt } from "../ipc";
import { useAction, useMirrorQuery } from "../state/hooks";
import { ArchiefLijst } from "./samenwerking/Archiveren";

export function ArchiefInstellingen() {
  const t = useT();
  const alle = useMirrorQuery("archieven-alle", () => api.archieven(null));
  const automatisch = useMirrorQuery("archief-automatisch", () => api.archiefAutomatisch(), () => false);
  const instellen = useAction();
  const { reload } = alle;
  useEffect(() => onArchiefGemaakt(() => reload()), [reload]);
  const map = automatisch.data ?? null;

  return (
    <section aria-labelledby="kop-archieven" className="sectie" data-testid="archief-instellingen">
      <Heading2 id="kop-archieven">{t.archief.alle}</Heading2>
      <Paragraph>{t.archief.automatischUitleg}</Paragraph>
      <Paragraph data-testid="archief-automatisch">
        {t.archief.automatisch}: {map ? t.archief.automatischMap(map) : t.archief.automatischIsUit}
      </Paragraph>
      <Button
        appearance="secondary-action-button"
        busy={instellen.busy}
        disabled={instellen.busy}
        data-testid="archief-automatisch-wisselen"
        onClick={() =>
          void instellen.run(() => api.archiefAutomatischInstellen(map === null)).then(() => automatisch.reload())
        }
      >
        {map ? t.archief.automatischUit : t.archief.automatischAan}
      </Button>
      <ErrorAlert error={instellen.error} />
      <Paragraph>{t.archief.alleUitleg}</Paragraph>
      <ArchiefLijst archieven={alle.data ?? []} metSamenwerking />
    </section>
  );
}
