// The test double of src/ipc/: every api.* is a vi.fn with a sensible default, and the event
// subscriptions can be fired from a test. Tests mock ONLY this seam:
//   vi.mock("../ipc", () => import("../test/fakeIpc").then((m) => m.ipcModule));
import { vi } from "vitest";
import type { Mock } from "vitest";
import type {
  Api,
  ArchiefRegel,
  ArchiefVoortgang,
  AttenderingGewijzigd,
  BestandenSlepen,
  MirrorGewijzigd,
  OverdrachtVoortgang,
  SyncStatus,
} from "../ipc";
import { IpcError, isIpcError } from "../ipc/errors";
import * as fx from "./fixtures";

type Fn = (...args: never[]) => unknown;
export type FakeApi = { [K in keyof Api]: Mock<Api[K] extends Fn ? Api[K] : never> };

export const api = {} as FakeApi;

type Listener<T> = (v: T) => void;
const luisteraars = {
  mirror: new Set<Listener<MirrorGewijzigd>>(),
  sync: new Set<Listener<SyncStatus>>(),
  overdracht: new Set<Listener<OverdrachtVoortgang>>(),
  slepen: new Set<Listener<BestandenSlepen>>(),
  archief: new Set<Listener<ArchiefVoortgang>>(),
  archiefGemaakt: new Set<Listener<ArchiefRegel>>(),
  attendering: new Set<Listener<AttenderingGewijzigd>>(),
  openen: new Set<Listener<void>>(),
};

function defaults(): { [K in keyof Api]: Api[K] } {
  return {
    appInfo: async () => fx.appInfo(),
    sessie: async () => null,
    aanmelden: async () => fx.sessie(),
    oefenomgevingStarten: async () => fx.oefenomgeving(),
    oefenrollen: async () => [fx.OEFEN_GEMEENTE, fx.OEFEN_VR],
    oefenrolKiezen: async (g) => fx.oefenSessie(g === fx.OEFEN_VR.gebruikersnaam ? fx.OEFEN_VR : fx.OEFEN_GEMEENTE),
    oefenserviceAanmelden: async () => fx.oefenSessie(),
    oefenVerzoeken: async () => fx.oefenVerzoeken(),
    oefenGezien: async () => null,
    oefeningen: async () => fx.oefeningenStand(),
    oefenNotitieOpslaan: async () => null,
    oefeningenOpnieuw: async () => null,
    oefeningenExporteren: async () => "/tmp/oefeningen-samenwerkruimte.md",
    afmelden: async () => null,
    syncStatus: async () => fx.syncStatus(),
    nuSynchroniseren: async () => null,
    overzicht: async () => ({ items: [], total: 0 }),
    samenwerking: async () => null,
    notificaties: async () => ({ items: [], total: 0 }),
    notificatiesGelezen: async () => null,
    notificatieVerwijderen: async () => null,
    organisatiesZoeken: async () => [],
    samenwerkingStarten: async () => "SAM-NIEUW",
    samenwerkingSluiten: async () => null,
    samenwerkingVerwijderen: async () => null,
    deelnemerUitnodigen: async () => null,
    privilegeWijzigen: async () => null,
    deelnemerVerwijderen: async () => null,
    bestandKiezen: async () => [],
    documentToevoegen: async () => fx.document(),
    documentWijzigen: async () => null,
    documentVerwijderen: async () => null,
    documentOpslaan: async () => null,
    documentOpenen: async () => null,
    actieverzoekVersturen: async () => "av-nieuw",
    actieverzoekStatus: async () => null,
    berichtVersturen: async () => null,
    historie: async () => [],
    offlineBeschikbaar: async () => null,
    instellingen: async () => ({ taal: "nl" }),
    instellingenOpslaan: async () => null,
    logmapOpenen: async () => null,
    archiveren: async () => null,
    archieven: async () => [],
    archiefStatus: async (samenwerkingId) => ({
      samenwerkingId,
      laatsteWijziging: null,
      laatsteArchief: null,
      actueel: false,
      aanbieden: false,
      verwijderDatumTijd: null,
    }),
    archiefAutomatisch: async () => null,
    archiefAutomatischInstellen: async () => null,
    updateZoeken: async () => ({ soort: "uit" as const, reden: "Er is geen updateadres ingesteld." }),
    updateInstalleren: async () => "0.1.1",
    venstertitel: async () => undefined,
    attenderingStatus: async () => ({ beschikbaar: true, wachtend: 0 }),
    attenderingBerichten: async () => [],
    teOpenen: async () => null,
    actieverzoekOpenen: async () => null,
    attenderingKeuzes: async () => fx.attenderingKeuzes(),
    attenderingKeuzesOpslaan: async () => null,
  };
}

/** Fresh vi.fn()s with the defaults; call in beforeEach. */
export function resetIpc(): void {
  const d = defaults();
  for (const k of Object.keys(d) as (keyof Api)[]) {
    (api as Record<string, Mock>)[k] = vi.fn(d[k] as Fn);
  }
  for (const s of Object.values(luisteraars)) s.clear();
}
resetIpc();

function subscribe<T>(set: Set<Listener<T>>, cb: Listener<T>) {
  set.add(cb);
  return () => {
    set.delete(cb);
  };
}

export const emit = {
  mirrorGewijzigd: (c: MirrorGewijzigd) => luisteraars.mirror.forEach((cb) => cb(c)),
  syncStatus: (s: SyncStatus) => luisteraars.sync.forEach((cb) => cb(s)),
  overdrachtVoortgang: (v: OverdrachtVoortgang) => luisteraars.overdracht.forEach((cb) => cb(v)),
  bestandenGesleept: (e: BestandenSlepen) => luisteraars.slepen.forEach((cb) => cb(e)),
  archiefVoortgang: (v: ArchiefVoortgang) => luisteraars.archief.forEach((cb) => cb(v)),
  archiefGemaakt: (r: ArchiefRegel) => luisteraars.archiefGemaakt.forEach((cb) => cb(r)),
  attenderingGewijzigd: (s: AttenderingGewijzigd) => luisteraars.attendering.forEach((cb) => cb(s)),
  openenGevraagd: () => luisteraars.openen.forEach((cb) => cb()),
};

/** Whether a screen listens for files dragged onto the window (it subscribes in an effect, which
 * may run after the screen is on view: emit only once it does). */
export function luistertNaarSlepen(): boolean {
  return luisteraars.slepen.size > 0;
}

let teller = 0;

export const ipcModule = {
  api,
  IpcError,
  isIpcError,
  onMirrorGewijzigd: (cb: Listener<MirrorGewijzigd>) => subscribe(luisteraars.mirror, cb),
  onSyncStatus: (cb: Listener<SyncStatus>, ready?: () => void) => {
    const stop = subscribe(luisteraars.sync, cb);
    ready?.();
    return stop;
  },
  onOverdrachtVoortgang: (cb: Listener<OverdrachtVoortgang>) => subscribe(luisteraars.overdracht, cb),
  onBestandenGesleept: (cb: Listener<BestandenSlepen>) => subscribe(luisteraars.slepen, cb),
  onArchiefVoortgang: (cb: Listener<ArchiefVoortgang>) => subscribe(luisteraars.archief, cb),
  onArchiefGemaakt: (cb: Listener<ArchiefRegel>) => subscribe(luisteraars.archiefGemaakt, cb),
  onAttenderingGewijzigd: (cb: Listener<AttenderingGewijzigd>) => subscribe(luisteraars.attendering, cb),
  onOpenenGevraagd: (cb: Listener<void>) => subscribe(luisteraars.openen, cb),
  nieuweOverdrachtId: () => `overdracht-${++teller}`,
};

export function fout(code: IpcError["code"], message: string): IpcError {
  return new IpcError(code, message);
}
