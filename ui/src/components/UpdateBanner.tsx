// A newer signed version, announced without being asked: once at start and then daily, the shell
// looks at the configured update address (src-tauri/src/updates.rs). Updates off, no address, or
// the address unreachable: nothing is shown — the Settings screen says why when asked. The user
// installs from Instellingen, where the signature is checked; "Later" hides it until the next start.
import { useEffect, useState } from "react";
import { Alert, Button, ButtonGroup, Paragraph } from "./nlds";
import { useT } from "../i18n";
import { api } from "../ipc";
import { routeHref } from "../state/router";

/** How often a running app looks again. */
export const UPDATE_INTERVAL_MS = 24 * 60 * 60 * 1000;

export function UpdateBanner() {
  const t = useT();
  const [versie, setVersie] = useState<string | null>(null);
  const [weg, setWeg] = useState(false);

  useEffect(() => {
    let actief = true;
    const kijk = () => {
      api
        .updateZoeken()
        .then((s) => {
          if (actief && s.soort === "beschikbaar") setVersie(s.versie);
        })
        // offline or a wrong address: the Settings screen explains it when the user looks
        .catch(() => undefined);
    };
    kijk();
    const id = window.setInterval(kijk, UPDATE_INTERVAL_MS);
    return () => {
      actief = false;
      window.clearInterval(id);
    };
  }, []);

  if (!versie || weg) return null;
  return (
    <div className="update-banner" data-testid="update-banner">
      <Alert type="info">
        <Paragraph>{t.updates.banner(versie)}</Paragraph>
        <ButtonGroup>
          <a className="utrecht-link" href={routeHref({ naam: "instellingen" })} data-testid="update-banner-bekijken">
            {t.updates.bannerBekijken}
          </a>
          <Button appearance="subtle-button" onClick={() => setWeg(true)}>
            {t.updates.bannerLater}
          </Button>
        </ButtonGroup>
      </Alert>
    </div>
  );
}
