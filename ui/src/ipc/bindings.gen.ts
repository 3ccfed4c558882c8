// PROVISIONAL, written by hand from docs/desktop-ipc.md and the Rust types
// (crates/swf-domain/src/{resources,enums}.rs, crates/swf-client/src/mirror/types.rs).
// The shell's `cargo test -p samenwerkruimte export_bindings` (tauri-specta) replaces this file;
// the UI only uses `commands.*` (returning Result objects) and `events.*.listen`, plus the types,
// through ./index.ts.

/* eslint-disable */

/** user-defined commands **/

export const commands = {
  async appInfo(): Promise<Result<AppInfo, IpcError>> {
    return call("app_info");
  },
  async sessie(): Promise<Result<SessieInfo | null, IpcError>> {
    return call("sessie");
  },
  async aanmelden(
    serviceUrl: string,
    gebruikersnaam: string,
    wachtwoord: string,
    onthouden: boolean,
  ): Promise<Result<SessieInfo, IpcError>> {
    return call("aanmelden", { serviceUrl, gebruikersnaam, wachtwoord, onthouden });
  },
  async oefenomgevingStarten(): Promise<Result<Oefenomgeving, IpcError>> {
    return call("oefenomgeving_starten");
  },
  async afmelden(): Promise<Result<null, IpcError>> {
    return call("afmelden");
  },
  async syncStatus(): Promise<Result<SyncStatus, IpcError>> {
    return call("sync_status");
  },
  async nuSynchroniseren(): Promise<Result<null, IpcError>> {
    return call("nu_synchroniseren");
  },
  async overzicht(filter: OverzichtFilter): Promise<Result<OverviewPage, IpcError>> {
    return call("overzicht", { filter });
  },
  async samenwerking(samenwerkingId: string): Promise<Result<SamenwerkingScherm | null, IpcError>> {
    return call("samenwerking", { samenwerkingId });
  },
  async notificaties(filter: NotificatieFilter): Promise<Result<NotificatiePage, IpcError>> {
    return call("notificaties", { filter });
  },
  async notificatiesGelezen(ids: string[]): Promise<Result<null, IpcError>> {
    return call("notificaties_gelezen", { ids });
  },
  async notificatieVerwijderen(notificatieId: string): Promise<Result<null, IpcError>> {
    return call("notificatie_verwijderen", { notificatieId });
  },
  async organisatiesZoeken(zoek: string): Promise<Result<Organisatie[], IpcError>> {
    return call("organisaties_zoeken", { zoek });
  },
  async samenwerkingStarten(invoer: SamenwerkingStartenInvoer): Promise<Result<string, IpcError>> {
    return call("samenwerking_starten", { invoer });
  },
  async samenwerkingSluiten(samenwerkingId: string): Promise<Result<null, IpcError>> {
    return call("samenwerking_sluiten", { samenwerkingId });
  },
  async samenwerkingVerwijderen(samenwerkingId: string): Promise<Result<null, IpcError>> {
    return call("samenwerking_verwijderen", { samenwerkingId });
  },
  async deelnemerUitnodigen(
    samenwerkingId: string,
    oin: string,
    privilege: Privilege,
  ): Promise<Result<null, IpcError>> {
    return call("deelnemer_uitnodigen", { samenwerkingId, oin, privilege });
  },
  async privilegeWijzigen(
    samenwerkingId: string,
    oin: string,
    privilege: Privilege,
  ): Promise<Result<null, IpcError>> {
    return call("privilege_wijzigen", { samenwerkingId, oin, privilege });
  },
  async deelnemerVerwijderen(samenwerkingId: string, oin: string): Promise<Result<null, IpcError>> {
    return call("deelnemer_verwijderen", { samenwerkingId, oin });
  },
  async bestandKiezen(): Promise<Result<string[], IpcError>> {
    return call("bestand_kiezen");
  },
  async documentToevoegen(
    samenwerkingId: string,
    pad: string,
    vertrouwelijkheid: Vertrouwelijkheid,
    omschrijving: string | null,
    overdrachtId: string,
  ): Promise<Result<Document, IpcError>> {
    return call("document_toevoegen", {
      samenwerkingId,
      pad,
      vertrouwelijkheid,
      omschrijving,
      overdrachtId,
    });
  },
  async documentWijzigen(
    documentId: string,
    vertrouwelijkheid: Vertrouwelijkheid | null,
    omschrijving: string | null,
  ): Promise<Result<null, IpcError>> {
    return call("document_wijzigen", { documentId, vertrouwelijkheid, omschrijving });
  },
  async documentVerwijderen(documentId: string): Promise<Result<null, IpcError>> {
    return call("document_verwijderen", { documentId });
  },
  async documentOpslaan(documentId: string, overdrachtId: string): Promise<Result<string | null, IpcError>> {
    return call("document_opslaan", { documentId, overdrachtId });
  },
  async documentOpenen(documentId: string, overdrachtId: string): Promise<Result<null, IpcError>> {
    return call("document_openen", { documentId, overdrachtId });
  },
  async actieverzoekVersturen(invoer: ActieverzoekVersturenInvoer): Promise<Result<string, IpcError>> {
    return call("actieverzoek_versturen", { invoer });
  },
  async actieverzoekStatus(
    actieverzoekId: string,
    status: ActieverzoekStatus,
    melding: string | null,
  ): Promise<Result<null, IpcError>> {
    return call("actieverzoek_status", { actieverzoekId, status, melding });
  },
  async berichtVersturen(actieverzoekId: string, tekst: string): Promise<Result<null, IpcError>> {
    return call("bericht_versturen", { actieverzoekId, tekst });
  },
  async historie(samenwerkingId: string): Promise<Result<HistorieRegel[], IpcError>> {
    return call("historie", { samenwerkingId });
  },
  async offlineBeschikbaar(samenwerkingId: string, aan: boolean): Promise<Result<null, IpcError>> {
    return call("offline_beschikbaar", { samenwerkingId, aan });
  },
  async instellingen(): Promise<Result<Instellingen, IpcError>> {
    return call("instellingen");
  },
  async instellingenOpslaan(instellingen: Instellingen): Promise<Result<null, IpcError>> {
    return call("instellingen_opslaan", { instellingen });
  },
  async logmapOpenen(): Promise<Result<null, IpcError>> {
    return call("logmap_openen");
  },
};

/** user-defined events **/

export const events = __makeEvents__<{
  mirrorGewijzigd: MirrorGewijzigd;
  syncStatus: SyncStatus;
  overdrachtVoortgang: OverdrachtVoortgang;
}>({
  mirrorGewijzigd: "mirror-gewijzigd",
  syncStatus: "sync-status",
  overdrachtVoortgang: "overdracht-voortgang",
});

/** user-defined types **/

export type ErrorCode =
  | "Offline"
  | "Unauthorized"
  | "Forbidden"
  | "NotFound"
  | "Conflict"
  | "Validation"
  | "KeyringUnavailable"
  | "StorageFull"
  | "Internal";
export type IpcError = { code: ErrorCode; message: string };

export type AppInfo = {
  versie: string;
  identifier: string;
  oefenomgevingBeschikbaar: boolean;
  dataMap: string;
  logMap: string;
};
export type Account = {
  serviceUrl: string;
  gebruikersnaam: string | null;
  oin: string;
  organisatieNaam: string;
  remember: boolean;
};
export type SessieInfo = { account: Account; waarschuwing: string | null };
export type OefenGebruiker = { gebruikersnaam: string; naam: string; organisatie: string };
export type Oefenomgeving = { serviceUrl: string; wachtwoord: string; gebruikers: OefenGebruiker[] };

export type Verbinding = "online" | "offline" | "syncing";
export type SyncStatus = {
  verbinding: Verbinding;
  lastSyncedAt: string | null;
  live: boolean;
  volledigeSync: boolean;
  melding: string | null;
};

export type SamenwerkingStatus = "INITIALISATIE" | "OPEN" | "GESLOTEN" | "VERWIJDERD";
export type ActieverzoekStatus =
  | "OPEN"
  | "IN_BEHANDELING"
  | "GEWEIGERD"
  | "GEREEDGEMELD"
  | "GEREED"
  | "INGETROKKEN";
export type Vertrouwelijkheid = "RV" | "SV";
export type Privilege = "BEPERKTE_TOEGANG" | "VOLLEDIGE_TOEGANG";
export type Rol = "INITIATOR" | "KETENPARTNER";
export type SamenwerkVorm = "SAMENWERKEN_AAN_BEHANDELEN";
export type SamenwerkDoel = "BEHANDELEN";
export type OrganisatieSoort =
  | "GEMEENTE"
  | "PROVINCIE"
  | "WATERSCHAP"
  | "RIJK"
  | "OMGEVINGSDIENST"
  | "VEILIGHEIDSREGIO"
  | "ADVIESBUREAU"
  | "OVERIG";
export type NotificatieType =
  | "DOCUMENT_TOEGEVOEGD"
  | "DOCUMENT_GEWIJZIGD"
  | "DOCUMENT_VERWIJDERD"
  | "STATUS_ACTIEVERZOEK_GEWIJZIGD"
  | "UITNODIGING_KETENPARTNER"
  | "VERZOEK_OPHALEN_GESLAAGD"
  | "NIEUW_BERICHT"
  | "DEELNEMER_VERWIJDERD"
  | "PRIVILEGE_GEWIJZIGD"
  | "SAMENWERKING_GEWIJZIGD"
  | "SAMENWERKING_GESLOTEN"
  | "SAMENWERKING_VERWIJDERD"
  | "VERWIJDERING_GEPLAND";

export type Link = { href: string; templated?: boolean; title?: string | null };
export type Links = { [key in string]: Link };

export type Samenwerking = {
  samenwerkingId: string;
  verzoeknummer: string | null;
  oloVerzoeknummer: string | null;
  bronVerzoek: string | null;
  typeVerzoek: string | null;
  globaleLocatie: string | null;
  titel: string;
  beschrijving: string | null;
  taal: string;
  samenwerkVorm: SamenwerkVorm;
  samenwerkDoel: SamenwerkDoel;
  status: { status: SamenwerkingStatus };
  aangemaaktDoor: string;
  aangemaaktDoorNaam: string;
  creatieDatumTijd: string;
  eindDatumTijd: string;
  laatstAangepastDoor: string;
  laatstAangepastDoorNaam: string;
  laatstAangepastDatumTijd: string;
  kenmerkSysteem: string | null;
  nummerBinnenSysteem: string | null;
  contactpersoonNaam: string | null;
  contactpersoonEmailadres: string | null;
  contactpersoonTelefoonnummer: string | null;
  aantalActieverzoeken: number;
  aantalNotificaties: number;
  sluitDatumTijd?: string | null;
  verwijderDatumTijd?: string | null;
  mijnRol?: Rol | null;
  mijnPrivilege?: Privilege | null;
  _links: Links;
};

export type Deelnemer = {
  oin: string;
  naam: string;
  rol: Rol;
  privilege: Privilege;
  samenwerkingId: string;
  toegevoegdDatumTijd: string;
  _links: Links;
};

export type Document = {
  documentId: string;
  bestandsNaam: string;
  samenwerkingId: string;
  kenmerkSysteem: string | null;
  nummerBinnenSysteem: string | null;
  aangemaaktDoor: string;
  aangemaaktDoorNaam: string;
  creatieDatumTijd: string;
  laatstAangepastDoor: string;
  laatstAangepastDoorNaam: string;
  laatstAangepastDatumTijd: string;
  documentOmschrijving: string;
  vertrouwelijkheidsAanduiding: Vertrouwelijkheid;
  taal: string | null;
  formaat: string;
  documentHash: string;
  grootte: number;
  _links: Links;
};
export type DocumentItem = Document & { cached: boolean };

export type Bericht = {
  berichtId: string;
  actieverzoekId: string;
  samenwerkingId: string;
  creatieDatumTijd: string;
  inhoud: string;
  zender: string;
  zenderNaam: string;
  ontvanger: string;
  ontvangerNaam: string;
  _links: Links;
};

export type Actieverzoek = {
  actieverzoekId: string;
  samenwerkingId: string;
  titel: string;
  omschrijving: string;
  melding: string | null;
  productId: string | null;
  status: ActieverzoekStatus;
  zender: string;
  zenderNaam: string;
  ontvanger: string;
  ontvangerNaam: string;
  creatieDatumTijd: string;
  laatstAangepastDatumTijd: string;
  laatstAangepastDoor: string;
  laatstAangepastDoorNaam: string;
  aantalBerichten: number;
  documenten: Document[];
  versie: number;
  _links: Links;
};
export type ActieverzoekItem = Actieverzoek & { berichten: Bericht[] };

export type Notificatie = {
  notificatieId: string;
  notificatieType: NotificatieType;
  samenwerkingId: string;
  samenwerkVorm: SamenwerkVorm;
  notificatieTitel: string;
  notificatieTekst: string;
  eventInitiator: string;
  eventInitiatorNaam: string;
  deelnemer: string;
  deelnemerNaam: string;
  eventDatumTijd: string;
  properties: { [key in string]: unknown };
  _links: Links;
};
export type NotificatieItem = Notificatie & { gelezen: boolean };

export type Organisatie = { oin: string; naam: string; soort: OrganisatieSoort };

export type HistorieRegel = {
  volgnummer: number;
  datumTijd: string;
  organisatie: string;
  organisatieNaam: string;
  gebruiker: string | null;
  actie: string;
  omschrijving: string;
};

export type StatusFilter = "alle" | "open" | "gesloten";
export type OverzichtFilter = {
  status: StatusFilter;
  zoek: string | null;
  limit: number;
  offset: number;
};
export type OverviewItem = {
  samenwerkingId: string;
  titel: string;
  verzoeknummer: string | null;
  status: SamenwerkingStatus;
  mijnRol: Rol | null;
  laatstAangepast: string;
  laatsteActiviteit: string;
  partners: string[];
  openInkomend: number;
  openUitgaand: number;
  ongelezenNotificaties: number;
};
export type OverviewPage = { items: OverviewItem[]; total: number };

export type NotificatieFilter = {
  samenwerkingId: string | null;
  alleenOngelezen: boolean;
  limit: number;
  offset: number;
};
export type NotificatiePage = { items: NotificatieItem[]; total: number };

export type PartnerInvoer = { oin: string; privilege: Privilege };
export type SamenwerkingStartenInvoer = {
  titel: string;
  verzoeknummer: string | null;
  partners: PartnerInvoer[];
};
export type ActieverzoekVersturenInvoer = {
  samenwerkingId: string;
  ontvanger: string;
  titel: string;
  omschrijving: string;
  documenten: string[];
};

export type SamenwerkingActies = {
  wijzigen: boolean;
  sluiten: boolean;
  verwijderen: boolean;
  uitnodigen: boolean;
  documentToevoegenRv: boolean;
  documentToevoegenSv: boolean;
  actieverzoekOpstellen: boolean;
  historie: boolean;
};
export type DeelnemerRegel = {
  deelnemer: Deelnemer;
  ikZelf: boolean;
  privilegeWijzigen: boolean;
  verwijderen: boolean;
};
export type DocumentRegel = { document: DocumentItem; wijzigen: boolean; verwijderen: boolean };
export type Partij = "ZENDER" | "ONTVANGER";
export type ActieverzoekRegel = {
  actieverzoek: ActieverzoekItem;
  partij: Partij;
  statussen: ActieverzoekStatus[];
  berichtPlaatsen: boolean;
};
export type SamenwerkingScherm = {
  samenwerking: Samenwerking;
  mijnOin: string;
  mijnRol: Rol | null;
  acties: SamenwerkingActies;
  deelnemers: DeelnemerRegel[];
  documenten: DocumentRegel[];
  actieverzoeken: ActieverzoekRegel[];
  ontvangers: Deelnemer[];
  notificaties: NotificatieItem[];
  beschikbaarOffline: boolean;
};

export type Instellingen = { taal: "nl" | "en" };

export type ChangeKind =
  | "samenwerking"
  | "deelnemers"
  | "document"
  | "actieverzoek"
  | "notificatie"
  | "samenwerkingVerwijderd";
export type Change = { kind: ChangeKind; ids: string[] };
export type MirrorGewijzigd = { changes: Change[] };
export type OverdrachtVoortgang = {
  overdrachtId: string;
  bytes: number;
  totaal: number | null;
  klaar: boolean;
};

/** tauri-specta globals **/

import { invoke as TAURI_INVOKE } from "@tauri-apps/api/core";
import * as TAURI_API_EVENT from "@tauri-apps/api/event";

export type Result<T, E> = { status: "ok"; data: T } | { status: "error"; error: E };

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<Result<T, IpcError>> {
  try {
    return { status: "ok", data: await TAURI_INVOKE<T>(cmd, args) };
  } catch (e) {
    if (e instanceof Error) throw e;
    else return { status: "error", error: e as any };
  }
}

type __EventObj__<T> = {
  listen: (cb: TAURI_API_EVENT.EventCallback<T>) => ReturnType<typeof TAURI_API_EVENT.listen<T>>;
  once: (cb: TAURI_API_EVENT.EventCallback<T>) => ReturnType<typeof TAURI_API_EVENT.once<T>>;
};

function __makeEvents__<T extends Record<string, any>>(mappings: Record<keyof T, string>) {
  const out = {} as { [K in keyof T]: __EventObj__<T[K]> };
  for (const key of Object.keys(mappings) as (keyof T)[]) {
    const name = mappings[key];
    out[key] = {
      listen: (cb) => TAURI_API_EVENT.listen(name, cb),
      once: (cb) => TAURI_API_EVENT.once(name, cb),
    } as __EventObj__<T[typeof key]>;
  }
  return out;
}
