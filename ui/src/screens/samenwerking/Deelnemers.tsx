import { Button, ButtonGroup, Heading2, Heading3 } from "../../components/nlds";
import { useState } from "react";
import { RadioGroup } from "../../components/form";
import { OrganisatieKiezer } from "../../components/OrganisatieKiezer";
import type { GekozenOrganisatie } from "../../components/OrganisatieKiezer";
import { ConfirmDialog, ErrorAlert, StatusMessage } from "../../components/ui";
import { useT } from "../../i18n";
import { api } from "../../ipc";
import type { DeelnemerRegel, Privilege, SamenwerkingScherm } from "../../ipc";
import { useApp } from "../../state/app";
import { useAction } from "../../state/hooks";

function DeelnemerRij({ regel, samenwerkingId }: { regel: DeelnemerRegel; samenwerkingId: string }) {
  const t = useT();
  const { offline } = useApp();
  const wijzig = useAction();
  const weg = useAction();
  const [vraag, setVraag] = useState(false);
  const d = regel.deelnemer;
  const ander: Privilege = d.privilege === "VOLLEDIGE_TOEGANG" ? "BEPERKTE_TOEGANG" : "VOLLEDIGE_TOEGANG";
  return (
    <tr data-testid={`deelnemer-${d.oin}`}>
      <th scope="row">
        {d.naam} {regel.ikZelf && <span className="hint">{t.samenwerking.deelnemers.ikZelf}</span>}
      </th>
      <td className="mono">{d.oin}</td>
      <td>{t.rol[d.rol] ?? d.rol}</td>
      <td data-testid="privilege" data-privilege={d.privilege}>
        {t.privilege[d.privilege]}
      </td>
      <td>
        {(regel.privilegeWijzigen || regel.verwijderen) && (
          <ButtonGroup>
            {regel.privilegeWijzigen && (
              <Button
                appearance="subtle-button"
                disabled={offline || wijzig.busy}
                busy={wijzig.busy}
                data-testid="privilege-wijzigen"
                onClick={() => void wijzig.run(() => api.privilegeWijzigen(samenwerkingId, d.oin, ander))}
              >
                {ander === "VOLLEDIGE_TOEGANG"
                  ? t.samenwerking.deelnemers.toegangGeven(d.naam)
                  : t.samenwerking.deelnemers.toegangBeperken(d.naam)}
              </Button>
            )}
            {regel.verwijderen && (
              <Button
                appearance="subtle-button"
                hint="danger"
                disabled={offline}
                data-testid="deelnemer-verwijderen"
                onClick={() => setVraag(true)}
              >
                {t.samenwerking.deelnemers.verwijderen(d.naam)}
              </Button>
            )}
          </ButtonGroup>
        )}
        <ErrorAlert error={wijzig.error} />
        <ConfirmDialog
          uit={offline}
          open={vraag}
          gevaarlijk
          titel={t.samenwerking.deelnemers.verwijderenVraag(d.naam)}
          uitleg={t.samenwerking.deelnemers.verwijderenUitleg}
          bevestigKnop={t.app.verwijderen}
          busy={weg.busy}
          error={weg.error}
          onAnnuleer={() => {
            weg.clearError();
            setVraag(false);
          }}
          onBevestig={() =>
            void weg.run(() => api.deelnemerVerwijderen(samenwerkingId, d.oin)).then((r) => {
              if (r.ok) setVraag(false);
            })
          }
        />
      </td>
    </tr>
  );
}

function Uitnodigen({ scherm }: { scherm: SamenwerkingScherm }) {
  const t = useT();
  const { offline } = useApp();
  const actie = useAction();
  const [org, setOrg] = useState<GekozenOrganisatie | null>(null);
  const [privilege, setPrivilege] = useState<Privilege>("BEPERKTE_TOEGANG");
  const [fout, setFout] = useState<string | null>(null);
  const [klaar, setKlaar] = useState<string | null>(null);
  const id = scherm.samenwerking.samenwerkingId;
  return (
    <section aria-labelledby="kop-uitnodigen" className="sectie sectie--formulier" data-testid="uitnodigen">
      <Heading3 id="kop-uitnodigen">{t.samenwerking.deelnemers.uitnodigen}</Heading3>
      <form
        noValidate
        className="formulier"
        onSubmit={(e) => {
          e.preventDefault();
          if (!org) {
            setFout(t.samenwerking.deelnemers.kiesOrganisatie);
            return;
          }
          const naam = org.naam;
          void actie.run(() => api.deelnemerUitnodigen(id, org.oin, privilege)).then((r) => {
            if (r.ok) {
              setKlaar(t.samenwerking.deelnemers.uitgenodigd(naam));
              setOrg(null);
              setPrivilege("BEPERKTE_TOEGANG");
            }
          });
        }}
      >
        {org ? (
          <p className="gekozen" data-testid="uitnodigen-gekozen">
            {org.naam === org.oin ? `OIN ${org.oin}` : `${org.naam} (OIN ${org.oin})`}{" "}
            <Button appearance="subtle-button" onClick={() => setOrg(null)}>
              {t.starten.partnerVerwijderen(org.naam)}
            </Button>
          </p>
        ) : (
          <OrganisatieKiezer
            id="uitnodigen-zoeken"
            label={t.starten.zoekOrganisatie}
            description={fout ?? t.starten.partnersUitleg}
            uitsluiten={scherm.deelnemers.map((d) => d.deelnemer.oin)}
            disabled={offline}
            onKies={(o) => {
              setOrg(o);
              setFout(null);
              setKlaar(null);
            }}
          />
        )}
        <RadioGroup<Privilege>
          id="uitnodigen-toegang"
          name="uitnodigen-toegang"
          legend={t.samenwerking.deelnemers.toegang}
          value={privilege}
          onChange={setPrivilege}
          options={[
            { value: "BEPERKTE_TOEGANG", label: t.privilegeUitleg.BEPERKTE_TOEGANG },
            { value: "VOLLEDIGE_TOEGANG", label: t.privilegeUitleg.VOLLEDIGE_TOEGANG },
          ]}
        />
        <ErrorAlert error={actie.error} />
        <StatusMessage>{klaar}</StatusMessage>
        <Button
          type="submit"
          appearance="primary-action-button"
          disabled={offline || actie.busy}
          busy={actie.busy}
          data-testid="uitnodigen-knop"
        >
          {t.samenwerking.deelnemers.uitnodigenKnop}
        </Button>
      </form>
    </section>
  );
}

export function Deelnemers({ scherm }: { scherm: SamenwerkingScherm }) {
  const t = useT();
  const td = t.samenwerking.deelnemers;
  return (
    <section aria-labelledby="kop-deelnemers" className="sectie">
      <Heading2 id="kop-deelnemers">{td.titel}</Heading2>
      <div className="tabel-container">
        <table className="tabel" data-testid="deelnemers">
          <thead>
            <tr>
              <th scope="col">{td.naam}</th>
              <th scope="col">{td.oin}</th>
              <th scope="col">{td.rol}</th>
              <th scope="col">{td.toegang}</th>
              <th scope="col">{td.acties}</th>
            </tr>
          </thead>
          <tbody>
            {scherm.deelnemers.map((r) => (
              <DeelnemerRij key={r.deelnemer.oin} regel={r} samenwerkingId={scherm.samenwerking.samenwerkingId} />
            ))}
          </tbody>
        </table>
      </div>
      {scherm.acties.uitnodigen && <Uitnodigen scherm={scherm} />}
    </section>
  );
}
