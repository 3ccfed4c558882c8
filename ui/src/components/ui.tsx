import { Alert, Button, ButtonGroup, Heading2, Paragraph, StatusBadge } from "./nlds";
import { useCallback, useEffect, useId, useLayoutEffect, useRef } from "react";
import type { ReactNode } from "react";
import { useFormat, useT } from "../i18n";
import type { ActieverzoekStatus, IpcError, SamenwerkingStatus } from "../ipc";

/** An error near the action that caused it. Shows the shell's readable `message`. */
export function ErrorAlert({ error, testId }: { error: IpcError | null; testId?: string }) {
  const f = useFormat();
  if (!error) return null;
  return (
    <Alert type="error" role="alert" data-testid={testId ?? "fout"} data-code={error.code}>
      <Paragraph>{f.fout(error)}</Paragraph>
    </Alert>
  );
}

/** A polite live region: always rendered, so screen readers announce what is put in it. */
export function StatusMessage({ children, testId }: { children?: ReactNode; testId?: string }) {
  return (
    <div role="status" aria-live="polite" className="status-message" data-testid={testId}>
      {children ? (
        <Alert type="ok">
          <Paragraph>{children}</Paragraph>
        </Alert>
      ) : null}
    </div>
  );
}

/** Focus `el` if it is still in the page and can take focus; true when it did. */
export function focusAls(el: HTMLElement | null | undefined): boolean {
  if (!el || !el.isConnected || (el as HTMLButtonElement).disabled) return false;
  el.focus();
  return document.activeElement === el;
}

const EERSTE_CONTROL =
  "input:not([disabled]):not([type=hidden]), textarea:not([disabled]), select:not([disabled]), button:not([disabled]), a[href]";

/**
 * A modal dialog on the native <dialog> element (focus trap, Escape and inert background come
 * from the webview). `open` drives showModal()/close().
 *
 * Closing always goes through close(), also when the dialog is unmounted while open (a dialog
 * rendered only while needed), and the focus goes back to the element that had it when the
 * dialog opened, or, when that one is gone or disabled now, to `terugval()`. Never to <body>.
 * The <dialog> itself is no tab stop (tabIndex -1): Tab moves between its controls only.
 */
export function Dialog({
  open,
  titel,
  onClose,
  children,
  testId,
  terugval,
}: {
  open: boolean;
  titel: ReactNode;
  onClose: () => void;
  children: ReactNode;
  testId?: string;
  /** Where the focus goes when the element that opened the dialog is no longer there. */
  terugval?: () => HTMLElement | null;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const opener = useRef<HTMLElement | null>(null);
  const terugvalRef = useRef(terugval);
  useEffect(() => {
    terugvalRef.current = terugval;
  }, [terugval]);

  // close() and give the focus back (to the opener, else to the fallback)
  const sluit = useCallback((d: HTMLDialogElement) => {
    if (d.open) {
      if (typeof d.close === "function") d.close();
      else d.removeAttribute("open");
    }
    const terug = opener.current;
    opener.current = null;
    if (!focusAls(terug)) focusAls(terugvalRef.current?.());
  }, []);

  useLayoutEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) {
      const actief = document.activeElement;
      opener.current = actief instanceof HTMLElement && actief !== document.body ? actief : null;
      if (typeof d.showModal === "function") d.showModal();
      else d.setAttribute("open", "");
      // the first control takes the focus (what showModal() should do; not every webview does)
      if (!d.contains(document.activeElement) || document.activeElement === d) {
        d.querySelector<HTMLElement>(EERSTE_CONTROL)?.focus();
      }
    } else if (!open && d.open) {
      sluit(d);
    }
  }, [open, sluit]);

  // unmounted while open (a dialog rendered only while needed): close it all the same
  useLayoutEffect(() => {
    const d = ref.current;
    return () => {
      if (d?.open) sluit(d);
    };
  }, [sluit]);

  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    const cancel = (e: Event) => {
      e.preventDefault();
      onClose();
    };
    d.addEventListener("cancel", cancel);
    return () => d.removeEventListener("cancel", cancel);
  }, [onClose]);
  return (
    <dialog ref={ref} className="dialog" aria-labelledby={titleId} data-testid={testId} tabIndex={-1}>
      {open && (
        <>
          <Heading2 id={titleId} className="dialog__titel">
            {titel}
          </Heading2>
          {children}
        </>
      )}
    </dialog>
  );
}

export function ConfirmDialog({
  open,
  titel,
  uitleg,
  bevestigKnop,
  onBevestig,
  onAnnuleer,
  busy,
  error,
  gevaarlijk,
  uit,
  testId,
}: {
  open: boolean;
  titel: ReactNode;
  uitleg: ReactNode;
  /** The confirm button is disabled (e.g. offline: a write cannot be done now). */
  uit?: boolean;
  bevestigKnop: string;
  onBevestig: () => void;
  onAnnuleer: () => void;
  busy?: boolean;
  error?: IpcError | null;
  gevaarlijk?: boolean;
  testId?: string;
}) {
  const t = useT();
  return (
    <Dialog open={open} titel={titel} onClose={onAnnuleer} testId={testId}>
      <Paragraph>{uitleg}</Paragraph>
      <ErrorAlert error={error ?? null} />
      <ButtonGroup>
        <Button
          appearance="primary-action-button"
          hint={gevaarlijk ? "danger" : undefined}
          busy={busy}
          disabled={busy || uit}
          onClick={onBevestig}
        >
          {bevestigKnop}
        </Button>
        <Button appearance="secondary-action-button" onClick={onAnnuleer}>
          {t.app.annuleren}
        </Button>
      </ButtonGroup>
    </Dialog>
  );
}

export function SamenwerkingStatusBadge({ status }: { status: SamenwerkingStatus }) {
  const t = useT();
  const kleur = status === "GESLOTEN" || status === "VERWIJDERD" ? "neutral" : "safe";
  return (
    <StatusBadge status={kleur} className="badge" data-status={status}>
      {t.status.samenwerking[status]}
    </StatusBadge>
  );
}

export function ActieverzoekStatusBadge({ status }: { status: ActieverzoekStatus }) {
  const t = useT();
  const kleur: Record<ActieverzoekStatus, string> = {
    OPEN: "warning",
    IN_BEHANDELING: "active",
    GEREEDGEMELD: "success",
    GEREED: "safe",
    GEWEIGERD: "danger",
    INGETROKKEN: "inactive",
  };
  return (
    <StatusBadge status={kleur[status]} className="badge" data-status={status}>
      {t.status.actieverzoek[status]}
    </StatusBadge>
  );
}

/** A labelled progress bar; the percentage is also announced. */
export function Voortgang({
  label,
  bytes,
  totaal,
  testId,
}: {
  label: string;
  bytes: number;
  totaal: number | null;
  testId?: string;
}) {
  const t = useT();
  const f = useFormat();
  const id = useId();
  const pct = totaal && totaal > 0 ? Math.min(100, Math.round((bytes / totaal) * 100)) : null;
  return (
    <div className="voortgang" data-testid={testId}>
      <label htmlFor={id}>{label}</label>
      {pct === null ? (
        <progress id={id} />
      ) : (
        <progress id={id} max={100} value={pct}>
          {pct}%
        </progress>
      )}
      <span aria-live="polite">
        {pct === null
          ? t.samenwerking.documenten.voortgangOnbekend(f.grootte(bytes))
          : t.samenwerking.documenten.voortgang(pct)}
      </span>
    </div>
  );
}
