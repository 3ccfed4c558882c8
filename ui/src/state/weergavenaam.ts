// The user's own name for the header ("Vera Vergunningverlener" rather than the sign-in name
// "vergunningverlener"). The shell's Account has only the sign-in name; the UI learns the
// human name where it shows one (the practice environment's sign-in buttons) and remembers it
// per service and sign-in name, so the header says what the button said, also after a restart.
const SLEUTEL = "samenwerkruimte.weergavenamen";

type Namen = Record<string, string>;

function sleutel(serviceUrl: string, gebruikersnaam: string): string {
  return `${serviceUrl.replace(/\/+$/, "")}|${gebruikersnaam}`;
}

function lees(): Namen {
  try {
    const raw = window.localStorage.getItem(SLEUTEL);
    const v: unknown = raw ? JSON.parse(raw) : null;
    return v && typeof v === "object" ? (v as Namen) : {};
  } catch {
    return {};
  }
}

export function onthoudWeergavenaam(serviceUrl: string, gebruikersnaam: string, naam: string): void {
  try {
    window.localStorage.setItem(SLEUTEL, JSON.stringify({ ...lees(), [sleutel(serviceUrl, gebruikersnaam)]: naam }));
  } catch {
    // only a convenience: the header then shows the sign-in name
  }
}

/** The remembered human name, else the sign-in name. */
export function weergavenaam(serviceUrl: string, gebruikersnaam: string): string {
  return lees()[sleutel(serviceUrl, gebruikersnaam)] ?? gebruikersnaam;
}
