// A minimal hash router: #/overzicht, #/starten, #/samenwerking/<id>/<tab>, #/meldingen, #/instellingen,
// #/oefeningen (the practice environment's exercises).
import { useSyncExternalStore } from "react";

export const TABS = [
  "samenvatting",
  "deelnemers",
  "documenten",
  "actieverzoeken",
  "meldingen",
  "historie",
] as const;
export type Tab = (typeof TABS)[number];

export type Route =
  | { naam: "overzicht" }
  | { naam: "starten" }
  | { naam: "samenwerking"; id: string; tab: Tab }
  | { naam: "meldingen" }
  | { naam: "instellingen" }
  | { naam: "oefeningen" };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, "").split("/").filter(Boolean).map(decodeURIComponent);
  switch (parts[0]) {
    case "starten":
      return { naam: "starten" };
    case "meldingen":
      return { naam: "meldingen" };
    case "instellingen":
      return { naam: "instellingen" };
    case "oefeningen":
      return { naam: "oefeningen" };
    case "samenwerking": {
      const id = parts[1];
      if (!id) return { naam: "overzicht" };
      const tab = TABS.find((x) => x === parts[2]) ?? "samenvatting";
      return { naam: "samenwerking", id, tab };
    }
    default:
      return { naam: "overzicht" };
  }
}

export function routeHref(r: Route): string {
  switch (r.naam) {
    case "samenwerking":
      return `#/samenwerking/${encodeURIComponent(r.id)}/${r.tab}`;
    default:
      return `#/${r.naam}`;
  }
}

export function navigate(r: Route, opts: { replace?: boolean } = {}): void {
  const href = routeHref(r);
  if (window.location.hash === href) return;
  if (opts.replace) {
    window.history.replaceState(null, "", href);
    window.dispatchEvent(new HashChangeEvent("hashchange"));
  } else {
    window.location.hash = href;
  }
}

function subscribe(cb: () => void): () => void {
  window.addEventListener("hashchange", cb);
  return () => window.removeEventListener("hashchange", cb);
}

function snapshot(): string {
  return window.location.hash;
}

export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, snapshot, snapshot);
  return parseRoute(hash);
}
