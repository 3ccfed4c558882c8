// App-wide state: the session, the sync status (offline!), the language and the unread count.
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState } from "react";
import type { ReactNode } from "react";
import { api, IpcError, onMirrorGewijzigd, onSyncStatus } from "../ipc";
import type { AppInfo, OefenGebruiker, SessieInfo, SyncStatus, Taal } from "../ipc";

export type AppState = {
  info: AppInfo | null;
  sessie: SessieInfo;
  sync: SyncStatus | null;
  /** True while the shell says it has no connection: write buttons are disabled. */
  offline: boolean;
  ongelezen: number;
  /** Re-count unread notifications (after marking read locally). */
  verversOngelezen: () => void;
  /** Every caught error goes through here: Unauthorized ends the session, Offline refreshes the sync state. */
  handleError: (e: unknown) => IpcError;
  afmelden: () => Promise<void>;
  nuSynchroniseren: () => Promise<void>;
  /** Practice environment: act as another practice organisation (its own mirror and sign-in). */
  wisselRol: (gebruikersnaam: string) => Promise<void>;
  /** A short message for the next screen (e.g. "… is verwijderd" on the overview). */
  flash: string | null;
  setFlash: (m: string | null) => void;
};

const AppContext = createContext<AppState | null>(null);

export function useApp(): AppState {
  const ctx = useContext(AppContext);
  if (!ctx) throw new Error("useApp outside AppProvider");
  return ctx;
}

type Props = {
  info: AppInfo | null;
  sessie: SessieInfo;
  /** The session ended (signed out, or Unauthorized): back to Aanmelden, with a reason. */
  onSessieEinde: (reden: "afgemeld" | "verlopen") => void;
  /** Another practice role was chosen: the app shows that session from now on. */
  onSessieGewisseld?: (s: SessieInfo) => void;
  children: ReactNode;
};

export function AppProvider({ info, sessie, onSessieEinde, onSessieGewisseld, children }: Props) {
  const [sync, setSync] = useState<SyncStatus | null>(null);
  const [ongelezen, setOngelezen] = useState(0);
  const [flash, setFlash] = useState<string | null>(null);
  const eindeRef = useRef(onSessieEinde);
  useEffect(() => {
    eindeRef.current = onSessieEinde;
  }, [onSessieEinde]);

  const leesSync = useCallback(() => {
    api.syncStatus().then(setSync, () => undefined);
  }, []);

  const handleError = useCallback(
    (e: unknown): IpcError => {
      const err = IpcError.from(e);
      if (err.code === "Unauthorized") eindeRef.current("verlopen");
      if (err.code === "Offline") leesSync();
      return err;
    },
    [leesSync],
  );

  const verversOngelezen = useCallback(() => {
    api
      .notificaties({ samenwerkingId: null, alleenOngelezen: true, limit: 1, offset: 0 })
      .then((p) => setOngelezen(p.total))
      .catch((e: unknown) => {
        handleError(e);
      });
  }, [handleError]);

  useEffect(() => {
    verversOngelezen();
    // The status is read once the listener is in place: read before, a change between the read
    // and the listener's registration was lost, and the UI showed e.g. "not live" until the next
    // change (the e2e offline test caught it). An event that arrives before the read's answer is
    // at least as new as that answer (every later change sends another event): the read is dropped.
    let eventGezien = false;
    const stopSync = onSyncStatus(
      (s) => {
        eventGezien = true;
        setSync(s);
      },
      () => {
        api.syncStatus().then((s) => {
          if (!eventGezien) setSync(s);
        }, () => undefined);
      },
    );
    const stopMirror = onMirrorGewijzigd((c) => {
      if (c.changes.some((x) => x.kind === "notificatie" || x.kind === "samenwerkingVerwijderd")) {
        verversOngelezen();
      }
    });
    return () => {
      stopSync();
      stopMirror();
    };
  }, [verversOngelezen]);

  const afmelden = useCallback(async () => {
    try {
      await api.afmelden();
    } finally {
      eindeRef.current("afgemeld");
    }
  }, []);

  const wisselRef = useRef(onSessieGewisseld);
  useEffect(() => {
    wisselRef.current = onSessieGewisseld;
  }, [onSessieGewisseld]);
  const wisselRol = useCallback(async (gebruikersnaam: string) => {
    const s = await api.oefenrolKiezen(gebruikersnaam);
    wisselRef.current?.(s);
  }, []);

  const nuSynchroniseren = useCallback(async () => {
    try {
      await api.nuSynchroniseren();
    } catch (e) {
      handleError(e);
    }
    leesSync();
  }, [handleError, leesSync]);

  const value = useMemo<AppState>(
    () => ({
      info,
      sessie,
      sync,
      offline: sync?.verbinding === "offline",
      ongelezen,
      verversOngelezen,
      handleError,
      afmelden,
      nuSynchroniseren,
      wisselRol,
      flash,
      setFlash,
    }),
    [info, sessie, sync, ongelezen, verversOngelezen, handleError, afmelden, nuSynchroniseren, wisselRol, flash],
  );
  return <AppContext.Provider value={value}>{children}</AppContext.Provider>;
}

/** Settings shared with the sign-in screen (the language can be switched before signing in). */
export type TaalState = { taal: Taal; setTaal: (t: Taal) => Promise<void> };
export const TaalContext = createContext<TaalState>({ taal: "nl", setTaal: async () => undefined });
export function useTaal(): TaalState {
  return useContext(TaalContext);
}

/**
 * The practice organisations of the practice service signed in to. They belong to the service,
 * not to the role acted as, so they are read above the per-role remount: a role switch keeps
 * the band's buttons on screen instead of emptying it until they are read again.
 */
export const OefenrollenContext = createContext<OefenGebruiker[]>([]);
export function useOefenrollen(): OefenGebruiker[] {
  return useContext(OefenrollenContext);
}

/** Reads the practice organisations once per practice service (none outside practice). */
export function useOefenrollenVan(sessie: SessieInfo | null): OefenGebruiker[] {
  const [rollen, setRollen] = useState<{ service: string; lijst: OefenGebruiker[] } | null>(null);
  const service = sessie?.oefenomgeving ? sessie.account.serviceUrl : null;
  useEffect(() => {
    if (!service) return;
    let weg = false;
    api.oefenrollen().then(
      (lijst) => {
        if (!weg) setRollen({ service, lijst });
      },
      () => undefined,
    );
    return () => {
      weg = true;
    };
  }, [service]);
  return service && rollen?.service === service ? rollen.lijst : [];
}
