// A tiny typed i18n: `const t = useT(); t.overzicht.titel` or `t.overzicht.aantal(3, 10)`.
import { createContext, useContext, useMemo } from "react";
import type { ReactNode } from "react";
import type { IpcError, Taal } from "../ipc";
import { en } from "./en";
import { nl } from "./nl";
import type { Messages } from "./nl";

export type { Messages };

const DICTS: Record<Taal, Messages> = { nl, en };
const LOCALES: Record<Taal, string> = { nl: "nl-NL", en: "en-GB" };

export type Formatters = {
  taal: Taal;
  /** "14:32" */
  tijd: (iso: string) => string;
  /** "3 mrt. 2026" */
  datum: (iso: string) => string;
  /** "3 mrt. 2026 14:32" */
  datumTijd: (iso: string) => string;
  /** "vandaag 14:32", "gisteren 14:32", otherwise date + time: never a bare time. */
  moment: (iso: string) => string;
  grootte: (bytes: number) => string;
  /** The message of an error, with a translated prefix per code in English. */
  fout: (e: IpcError) => string;
};

type Ctx = { t: Messages; f: Formatters };

function formatters(taal: Taal, t: Messages): Formatters {
  const locale = LOCALES[taal];
  const tijdFmt = new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit" });
  const datumFmt = new Intl.DateTimeFormat(locale, { day: "numeric", month: "short", year: "numeric" });
  const datumTijdFmt = new Intl.DateTimeFormat(locale, {
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  });
  const getal = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
  const safe = (fmt: Intl.DateTimeFormat) => (iso: string) => {
    const d = new Date(iso);
    return Number.isNaN(d.getTime()) ? iso : fmt.format(d);
  };
  return {
    taal,
    tijd: safe(tijdFmt),
    datum: safe(datumFmt),
    datumTijd: safe(datumTijdFmt),
    moment: (iso) => {
      const d = new Date(iso);
      if (Number.isNaN(d.getTime())) return iso;
      const vandaag = new Date();
      const gisteren = new Date(vandaag.getFullYear(), vandaag.getMonth(), vandaag.getDate() - 1);
      if (d.toDateString() === vandaag.toDateString()) return t.moment.vandaag(tijdFmt.format(d));
      if (d.toDateString() === gisteren.toDateString()) return t.moment.gisteren(tijdFmt.format(d));
      return datumTijdFmt.format(d);
    },
    grootte: (bytes) => {
      if (bytes < 1024) return t.eenheid.bytes(bytes);
      if (bytes < 1024 * 1024) return `${getal.format(bytes / 1024)} kB`;
      if (bytes < 1024 * 1024 * 1024) return `${getal.format(bytes / (1024 * 1024))} MB`;
      return `${getal.format(bytes / (1024 * 1024 * 1024))} GB`;
    },
    fout: (e) => {
      const prefix = t.fout.code[e.code];
      return prefix ? `${prefix} ${e.message}` : e.message;
    },
  };
}

const I18nContext = createContext<Ctx>({ t: nl, f: formatters("nl", nl) });

export function I18nProvider({ taal, children }: { taal: Taal; children: ReactNode }) {
  const value = useMemo(() => {
    const t = DICTS[taal];
    return { t, f: formatters(taal, t) };
  }, [taal]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useT(): Messages {
  return useContext(I18nContext).t;
}

export function useFormat(): Formatters {
  return useContext(I18nContext).f;
}
