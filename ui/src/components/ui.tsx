import { Alert, Button, ButtonGroup, Heading2, Paragraph, StatusBadge } from "./nlds";
import { useEffect, useId, useRef } from "react";
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

/**
 * A modal dialog on the native <dialog> element (focus trap, Escape and inert background come
 * from the webview). `open` drives showModal()/close().
 */
export function Dialog({
  open,
  titel,
  onClose,
  children,
  testId,
}: {
  open: boolean;
  titel: ReactNode;
  onClose: () => void;
  children: ReactNode;
  testId?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) {
      if (typeof d.showModal === "function") d.showModal();
      else d.setAttribute("open", "");
    } else if (!open && d.open) {
      if (typeof d.close === "function") d.close();
      else d.removeAttribute("open");
    }
  }, [open]);
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
    <dialog ref={ref} className="dialog" aria-labelledby={titleId} data-testid={testId}>
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
