import { Heading1 } from "./nlds";
import { useEffect, useRef } from "react";
import type { ReactNode } from "react";
import { useT } from "../i18n";

/**
 * The page's h1. It takes the focus when the page opens (so keyboard and screen reader users
 * start at the new content) and sets the window title.
 */
export function PaginaTitel({ children, titel }: { children: ReactNode; titel: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  const t = useT();
  useEffect(() => {
    ref.current?.focus({ preventScroll: false });
  }, []);
  useEffect(() => {
    document.title = `${titel} – ${t.app.naam}`;
  }, [titel, t.app.naam]);
  return (
    <Heading1 ref={ref} tabIndex={-1} className="pagina-titel">
      {children}
    </Heading1>
  );
}
