import { Button, ButtonGroup, Heading2 } from "../../components/nlds";
import { useState } from "react";
import { ConfirmDialog, SamenwerkingStatusBadge, StatusMessage } from "../../components/ui";
import { useFormat, useT } from "../../i18n";
import { api } from "../../ipc";
import type { SamenwerkingScherm } from "../../ipc";
import { useApp } from "../../state/app";
import { useAction } from "../../state/hooks";
import { navigate } from "../../state/router";
import { ArchiefSectie } from "./Archiveren";
import { VerwijderBevestiging } from "./VerwijderBevestiging";

export function Samenvatting({ scherm }: { scherm: SamenwerkingScherm }) {
  const t = useT();
  const f = useFormat();
  const { offline, setFlash } = useApp();
  const s = scherm.samenwerking;
  const sluiten = useAction();
  const verwijderen = useAction();
  const [sluitVraag, setSluitVraag] = useState(false);
  const [verwijderVraag, setVerwijderVraag] = useState(false);
  const [gesloten, setGesloten] = useState(false);
  const tv = t.samenwerking.samenvatting;

  const mijnPrivilege = s.mijnPrivilege ?? scherm.deelnemers.find((d) => d.ikZelf)?.deelnemer.privilege;
  const mijnRol = scherm.mijnRol ?? s.mijnRol ?? null;

  return (
    <section aria-labelledby="kop-samenvatting" className="sectie">
      <Heading2 id="kop-samenvatting">{t.samenwerking.tab.samenvatting}</Heading2>
      <dl className="gegevens" data-testid="samenvatting">
        <div>
          <dt>{tv.status}</dt>
          <dd>
            <SamenwerkingStatusBadge status={s.status.status} />
          </dd>
        </div>
        <div>
          <dt>{tv.verzoeknummer}</dt>
          <dd>{s.verzoeknummer ?? t.overzicht.zonderVerzoeknummer}</dd>
        </div>
        <div>
          <dt>{tv.initiator}</dt>
          <dd>{s.aangemaaktDoorNaam}</dd>
        </div>
        <div>
          <dt>{tv.gestart}</dt>
          <dd>
            <time dateTime={s.creatieDatumTijd}>{f.datumTijd(s.creatieDatumTijd)}</time>
          </dd>
        </div>
        <div>
          <dt>{tv.gewijzigd}</dt>
          <dd>{tv.gewijzigdDoor(f.datumTijd(s.laatstAangepastDatumTijd), s.laatstAangepastDoorNaam)}</dd>
        </div>
        {s.sluitDatumTijd && (
          <div>
            <dt>{tv.gesloten}</dt>
            <dd>
              <time dateTime={s.sluitDatumTijd}>{f.datumTijd(s.sluitDatumTijd)}</time>
            </dd>
          </div>
        )}
        {s.verwijderDatumTijd && (
          <div>
            <dt>{tv.verwijderdOp}</dt>
            <dd>
              <time dateTime={s.verwijderDatumTijd}>{f.datum(s.verwijderDatumTijd)}</time>
            </dd>
          </div>
        )}
        {s.globaleLocatie && (
          <div>
            <dt>{tv.locatie}</dt>
            <dd>{s.globaleLocatie}</dd>
          </div>
        )}
        {s.beschrijving && (
          <div>
            <dt>{tv.beschrijving}</dt>
            <dd>{s.beschrijving}</dd>
          </div>
        )}
        <div>
          <dt>{tv.mijnRol}</dt>
          <dd>{mijnRol ? (t.rol[mijnRol] ?? mijnRol) : t.app.onbekend}</dd>
        </div>
        {mijnPrivilege && (
          <div>
            <dt>{tv.mijnToegang}</dt>
            <dd>{t.privilegeUitleg[mijnPrivilege]}</dd>
          </div>
        )}
      </dl>

      <StatusMessage>{gesloten ? tv.gesloten_ok : null}</StatusMessage>

      {(scherm.acties.sluiten || scherm.acties.verwijderen) && (
        <ButtonGroup>
          {scherm.acties.sluiten && (
            <Button
              appearance="secondary-action-button"
              disabled={offline}
              data-testid="samenwerking-sluiten"
              onClick={() => setSluitVraag(true)}
            >
              {tv.sluiten}
            </Button>
          )}
          {scherm.acties.verwijderen && (
            <Button
              appearance="secondary-action-button"
              hint="danger"
              disabled={offline}
              data-testid="samenwerking-verwijderen"
              onClick={() => setVerwijderVraag(true)}
            >
              {tv.verwijderen}
            </Button>
          )}
        </ButtonGroup>
      )}

      <ConfirmDialog
        uit={offline}
        open={sluitVraag}
        titel={tv.sluitenVraag}
        uitleg={tv.sluitenUitleg}
        bevestigKnop={tv.sluitenKnop}
        busy={sluiten.busy}
        error={sluiten.error}
        testId="sluiten-bevestiging"
        onAnnuleer={() => {
          sluiten.clearError();
          setSluitVraag(false);
        }}
        onBevestig={() => {
          void sluiten.run(() => api.samenwerkingSluiten(s.samenwerkingId)).then((r) => {
            if (r.ok) {
              setSluitVraag(false);
              setGesloten(true);
            }
          });
        }}
      />
      <VerwijderBevestiging
        open={verwijderVraag}
        samenwerkingId={s.samenwerkingId}
        samenwerkingTitel={s.titel}
        busy={verwijderen.busy}
        error={verwijderen.error}
        onAnnuleer={() => {
          verwijderen.clearError();
          setVerwijderVraag(false);
        }}
        onBevestig={() => {
          void verwijderen.run(() => api.samenwerkingVerwijderen(s.samenwerkingId)).then((r) => {
            if (r.ok) {
              setVerwijderVraag(false);
              setFlash(t.samenwerking.verwijderen.verwijderd(s.titel));
              navigate({ naam: "overzicht" });
            }
          });
        }}
      />
      <ArchiefSectie scherm={scherm} />
    </section>
  );
}
