import { act, screen, waitFor, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { api, emit, fout, luistertNaarSlepen, resetIpc } from "./fakeIpc";
import * as fx from "./fixtures";
import { renderApp } from "./render";

vi.mock("../ipc", () => import("./fakeIpc").then((m) => m.ipcModule));

beforeEach(() => resetIpc());

async function open(scherm: ReturnType<typeof fx.schermInitiator>, tab = "samenvatting") {
  api.samenwerking.mockResolvedValue(scherm);
  const r = await renderApp({ hash: `#/samenwerking/SAM-1/${tab}` });
  await screen.findByRole("heading", { level: 1, name: scherm.samenwerking.titel });
  return r;
}

describe("Samenwerking: what I may do", () => {
  it("the initiator can close an open samenwerking, after confirming", async () => {
    const { user } = await open(fx.schermInitiator());
    expect(screen.getByTestId("samenvatting")).toHaveTextContent("Gemeente Westland");
    expect(screen.queryByRole("button", { name: "Samenwerking verwijderen" })).not.toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "Samenwerking sluiten" }));
    const dialoog = screen.getByRole("dialog", { name: "Samenwerking sluiten?" });
    expect(dialoog).toHaveTextContent("partners de samenwerking alleen nog bekijken");
    await user.click(within(dialoog).getByRole("button", { name: "Ja, sluiten" }));
    expect(api.samenwerkingSluiten).toHaveBeenCalledWith("SAM-1");
    expect(await screen.findByText("De samenwerking is gesloten.")).toBeInTheDocument();
  });

  it("a partner sees no Sluiten, Verwijderen or invitation, and no access buttons", async () => {
    const { user } = await open(fx.schermPartner());
    expect(screen.queryByRole("button", { name: "Samenwerking sluiten" })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Samenwerking verwijderen" })).not.toBeInTheDocument();

    await user.click(screen.getByRole("tab", { name: /Deelnemers/ }));
    const tabel = await screen.findByTestId("deelnemers");
    expect(within(tabel).getByTestId(`deelnemer-${fx.OIN_VR}`)).toHaveTextContent("(uw organisatie)");
    expect(within(tabel).queryAllByRole("button")).toHaveLength(0);
    expect(screen.queryByTestId("uitnodigen")).not.toBeInTheDocument();

    await user.click(screen.getByRole("tab", { name: /Documenten/ }));
    await screen.findByTestId("documenten");
    expect(screen.queryByTestId("document-formulier")).not.toBeInTheDocument(); // until a file is chosen
    expect(screen.getByRole("button", { name: "Bestand kiezen" })).toBeEnabled();
    const doc = screen.getByTestId("document-doc-1");
    expect(within(doc).getByRole("button", { name: "bouwtekening.pdf openen" })).toBeInTheDocument();
    expect(within(doc).queryByRole("button", { name: /verwijderen/ })).not.toBeInTheDocument();
    expect(within(doc).queryByRole("button", { name: /wijzigen/ })).not.toBeInTheDocument();
  });

  it("the initiator manages deelnemers: give full access, remove after confirming", async () => {
    const { user } = await open(fx.schermInitiator(), "deelnemers");
    const rij = await screen.findByTestId(`deelnemer-${fx.OIN_VR}`);
    await user.click(within(rij).getByRole("button", { name: "Volledige toegang geven aan Veiligheidsregio Haaglanden" }));
    expect(api.privilegeWijzigen).toHaveBeenCalledWith("SAM-1", fx.OIN_VR, "VOLLEDIGE_TOEGANG");

    await user.click(within(rij).getByRole("button", { name: "Veiligheidsregio Haaglanden verwijderen" }));
    const dialoog = screen.getByRole("dialog", { name: "Veiligheidsregio Haaglanden verwijderen uit de samenwerking?" });
    await user.click(within(dialoog).getByRole("button", { name: "Verwijderen" }));
    expect(api.deelnemerVerwijderen).toHaveBeenCalledWith("SAM-1", fx.OIN_VR);
  });

  it("a closed samenwerking has no write buttons, only Verwijderen for the initiator", async () => {
    const { user } = await open(fx.schermGesloten());
    expect(screen.getByTestId("gesloten-melding")).toHaveTextContent("niets meer wijzigen");
    expect(screen.queryByRole("button", { name: "Samenwerking sluiten" })).not.toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Samenwerking verwijderen" })).toBeInTheDocument();

    await user.click(screen.getByRole("tab", { name: /Documenten/ }));
    expect(screen.queryByRole("button", { name: "Bestand kiezen" })).not.toBeInTheDocument();
    await user.click(screen.getByRole("tab", { name: /Actieverzoeken/ }));
    const av = await screen.findByTestId("actieverzoek-av-1");
    expect(within(av).queryAllByRole("button")).toHaveLength(0);
    expect(screen.queryByTestId("actieverzoek-versturen")).not.toBeInTheDocument();
    await user.click(screen.getByRole("tab", { name: /Deelnemers/ }));
    expect(screen.queryByTestId("uitnodigen")).not.toBeInTheDocument();
  });

  it("deleting needs the 'archived in our own system' checkbox", async () => {
    const { user } = await open(fx.schermGesloten());
    await user.click(screen.getByRole("button", { name: "Samenwerking verwijderen" }));
    const dialoog = screen.getByRole("dialog", { name: "Samenwerking verwijderen?" });
    expect(dialoog).toHaveTextContent("kan niemand haar meer zien");
    expect(dialoog).toHaveTextContent("Hebt u de samenwerking gearchiveerd in uw eigen systeem?");

    await user.click(within(dialoog).getByRole("button", { name: "Definitief verwijderen" }));
    expect(within(dialoog).getByText("Bevestig eerst dat u de samenwerking hebt gearchiveerd.")).toBeInTheDocument();
    expect(
      within(dialoog).getByRole("checkbox", { name: "Ja, ik heb de samenwerking gearchiveerd in ons eigen systeem" }),
    ).toHaveFocus();
    expect(api.samenwerkingVerwijderen).not.toHaveBeenCalled();

    await user.click(
      within(dialoog).getByRole("checkbox", { name: "Ja, ik heb de samenwerking gearchiveerd in ons eigen systeem" }),
    );
    await user.click(within(dialoog).getByRole("button", { name: "Definitief verwijderen" }));
    expect(api.samenwerkingVerwijderen).toHaveBeenCalledWith("SAM-1");
    expect(await screen.findByRole("heading", { level: 1, name: "Mijn samenwerkingen" })).toBeInTheDocument();
    expect(screen.getByTestId("flash")).toHaveTextContent("is verwijderd");
  });
});

describe("Actieverzoeken", () => {
  it("the receiver gets one button per allowed status", async () => {
    await open(fx.schermPartner(), "actieverzoeken");
    const av = await screen.findByTestId("actieverzoek-av-1");
    expect(within(screen.getByTestId("actieverzoeken-inkomend")).getByTestId("actieverzoek-av-1")).toBe(av);
    const knoppen = within(av)
      .getAllByRole("button")
      .map((b) => b.textContent);
    expect(knoppen).toEqual(["In behandeling nemen", "Weigeren", "Gereed melden", "Bericht versturen"]);
  });

  it("the sender of a gereedgemeld request can accept, send back or withdraw", async () => {
    const s = fx.schermInitiator({
      actieverzoeken: [
        fx.actieverzoek({ status: "GEREEDGEMELD", melding: "Advies staat bij de documenten." }, {
          partij: "ZENDER",
          statussen: ["GEREED", "IN_BEHANDELING", "INGETROKKEN"],
        }),
      ],
    });
    const { user } = await open(s, "actieverzoeken");
    const av = await screen.findByTestId("actieverzoek-av-1");
    expect(within(av).getByTestId("actieverzoek-melding")).toHaveTextContent("Advies staat bij de documenten.");
    expect(within(av).getByRole("button", { name: "Accepteren" })).toBeInTheDocument();
    expect(within(av).getByRole("button", { name: "Terugsturen" })).toBeInTheDocument();
    expect(within(av).getByRole("button", { name: "Intrekken" })).toBeInTheDocument();
    expect(within(av).queryByRole("button", { name: "In behandeling nemen" })).not.toBeInTheDocument();

    await user.click(within(av).getByRole("button", { name: "Accepteren" }));
    expect(api.actieverzoekStatus).toHaveBeenCalledWith("av-1", "GEREED", null);

    await user.click(within(av).getByRole("button", { name: "Terugsturen" }));
    const dialoog = screen.getByRole("dialog", { name: "Actieverzoek terugsturen" });
    await user.click(within(dialoog).getByRole("button", { name: "Terugsturen" }));
    expect(within(dialoog).getByText("Vul een melding in.")).toBeInTheDocument();
    await user.type(within(dialoog).getByRole("textbox", { name: /Melding/ }), "Graag ook de vluchtroutes.");
    await user.click(within(dialoog).getByRole("button", { name: "Terugsturen" }));
    expect(api.actieverzoekStatus).toHaveBeenLastCalledWith("av-1", "IN_BEHANDELING", "Graag ook de vluchtroutes.");
  });

  it("gereed melden asks for a melding in a dialog and sends it", async () => {
    const { user } = await open(fx.schermPartner(), "actieverzoeken");
    const av = await screen.findByTestId("actieverzoek-av-1");
    await user.click(within(av).getByRole("button", { name: "Gereed melden" }));
    const dialoog = screen.getByRole("dialog", { name: "Actieverzoek gereed melden" });
    await user.type(within(dialoog).getByRole("textbox", { name: /Melding/ }), "Ons advies staat bij de documenten.");
    await user.click(within(dialoog).getByRole("button", { name: "Gereed melden" }));
    expect(api.actieverzoekStatus).toHaveBeenCalledWith("av-1", "GEREEDGEMELD", "Ons advies staat bij de documenten.");
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    expect(within(av).getByRole("status")).toHaveTextContent("De status is nu: Gereed gemeld.");
  });

  it("a refused status change shows the service's message next to the action", async () => {
    api.actieverzoekStatus.mockRejectedValue(
      fout("Conflict", "Het actieverzoek is intussen gewijzigd. Bekijk de nieuwe stand en probeer het opnieuw."),
    );
    const { user } = await open(fx.schermPartner(), "actieverzoeken");
    const av = await screen.findByTestId("actieverzoek-av-1");
    await user.click(within(av).getByRole("button", { name: "In behandeling nemen" }));
    expect(await within(av).findByRole("alert")).toHaveTextContent("Het actieverzoek is intussen gewijzigd.");
  });

  it("sends a new actieverzoek with documents attached", async () => {
    const { user } = await open(fx.schermInitiator(), "actieverzoeken");
    const form = await screen.findByTestId("actieverzoek-versturen");
    await user.click(within(form).getByRole("button", { name: "Actieverzoek versturen" }));
    expect(within(form).getByText("Vul een titel in.")).toBeInTheDocument();
    expect(api.actieverzoekVersturen).not.toHaveBeenCalled();

    // one possible receiver: already chosen
    expect(within(form).getByRole("combobox", { name: "Aan (ontvanger)" })).toHaveValue(fx.OIN_VR);
    await user.type(within(form).getByRole("textbox", { name: "Titel" }), "Advies brandveiligheid");
    await user.type(within(form).getByRole("textbox", { name: "Wat vraagt u?" }), "Graag advies voor 1 december.");
    await user.click(within(form).getByRole("checkbox", { name: "bouwtekening.pdf (RV)" }));
    await user.click(within(form).getByRole("button", { name: "Actieverzoek versturen" }));
    expect(api.actieverzoekVersturen).toHaveBeenCalledWith({
      samenwerkingId: "SAM-1",
      ontvanger: fx.OIN_VR,
      titel: "Advies brandveiligheid",
      omschrijving: "Graag advies voor 1 december.",
      documenten: ["doc-1"],
    });
    expect(await within(form).findByText("Het actieverzoek is verstuurd.")).toBeInTheDocument();
  });

  it("shows the thread and posts a reply", async () => {
    const s = fx.schermPartner({
      actieverzoeken: [
        fx.actieverzoek(
          {
            berichten: [
              {
                berichtId: "b-1",
                actieverzoekId: "av-1",
                samenwerkingId: "SAM-1",
                creatieDatumTijd: fx.NU,
                inhoud: "Is de tekening de laatste versie?",
                zender: fx.OIN_VR,
                zenderNaam: "Veiligheidsregio Haaglanden",
                ontvanger: fx.OIN_GEMEENTE,
                ontvangerNaam: "Gemeente Westland",
                _links: {},
              },
            ],
          },
          { partij: "ONTVANGER", statussen: [] },
        ),
      ],
    });
    const { user } = await open(s, "actieverzoeken");
    const av = await screen.findByTestId("actieverzoek-av-1");
    expect(within(av).getByTestId("bericht-b-1")).toHaveTextContent("Is de tekening de laatste versie?");
    await user.type(within(av).getByRole("textbox", { name: "Bericht" }), "Ja, van 20 november.");
    await user.click(within(av).getByRole("button", { name: "Bericht versturen" }));
    expect(api.berichtVersturen).toHaveBeenCalledWith("av-1", "Ja, van 20 november.");
  });
});

describe("Documenten", () => {
  it("adds a chosen file with the allowed vertrouwelijkheid, showing progress", async () => {
    api.bestandKiezen.mockResolvedValue(["/home/ahmed/Documenten/advies brandveiligheid.pdf"]);
    let klaar: () => void = () => undefined;
    api.documentToevoegen.mockImplementation(
      () => new Promise((resolve) => (klaar = () => resolve(fx.document({ documentId: "doc-2" })))),
    );
    const { user } = await open(fx.schermPartner(), "documenten");
    await user.click(screen.getByRole("button", { name: "Bestand kiezen" }));
    const form = await screen.findByTestId("document-formulier");
    expect(form).toHaveTextContent("Bestand: advies brandveiligheid.pdf");
    // a partner with limited access may only add RV documents
    expect(within(form).getByRole("radio", { name: "Regulier vertrouwelijk (RV)" })).toBeChecked();
    expect(within(form).queryByRole("radio", { name: "Strikt vertrouwelijk (SV)" })).not.toBeInTheDocument();
    await user.type(within(form).getByRole("textbox", { name: "Omschrijving" }), "Advies brandveiligheid");
    await user.click(within(form).getByRole("button", { name: "Toevoegen" }));

    expect(api.documentToevoegen).toHaveBeenCalledWith(
      "SAM-1",
      "/home/ahmed/Documenten/advies brandveiligheid.pdf",
      "RV",
      "Advies brandveiligheid",
      "overdracht-1",
    );
    act(() => emit.overdrachtVoortgang({ overdrachtId: "overdracht-1", bytes: 512, totaal: 1024, klaar: false }));
    const balk = await screen.findByTestId("upload-voortgang");
    expect(within(balk).getByRole("progressbar", { name: "Bezig met advies brandveiligheid.pdf" })).toHaveAttribute("value", "50");
    expect(balk).toHaveTextContent("50% verstuurd");
    act(() => klaar());
    expect(await screen.findByText("advies brandveiligheid.pdf is toegevoegd.")).toBeInTheDocument();
    expect(screen.queryByTestId("document-formulier")).not.toBeInTheDocument();
  });

  it("accepts files dropped on the window (paths from the webview)", async () => {
    const { user } = await open(fx.schermInitiator(), "documenten");
    await waitFor(() => expect(luistertNaarSlepen()).toBe(true));
    act(() => emit.bestandenGesleept({ type: "enter", paths: ["/tmp/a.pdf"] }));
    expect(screen.getByTestId("dropzone")).toHaveTextContent("Laat de bestanden los om ze toe te voegen");
    act(() => emit.bestandenGesleept({ type: "drop", paths: ["/tmp/a.pdf", "C:\\stukken\\b.docx"] }));
    const form = await screen.findByTestId("document-formulier");
    expect(form).toHaveTextContent("Bestand 1 van 2: a.pdf");
    await user.click(within(form).getByRole("radio", { name: "Strikt vertrouwelijk (SV)" }));
    await user.click(within(form).getByRole("button", { name: "Toevoegen" }));
    expect(api.documentToevoegen).toHaveBeenCalledWith("SAM-1", "/tmp/a.pdf", "SV", null, expect.any(String));
    expect(await screen.findByText("Bestand 2 van 2: b.docx")).toBeInTheDocument();
  });

  it("downloads, opens, changes and deletes per the flags", async () => {
    api.documentOpslaan.mockResolvedValue("/home/petra/Downloads/bouwtekening.pdf");
    const { user } = await open(fx.schermInitiator(), "documenten");
    const rij = screen.getByTestId("document-doc-1");
    expect(within(rij).getByTestId("vertrouwelijkheid")).toHaveTextContent("RV");
    expect(rij).toHaveTextContent("240 kB");
    expect(within(rij).getByTestId("cached")).toHaveTextContent("Op deze computer");

    await user.click(within(rij).getByRole("button", { name: "bouwtekening.pdf downloaden" }));
    expect(api.documentOpslaan).toHaveBeenCalledWith("doc-1", expect.any(String));
    expect(await within(rij).findByText("Opgeslagen als /home/petra/Downloads/bouwtekening.pdf")).toBeInTheDocument();
    await user.click(within(rij).getByRole("button", { name: "bouwtekening.pdf openen" }));
    expect(api.documentOpenen).toHaveBeenCalledWith("doc-1", expect.any(String));

    await user.click(within(rij).getByRole("button", { name: "Vertrouwelijkheid van bouwtekening.pdf wijzigen" }));
    const dialoog = screen.getByRole("dialog", { name: "bouwtekening.pdf wijzigen" });
    await user.click(within(dialoog).getByRole("radio", { name: "Strikt vertrouwelijk (SV)" }));
    await user.click(within(dialoog).getByRole("button", { name: "Opslaan" }));
    expect(api.documentWijzigen).toHaveBeenCalledWith("doc-1", "SV", null);

    await user.click(within(rij).getByRole("button", { name: "bouwtekening.pdf verwijderen" }));
    const weg = screen.getByRole("dialog", { name: "bouwtekening.pdf verwijderen?" });
    await user.click(within(weg).getByRole("button", { name: "Verwijderen" }));
    expect(api.documentVerwijderen).toHaveBeenCalledWith("doc-1");
  });
});

describe("Meldingen, historie and live updates", () => {
  it("marks the samenwerking's notifications read when they are shown", async () => {
    const s = fx.schermInitiator({ notificaties: [fx.notificatie(), fx.notificatie({ notificatieId: "n-2", gelezen: true })] });
    await open(s, "meldingen");
    expect(screen.getByTestId("notificatie-n-1")).toHaveTextContent("Actieverzoek gereed gemeld");
    await waitFor(() => expect(api.notificatiesGelezen).toHaveBeenCalledWith(["n-1"]));
  });

  it("historie offline says when it can be seen", async () => {
    api.historie.mockRejectedValue(fout("Offline", "Geen verbinding met de dienst."));
    await open(fx.schermInitiator(), "historie");
    expect(await screen.findByTestId("historie-offline")).toHaveTextContent(
      "U kunt haar bekijken zodra de verbinding terug is.",
    );
  });

  it("historie shows the audit log", async () => {
    api.historie.mockResolvedValue([
      {
        volgnummer: 1,
        datumTijd: fx.NU,
        organisatie: fx.OIN_GEMEENTE,
        organisatieNaam: "Gemeente Westland",
        gebruiker: "petra",
        actie: "SAMENWERKING_GESTART",
        omschrijving: "Samenwerking gestart",
      },
    ]);
    await open(fx.schermInitiator(), "historie");
    const tabel = await screen.findByTestId("historie");
    expect(tabel).toHaveTextContent("Samenwerking gestart");
    expect(tabel).toHaveTextContent("Gemeente Westland (petra)");
  });

  it("re-reads when its own samenwerking changed, not for another one", async () => {
    await open(fx.schermInitiator());
    await waitFor(() => expect(api.samenwerking).toHaveBeenCalledTimes(1));
    act(() => emit.mirrorGewijzigd({ changes: [{ kind: "samenwerking", ids: ["SAM-99"] }] }));
    act(() => emit.mirrorGewijzigd({ changes: [{ kind: "document", ids: ["doc-elders"] }] }));
    expect(api.samenwerking).toHaveBeenCalledTimes(1);

    api.samenwerking.mockResolvedValue(
      fx.schermInitiator({
        samenwerking: { ...fx.schermInitiator().samenwerking, titel: "Stokdijkkade 2: nieuwe titel" },
      }),
    );
    act(() => emit.mirrorGewijzigd({ changes: [{ kind: "samenwerking", ids: ["SAM-1"] }] }));
    expect(await screen.findByRole("heading", { level: 1, name: "Stokdijkkade 2: nieuwe titel" })).toBeInTheDocument();
    expect(api.samenwerking).toHaveBeenCalledTimes(2);

    act(() => emit.mirrorGewijzigd({ changes: [{ kind: "document", ids: ["doc-1"] }] }));
    await waitFor(() => expect(api.samenwerking).toHaveBeenCalledTimes(3));
  });

  it("tabs work with the arrow keys", async () => {
    const { user } = await open(fx.schermInitiator());
    const tab = screen.getByRole("tab", { name: "Samenvatting" });
    expect(tab).toHaveAttribute("aria-selected", "true");
    tab.focus();
    await user.keyboard("{ArrowRight}");
    expect(screen.getByRole("tab", { name: /Deelnemers/ })).toHaveFocus();
    expect(screen.getByRole("tab", { name: /Deelnemers/ })).toHaveAttribute("aria-selected", "true");
    expect(screen.getByRole("tabpanel", { name: /Deelnemers/ })).toBeInTheDocument();
  });
});
