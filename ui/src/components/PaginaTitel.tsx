import { Heading1 } from "./nlds";
import { useEffect, useRef } from "react";
import type { ReactNode } from "react";
import { useT } from "../i18n";
import { api } from "../ipc";

/** "Documenten — Dakopbouw Kerkstraat 1 — Samenwerkruimte": most specific first. */
export function venstertitel(delen: readonly string[], appNaam: string): string {
  return [...delen.filter((d) => d.trim() !== ""), appNaam].join(" — ");
}

/**
 * Says in the window title where the user is: document.title (what assistive technology and
 * WebDriver read) and the native window title (task bar, window switcher).
 */
export function useVenstertitel(delen: readonly string[]): void {
  const t = useT();
  const titel = venstertitel(delen, t.app.naam);
  useEffect(() => {
    document.title = titel;
    // cosmetic: a shell that refuses (or a plain browser) keeps the old native title
    api.venstertitel(titel).catch(() => undefined);
  }, [titel]);
}

/**
 * The page's h1. It takes the focus when the page opens (so keyboard and screen reader users
 * start at the new content) and sets the window title: `titel`, or `venster` when the window
 * title says more than the heading (a samenwerking's tab).
 */
export function PaginaTitel({
  children,
  titel,
  venster,
}: {
  children: ReactNode;
  titel: string;
  venster?: readonly string[];
}) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    ref.current?.focus({ preventScroll: false });
  }, []);
  useVenstertitel(venster ?? [titel]);
  return (
    <Heading1 ref={ref} tabIndex={-1} className="pagina-titel">
      {children}
    </Heading1>
  );
}
