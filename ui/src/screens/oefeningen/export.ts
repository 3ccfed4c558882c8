// The learner's exercises and notes as a small Markdown document (saved through the dialog).
// Pure: the texts are the UI's, in the language on screen.
import type { Messages } from "../../i18n";
import type { OefeningenStand } from "../../ipc";

export function oefeningenMarkdown(stand: OefeningenStand, t: Messages, gemaakt: string): string {
  const m = t.oefeningen;
  const notities = new Map(stand.notities.map((n) => [n.nummer, n.tekst]));
  const regels: string[] = [`# ${m.exportKop}`, "", m.exportGemaakt(gemaakt)];
  if (stand.samenwerkingTitel) regels.push("", m.samenwerking(stand.samenwerkingTitel));
  regels.push(
    "",
    `- ${m.rolDoor(m.rol.vergunningverlener, stand.vergunningverlener.organisatie)}`,
    `- ${m.rolDoor(m.rol.adviseur, stand.adviseur.organisatie)}`,
  );
  for (const o of stand.oefeningen) {
    regels.push("", `## ${m.oefening(o.nummer, m.titels[o.nummer] ?? "")}${o.klaar ? ` (${m.klaar})` : ""}`, "");
    for (const s of o.stappen) {
      const tekst = m.stap[s.id] ?? s.id;
      regels.push(`- [${s.gedaan ? "x" : " "}] ${tekst}${s.optioneel ? ` ${m.optioneel}` : ""}`);
    }
    regels.push("", `### ${m.vragenTitel}`, "");
    for (const v of m.vragen[o.nummer] ?? []) regels.push(`- ${v}`);
    const n = notities.get(o.nummer)?.trim();
    regels.push("", `### ${m.notities(o.nummer)}`, "", n ? n : m.exportGeenNotities);
  }
  return regels.join("\n") + "\n";
}
