import { Button, Heading2, Paragraph } from "../components/nlds";
import { useState } from "react";
import { RadioGroup } from "../components/form";
import { PaginaTitel } from "../components/PaginaTitel";
import { ArchiefInstellingen } from "./ArchiefInstellingen";
import { Updates } from "../components/Updates";
import { ErrorAlert, StatusMessage } from "../components/ui";
import { useT } from "../i18n";
import { api } from "../ipc";
import type { Taal } from "../ipc";
import { useApp, useTaal } from "../state/app";
import { useAction } from "../state/hooks";
import { AttenderingKeuzes } from "./instellingen/AttenderingKeuzes";

export function Instellingen() {
  const t = useT();
  const { info } = useApp();
  const { taal, setTaal } = useTaal();
  const opslaan = useAction();
  const logmap = useAction();
  const [opgeslagen, setOpgeslagen] = useState(false);

  return (
    <div className="instellingen">
      <PaginaTitel titel={t.instellingen.titel}>{t.instellingen.titel}</PaginaTitel>
      <section aria-labelledby="kop-taal" className="sectie">
        {/* One "Taal": the section's heading is the radio group's legend (a heading inside a
            legend), not a heading followed by a label with the same word. */}
        <RadioGroup<Taal>
          id="taal"
          name="taal"
          legend={
            <Heading2 id="kop-taal" className="legend-kop">
              {t.instellingen.taal}
            </Heading2>
          }
          description={t.instellingen.taalUitleg}
          value={taal}
          onChange={(v) => {
            setOpgeslagen(false);
            void opslaan.run(() => setTaal(v)).then((r) => setOpgeslagen(r.ok));
          }}
          options={[
            { value: "nl", label: <span lang="nl">{t.instellingen.nederlands}</span> },
            { value: "en", label: <span lang="en">{t.instellingen.engels}</span> },
          ]}
        />
        <ErrorAlert error={opslaan.error} />
        <StatusMessage>{opgeslagen ? t.instellingen.opgeslagen : null}</StatusMessage>
      </section>

      <AttenderingKeuzes />

      <section aria-labelledby="kop-logmap" className="sectie">
        <Heading2 id="kop-logmap">{t.instellingen.logboek}</Heading2>
        <Paragraph>{t.instellingen.logmapUitleg}</Paragraph>
        <Button
          appearance="secondary-action-button"
          data-testid="logmap-openen"
          disabled={logmap.busy}
          onClick={() => void logmap.run(() => api.logmapOpenen())}
        >
          {t.instellingen.logmap}
        </Button>
        <ErrorAlert error={logmap.error} />
      </section>

      <ArchiefInstellingen />
      <Updates />

      <section aria-labelledby="kop-over" className="sectie">
        <Heading2 id="kop-over">{t.instellingen.over}</Heading2>
        <dl className="gegevens">
          <div>
            <dt>{t.instellingen.versie}</dt>
            <dd data-testid="app-versie">{info?.versie ?? t.app.onbekend}</dd>
          </div>
          {info?.dataMap && (
            <div>
              <dt>{t.instellingen.dataMap}</dt>
              <dd className="mono">{info.dataMap}</dd>
            </div>
          )}
          {info?.logMap && (
            <div>
              <dt>{t.instellingen.logMap}</dt>
              <dd className="mono">{info.logMap}</dd>
            </div>
          )}
        </dl>
      </section>
    </div>
  );
}
