// The typed error every api.* call throws. Kept free of @tauri-apps imports so tests can use the
// real class while they mock the rest of the seam.
import type { ErrorCode } from "./bindings.gen";

export type { ErrorCode };

const CODES: readonly ErrorCode[] = [
  "Offline",
  "Unauthorized",
  "Forbidden",
  "NotFound",
  "Conflict",
  "Validation",
  "KeyringUnavailable",
  "StorageFull",
  "Internal",
];

export class IpcError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = "IpcError";
    this.code = code;
  }

  /** Anything thrown or returned by the shell, as an IpcError (unknown codes become Internal). */
  static from(e: unknown): IpcError {
    if (e instanceof IpcError) return e;
    if (typeof e === "object" && e !== null && "message" in e) {
      const raw = e as { code?: unknown; message?: unknown };
      const code = CODES.includes(raw.code as ErrorCode) ? (raw.code as ErrorCode) : "Internal";
      return new IpcError(code, String(raw.message));
    }
    if (typeof e === "string") return new IpcError("Internal", e);
    return new IpcError("Internal", "Er ging iets mis in de app. Probeer het opnieuw.");
  }
}

export function isIpcError(e: unknown, code?: ErrorCode): e is IpcError {
  return e instanceof IpcError && (code === undefined || e.code === code);
}
