// Find an organisation by name or OIN (organisaties_zoeken, debounced), or type a 20-digit OIN.
import { Button } from "./nlds";
import { useEffect, useState } from "react";
import type { KeyboardEvent } from "react";
import { useT } from "../i18n";
import { api, IpcError } from "../ipc";
import type { Organisatie } from "../ipc";
import { useApp } from "../state/app";
import { useDebounced } from "../state/hooks";
import { TextField } from "./form";
import { ErrorAlert } from "./ui";

export type GekozenOrganisatie = { oin: string; naam: string };

export const OIN_PATROON = /^\d{20}$/;

/** Digits only once spaces are removed (people paste OINs in groups). */
function alsOin(invoer: string): string | null {
  const s = invoer.replace(/\s+/g, "");
  return /^\d+$/.test(s) ? s : null;
}

export function OrganisatieKiezer({
  id,
  label,
  description,
  uitsluiten,
  onKies,
  disabled,
}: {
  id: string;
  label: string;
  description?: string;
  /** OINs already chosen or already taking part. */
  uitsluiten: string[];
  onKies: (o: GekozenOrganisatie) => void;
  disabled?: boolean;
}) {
  const t = useT();
  const { handleError } = useApp();
  const [invoer, setInvoer] = useState("");
  const [fout, setFout] = useState<string | null>(null);
  const zoek = useDebounced(invoer.trim(), 300);
  const [resultaat, setResultaat] = useState<{ zoek: string; lijst: Organisatie[] } | null>(null);
  const [zoekFout, setZoekFout] = useState<IpcError | null>(null);

  // The debounced term lags the field: once the field is emptied (a partner chosen, or cleared by
  // hand) the results and their status go at once, not 300 ms later — a late disappearance moves
  // everything below (the submit button) under the user's pointer.
  const zoeken = zoek.length >= 2 && invoer.trim().length >= 2 && !disabled;
  useEffect(() => {
    if (!zoeken) return;
    let weg = false;
    api.organisatiesZoeken(zoek).then(
      (lijst) => {
        if (!weg) {
          setResultaat({ zoek, lijst });
          setZoekFout(null);
        }
      },
      (e: unknown) => {
        if (!weg) setZoekFout(handleError(e));
      },
    );
    return () => {
      weg = true;
    };
  }, [zoek, zoeken, handleError]);

  const lijst = zoeken && resultaat?.zoek === zoek ? resultaat.lijst : [];
  const bezig = zoeken && resultaat?.zoek !== zoek && !zoekFout;
  const oin = alsOin(invoer);

  function kies(o: GekozenOrganisatie) {
    if (uitsluiten.includes(o.oin)) {
      setFout(t.starten.oinAlGekozen);
      return;
    }
    onKies(o);
    setInvoer("");
    setFout(null);
  }

  function kiesOin() {
    if (oin === null) return;
    if (!OIN_PATROON.test(oin)) {
      setFout(t.starten.oinOngeldig(oin.length));
      return;
    }
    const bekend = lijst.find((o) => o.oin === oin);
    kies({ oin, naam: bekend?.naam ?? oin });
  }

  function onKeyDown(e: KeyboardEvent<HTMLInputElement>) {
    if (e.key === "Enter") {
      e.preventDefault();
      if (oin !== null) kiesOin();
      else if (lijst.length === 1 && lijst[0]) kies(lijst[0]);
    }
  }

  return (
    <div className="kiezer">
      <TextField
        id={id}
        type="search"
        label={label}
        description={description}
        error={fout}
        value={invoer}
        disabled={disabled}
        autoComplete="off"
        onKeyDown={onKeyDown}
        onChange={(e) => {
          setInvoer(e.target.value);
          setFout(null);
        }}
        data-testid={`${id}-invoer`}
      />
      {oin !== null && (
        <Button
          appearance="secondary-action-button"
          disabled={disabled}
          onClick={kiesOin}
          data-testid={`${id}-oin-toevoegen`}
        >
          {t.starten.oinToevoegen(oin)}
        </Button>
      )}
      <ErrorAlert error={zoekFout} />
      <p role="status" aria-live="polite" className="kiezer__status">
        {zoeken
          ? bezig
            ? t.starten.zoekBezig
            : lijst.length
              ? t.starten.resultaten(lijst.length)
              : t.starten.geenOrganisaties
          : ""}
      </p>
      {lijst.length > 0 && (
        <ul className="kiezer__resultaten" data-testid={`${id}-resultaten`}>
          {lijst.map((o) => (
            <li key={o.oin}>
              <Button
                appearance="subtle-button"
                disabled={disabled || uitsluiten.includes(o.oin)}
                onClick={() => kies({ oin: o.oin, naam: o.naam })}
                data-testid={`organisatie-${o.oin}`}
              >
                {t.starten.toevoegen(o.naam)}
              </Button>
              <span className="kiezer__oin">OIN {o.oin}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
