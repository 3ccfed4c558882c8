import { useCallback, useEffect, useLayoutEffect, useRef, useState } from "react";
import { onMirrorGewijzigd } from "../ipc";
import type { IpcError, MirrorGewijzigd } from "../ipc";
import { useApp } from "./app";

/** Runs one user action: busy flag, error for an alert next to the action. */
export function useAction() {
  const { handleError } = useApp();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<IpcError | null>(null);
  const run = useCallback(
    async <T>(fn: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false }> => {
      setBusy(true);
      setError(null);
      try {
        const value = await fn();
        return { ok: true, value };
      } catch (e) {
        setError(handleError(e));
        return { ok: false };
      } finally {
        setBusy(false);
      }
    },
    [handleError],
  );
  const clearError = useCallback(() => setError(null), []);
  return { busy, error, run, clearError };
}

export type Query<T> = {
  data: T | undefined;
  error: IpcError | null;
  loading: boolean;
  reload: () => void;
};

/**
 * Reads from the mirror (a command) and re-reads when `mirror-gewijzigd` says something relevant
 * changed. `key` identifies what is loaded: a new key loads again.
 */
export function useMirrorQuery<T>(
  key: string,
  load: () => Promise<T>,
  relevant: (c: MirrorGewijzigd) => boolean = () => true,
): Query<T> {
  const { handleError } = useApp();
  const loadRef = useRef(load);
  const relevantRef = useRef(relevant);
  useLayoutEffect(() => {
    loadRef.current = load;
    relevantRef.current = relevant;
  });
  const [state, setState] = useState<{ key: string | null; data: T | undefined; error: IpcError | null }>(
    { key: null, data: undefined, error: null },
  );
  const seq = useRef(0);

  const reload = useCallback(() => {
    const mine = ++seq.current;
    loadRef.current().then(
      (data) => {
        if (mine === seq.current) setState({ key, data, error: null });
      },
      (e: unknown) => {
        const error = handleError(e);
        if (mine === seq.current) setState((s) => ({ key, data: s.key === key ? s.data : undefined, error }));
      },
    );
  }, [key, handleError]);

  useEffect(() => {
    reload();
  }, [reload]);

  useEffect(
    () =>
      onMirrorGewijzigd((c) => {
        if (relevantRef.current(c)) reload();
      }),
    [reload],
  );

  const current = state.key === key;
  return {
    data: current ? state.data : undefined,
    error: current ? state.error : null,
    loading: !current,
    reload,
  };
}

/** The value, `ms` after it stopped changing. */
export function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const h = setTimeout(() => setV(value), ms);
    return () => clearTimeout(h);
  }, [value, ms]);
  return v;
}
