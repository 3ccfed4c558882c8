// The one seam between the UI and the Tauri shell. Nothing outside src/ipc/ imports @tauri-apps/*.
// Every api.* call returns the data or throws an IpcError {code, message}.
import { getCurrentWebview } from "@tauri-apps/api/webview";
import { getCurrentWindow } from "@tauri-apps/api/window";
import { commands, events } from "./bindings.gen";
import type { Result } from "./bindings.gen";
import { IpcError } from "./errors";

export { IpcError, isIpcError } from "./errors";
export type { ErrorCode } from "./errors";
export type {
  Account,
  ArchiefRegel,
  ArchiefStatus,
  ArchiefVoortgang,
  AchtergrondInstellingen,
  ActieverzoekItem,
  ActieverzoekStatus,
  AppInfo,
  AttenderingGewijzigd,
  AttenderingInstellingen,
  AttenderingKeuzes,
  Bericht,
  Change,
  ChangeKind,
  Deelnemer,
  Document,
  DocumentItem,
  Doel,
  HistorieRegel,
  Instellingen,
  MirrorGewijzigd,
  NotificatieFilter,
  NotificatieItem,
  NotificatiePage,
  Gezien,
  OefenGebruiker,
  OefenNotitie,
  OefenRol,
  OefenVerzoek,
  Oefening,
  OefeningenStand,
  OsNotificatie,
  Stap,
  Oefenomgeving,
  Organisatie,
  OverdrachtVoortgang,
  OverviewItem,
  OverviewPage,
  OverzichtFilter,
  Privilege,
  Rol,
  SamenwerkingScherm,
  SamenwerkingStatus,
  SessieInfo,
  StatusFilter,
  UpdateStatus,
  SyncStatus,
  Vertrouwelijkheid,
} from "./bindings.gen";

import type { SamenwerkingScherm } from "./bindings.gen";
export type DeelnemerRegel = SamenwerkingScherm["deelnemers"][number];
export type DocumentRegel = SamenwerkingScherm["documenten"][number];
export type ActieverzoekRegel = SamenwerkingScherm["actieverzoeken"][number];
export type SamenwerkingActies = SamenwerkingScherm["acties"];
export type Taal = "nl" | "en";

async function unwrap<T>(p: Promise<Result<T, unknown>>): Promise<T> {
  let r: Result<T, unknown>;
  try {
    r = await p;
  } catch (e) {
    // invoke itself failed (no shell, unknown command, panic): still a readable IpcError.
    throw IpcError.from(e instanceof Error ? e.message : e);
  }
  if (r.status === "ok") return r.data;
  throw IpcError.from(r.error);
}

export const api = {
  appInfo: () => unwrap(commands.appInfo()),
  sessie: () => unwrap(commands.sessie()),
  aanmelden: (serviceUrl: string, gebruikersnaam: string, wachtwoord: string, onthouden: boolean) =>
    unwrap(commands.aanmelden(serviceUrl, gebruikersnaam, wachtwoord, onthouden)),
  oefenomgevingStarten: () => unwrap(commands.oefenomgevingStarten()),
  // the practice environment: roles, demo verzoeken, exercises (src-tauri/src/oefenrollen.rs)
  oefenrollen: () => unwrap(commands.oefenrollen()),
  oefenrolKiezen: (gebruikersnaam: string) => unwrap(commands.oefenrolKiezen(gebruikersnaam)),
  oefenserviceAanmelden: (serviceUrl: string, gebruikersnaam: string, wachtwoord: string) =>
    unwrap(commands.oefenserviceAanmelden(serviceUrl, gebruikersnaam, wachtwoord)),
  oefenVerzoeken: () => unwrap(commands.oefenVerzoeken()),
  oefenGezien: (samenwerkingId: string, wat: Gezien) => unwrap(commands.oefenGezien(samenwerkingId, wat)),
  oefeningen: () => unwrap(commands.oefeningen()),
  oefenNotitieOpslaan: (nummer: number, tekst: string) => unwrap(commands.oefenNotitieOpslaan(nummer, tekst)),
  oefeningenOpnieuw: () => unwrap(commands.oefeningenOpnieuw()),
  oefeningenExporteren: (bestandsnaam: string, inhoud: string) =>
    unwrap(commands.oefeningenExporteren(bestandsnaam, inhoud)),
  afmelden: () => unwrap(commands.afmelden()),
  syncStatus: () => unwrap(commands.syncStatus()),
  nuSynchroniseren: () => unwrap(commands.nuSynchroniseren()),
  overzicht: (filter: Parameters<typeof commands.overzicht>[0]) => unwrap(commands.overzicht(filter)),
  samenwerking: (samenwerkingId: string) => unwrap(commands.samenwerking(samenwerkingId)),
  notificaties: (filter: Parameters<typeof commands.notificaties>[0]) =>
    unwrap(commands.notificaties(filter)),
  notificatiesGelezen: (ids: string[]) => unwrap(commands.notificatiesGelezen(ids)),
  notificatieVerwijderen: (notificatieId: string) =>
    unwrap(commands.notificatieVerwijderen(notificatieId)),
  organisatiesZoeken: (zoek: string) => unwrap(commands.organisatiesZoeken(zoek)),
  samenwerkingStarten: (invoer: Parameters<typeof commands.samenwerkingStarten>[0]) =>
    unwrap(commands.samenwerkingStarten(invoer)),
  samenwerkingSluiten: (samenwerkingId: string) => unwrap(commands.samenwerkingSluiten(samenwerkingId)),
  samenwerkingVerwijderen: (samenwerkingId: string) =>
    unwrap(commands.samenwerkingVerwijderen(samenwerkingId)),
  deelnemerUitnodigen: (samenwerkingId: string, oin: string, privilege: Privilege) =>
    unwrap(commands.deelnemerUitnodigen(samenwerkingId, oin, privilege)),
  privilegeWijzigen: (samenwerkingId: string, oin: string, privilege: Privilege) =>
    unwrap(commands.privilegeWijzigen(samenwerkingId, oin, privilege)),
  deelnemerVerwijderen: (samenwerkingId: string, oin: string) =>
    unwrap(commands.deelnemerVerwijderen(samenwerkingId, oin)),
  bestandKiezen: () => unwrap(commands.bestandKiezen()),
  documentToevoegen: (
    samenwerkingId: string,
    pad: string,
    vertrouwelijkheid: Vertrouwelijkheid,
    omschrijving: string | null,
    overdrachtId: string,
  ) =>
    unwrap(
      commands.documentToevoegen(samenwerkingId, pad, vertrouwelijkheid, omschrijving, overdrachtId),
    ),
  documentWijzigen: (
    documentId: string,
    vertrouwelijkheid: Vertrouwelijkheid | null,
    omschrijving: string | null,
  ) => unwrap(commands.documentWijzigen(documentId, vertrouwelijkheid, omschrijving)),
  documentVerwijderen: (documentId: string) => unwrap(commands.documentVerwijderen(documentId)),
  documentOpslaan: (documentId: string, overdrachtId: string) =>
    unwrap(commands.documentOpslaan(documentId, overdrachtId)),
  documentOpenen: (documentId: string, overdrachtId: string) =>
    unwrap(commands.documentOpenen(documentId, overdrachtId)),
  actieverzoekVersturen: (invoer: Parameters<typeof commands.actieverzoekVersturen>[0]) =>
    unwrap(commands.actieverzoekVersturen(invoer)),
  actieverzoekStatus: (actieverzoekId: string, status: ActieverzoekStatus, melding: string | null) =>
    unwrap(commands.actieverzoekStatus(actieverzoekId, status, melding)),
  berichtVersturen: (actieverzoekId: string, tekst: string) =>
    unwrap(commands.berichtVersturen(actieverzoekId, tekst)),
  historie: (samenwerkingId: string) => unwrap(commands.historie(samenwerkingId)),
  offlineBeschikbaar: (samenwerkingId: string, aan: boolean) =>
    unwrap(commands.offlineBeschikbaar(samenwerkingId, aan)),
  instellingen: () => unwrap(commands.instellingen()),
  instellingenOpslaan: (instellingen: Instellingen) => unwrap(commands.instellingenOpslaan(instellingen)),
  logmapOpenen: () => unwrap(commands.logmapOpenen()),
  // archiving (src-tauri/src/archief.rs)
  archiveren: (samenwerkingId: string, zip: boolean, archiefId: string) =>
    unwrap(commands.archiveren(samenwerkingId, zip, archiefId)),
  archieven: (samenwerkingId: string | null) => unwrap(commands.archieven(samenwerkingId)),
  archiefStatus: (samenwerkingId: string) => unwrap(commands.archiefStatus(samenwerkingId)),
  archiefAutomatisch: () => unwrap(commands.archiefAutomatisch()),
  archiefAutomatischInstellen: (aan: boolean) => unwrap(commands.archiefAutomatischInstellen(aan)),
  // notifications, tray and background mode (issue 13)
  attenderingStatus: () => unwrap(ok(commands.attenderingStatus())),
  attenderingBerichten: () => unwrap(ok(commands.attenderingBerichten())),
  teOpenen: () => unwrap(ok(commands.teOpenen())),
  actieverzoekOpenen: (samenwerkingId: string, actieverzoekId: string | null) =>
    unwrap(commands.actieverzoekOpenen(samenwerkingId, actieverzoekId)),
  attenderingKeuzes: () => unwrap(commands.attenderingKeuzes()),
  attenderingKeuzesOpslaan: (keuzes: AttenderingKeuzes) =>
    unwrap(commands.attenderingKeuzesOpslaan(keuzes)),
  updateZoeken: () => unwrap(commands.updateZoeken()),
  updateInstalleren: () => unwrap(commands.updateInstalleren()),
  /**
   * The native window's title (task bar, window switcher), next to document.title. Allowed by
   * `core:window:allow-set-title` in src-tauri/capabilities/default.json.
   */
  venstertitel: (titel: string) => unwrap(ok(getCurrentWindow().setTitle(titel))),
};

/** A plain Tauri API call as a Result, so it fails with an IpcError like the commands do. */
async function ok<T>(p: Promise<T>): Promise<Result<T, unknown>> {
  return { status: "ok", data: await p };
}

export type Api = typeof api;

import type {
  ActieverzoekStatus,
  ArchiefRegel,
  ArchiefVoortgang,
  AttenderingGewijzigd,
  AttenderingKeuzes,
  Gezien,
  Instellingen,
  MirrorGewijzigd,
  OverdrachtVoortgang,
  Privilege,
  SyncStatus,
  Vertrouwelijkheid,
} from "./bindings.gen";

/** Stops a subscription. Safe to call more than once, also before the listener is registered. */
export type Unsubscribe = () => void;

/** `ready` runs once the listener is in place (or could not be: outside the Tauri shell). */
function subscribe(register: () => Promise<() => void>, ready?: () => void): Unsubscribe {
  let stopped = false;
  let stop: (() => void) | undefined;
  register()
    .then((unlisten) => {
      if (stopped) unlisten();
      else stop = unlisten;
      ready?.();
    })
    .catch(() => {
      // Outside the Tauri shell (plain browser) there are no events.
      ready?.();
    });
  return () => {
    stopped = true;
    stop?.();
    stop = undefined;
  };
}

/** The mirror changed (after every sync batch): re-read what is shown when it is affected. */
export function onMirrorGewijzigd(cb: (changed: MirrorGewijzigd) => void): Unsubscribe {
  return subscribe(() => events.mirrorGewijzigd.listen((e) => cb(e.payload)));
}

/** Every change of the sync status; `ready` runs when the listener is in place, the moment to
 * read the current status (read earlier, a change between the read and the listener is lost). */
export function onSyncStatus(cb: (status: SyncStatus) => void, ready?: () => void): Unsubscribe {
  return subscribe(() => events.syncStatus.listen((e) => cb(e.payload)), ready);
}

export function onArchiefVoortgang(cb: (v: ArchiefVoortgang) => void): Unsubscribe {
  return subscribe(() => events.archiefVoortgang.listen((e) => cb(e.payload)));
}

/** An archive was made in the background (automatic archive): lists of archives re-read. */
export function onArchiefGemaakt(cb: (r: ArchiefRegel) => void): Unsubscribe {
  return subscribe(() => events.archiefGemaakt.listen((e) => cb(e.payload)));
}

export function onOverdrachtVoortgang(cb: (v: OverdrachtVoortgang) => void): Unsubscribe {
  return subscribe(() => events.overdrachtVoortgang.listen((e) => cb(e.payload)));
}

/** Files dragged from the desktop onto the window: Tauri gives their paths (not their bytes). */
export type BestandenSlepen =
  | { type: "enter"; paths: string[] }
  | { type: "over" }
  | { type: "drop"; paths: string[] }
  | { type: "leave" };

export function onBestandenGesleept(cb: (e: BestandenSlepen) => void): Unsubscribe {
  return subscribe(async () => {
    const webview = getCurrentWebview();
    return webview.onDragDropEvent((event) => {
      const p = event.payload;
      if (p.type === "enter" || p.type === "drop") cb({ type: p.type, paths: p.paths });
      else cb({ type: p.type });
    });
  });
}

/** A fresh id to correlate `overdracht-voortgang` events with one upload or download. */
export function nieuweOverdrachtId(): string {
  if (typeof crypto !== "undefined" && "randomUUID" in crypto) return crypto.randomUUID();
  return `o-${Date.now()}-${Math.random().toString(16).slice(2)}`;
}

/** Whether the desktop shows notifications, and how many in-app messages wait (issue 13). */
export function onAttenderingGewijzigd(cb: (s: AttenderingGewijzigd) => void): Unsubscribe {
  return subscribe(() => events.attenderingGewijzigd.listen((e) => cb(e.payload)));
}

/** "Openen" of a notification or the tray: take the target with api.teOpenen(). */
export function onOpenenGevraagd(cb: () => void): Unsubscribe {
  return subscribe(() => events.openenGevraagd.listen(() => cb()));
}
