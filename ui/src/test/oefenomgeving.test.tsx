// The practice environment in the UI (issue 14): the colour band and one-click role switch,
// the demo verzoeken picker, and the panel "Oefeningen" (steps as the shell derives them,
// the switch to a step's role, reflection notes, export, start over).
import { screen, waitFor, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { nl } from "../i18n/nl";
import { oefeningenMarkdown } from "../screens/oefeningen/export";
import { api, fout, resetIpc } from "./fakeIpc";
import * as fx from "./fixtures";
import { renderApp } from "./render";

vi.mock("../ipc", () => import("./fakeIpc").then((m) => m.ipcModule));

beforeEach(() => resetIpc());

describe("the practice colour band", () => {
  it("is not there for a real sign-in", async () => {
    await renderApp();
    await screen.findByRole("heading", { name: "Mijn samenwerkingen" });
    expect(screen.queryByTestId("oefenband")).not.toBeInTheDocument();
    expect(screen.queryByTestId("nav-oefeningen")).not.toBeInTheDocument();
  });

  it("names the organisation acted as and switches role in one click", async () => {
    const { user } = await renderApp({ sessie: fx.oefenSessie() });
    const band = await screen.findByTestId("oefenband");
    expect(band).toHaveTextContent("Oefenomgeving");
    expect(within(band).getByTestId("oefenband-organisatie")).toHaveTextContent("Gemeente Oefenburg");
    expect(await within(band).findByRole("button", { name: "Gemeente Oefenburg" })).toHaveAttribute(
      "aria-pressed",
      "true",
    );
    // the practice organisations belong to the service: a switch must not empty the band while
    // they would be read again (a read that never answers here)
    api.oefenrollen.mockReturnValue(new Promise(() => undefined));
    await user.click(within(band).getByRole("button", { name: "Veiligheidsregio Oefenkust" }));
    expect(api.oefenrolKiezen).toHaveBeenCalledWith("veiligheidsregio");
    await waitFor(() =>
      expect(screen.getByTestId("oefenband-organisatie")).toHaveTextContent("Veiligheidsregio Oefenkust"),
    );
    expect(screen.getByTestId("organisatie-naam")).toHaveTextContent("Veiligheidsregio Oefenkust");
    // the current role again: nothing to switch
    await user.click(within(screen.getByTestId("oefenband")).getByRole("button", { name: "Veiligheidsregio Oefenkust" }));
    expect(api.oefenrolKiezen).toHaveBeenCalledTimes(1);
  });

  it("shows why a switch failed and stays as it was", async () => {
    api.oefenrolKiezen.mockRejectedValue(fout("Validation", "deze service is geen oefenomgeving."));
    const { user } = await renderApp({ sessie: fx.oefenSessie() });
    const band = await screen.findByTestId("oefenband");
    await user.click(await within(band).findByRole("button", { name: "Veiligheidsregio Oefenkust" }));
    expect(await within(band).findByRole("alert")).toHaveTextContent("geen oefenomgeving");
    expect(screen.getByTestId("oefenband-organisatie")).toHaveTextContent("Gemeente Oefenburg");
  });
});

describe("starting from a demo verzoek", () => {
  it("offers the demo verzoeken in practice and fills in number and name; typing still works", async () => {
    const { user } = await renderApp({ sessie: fx.oefenSessie(), hash: "#/starten" });
    const kies = await screen.findByLabelText("Demoverzoek uit het (gesimuleerde) Omgevingsloket");
    await user.selectOptions(kies, "2099010100001");
    expect(screen.getByLabelText(/^Verzoeknummer uit het Omgevingsloket/)).toHaveValue("2099010100001");
    expect(screen.getByLabelText(/^Titel/)).toHaveValue("Dakopbouw met dakterras, Kerkstraat 12");
    await user.click(screen.getByTestId("starten-knop"));
    expect(api.samenwerkingStarten).toHaveBeenCalledWith(
      expect.objectContaining({ verzoeknummer: "2099010100001", titel: "Dakopbouw met dakterras, Kerkstraat 12" }),
    );
  });

  it("does not ask for demo verzoeken outside practice", async () => {
    await renderApp({ hash: "#/starten" });
    await screen.findByTestId("starten-formulier");
    expect(api.oefenVerzoeken).not.toHaveBeenCalled();
    expect(screen.queryByTestId("demo-verzoeken")).not.toBeInTheDocument();
  });
});

describe("the panel Oefeningen", () => {
  it("shows each step as the shell derived it, without a button to tick it", async () => {
    api.oefeningen.mockResolvedValue(
      fx.oefeningenStand({ "1.naam": true, "1.verzoeknummer": true }, { samenwerkingId: "S1", samenwerkingTitel: "Dakopbouw" }),
    );
    await renderApp({ sessie: fx.oefenSessie(), hash: "#/oefeningen" });
    const een = await screen.findByTestId("oefening-1");
    expect(within(een).getByTestId("stap-1.naam")).toHaveAttribute("data-gedaan", "true");
    expect(within(een).getByTestId("stap-1.adviseur")).toHaveAttribute("data-gedaan", "false");
    expect(een).toHaveAttribute("data-klaar", "false");
    expect(within(een).queryByRole("checkbox")).not.toBeInTheDocument();
    expect(within(een).queryByRole("button", { name: /klaar/i })).not.toBeInTheDocument();
    expect(screen.getByTestId("oefeningen-voortgang")).toHaveTextContent("0 van 5 oefeningen klaar");
    expect(screen.getByTestId("oefeningen-samenwerking")).toHaveTextContent("Dakopbouw");
    // no reflection questions before the exercise is done
    expect(screen.queryByTestId("oefening-1-vragen")).not.toBeInTheDocument();
  });

  it("offers to switch to the role of an exercise", async () => {
    const { user } = await renderApp({ sessie: fx.oefenSessie(), hash: "#/oefeningen" });
    const twee = await screen.findByTestId("oefening-2");
    expect(within(twee).getByTestId("oefening-2-rol")).toHaveTextContent("Adviseur: Veiligheidsregio Oefenkust");
    // exercise 1 is the current role's: no switch there
    expect(within(screen.getByTestId("oefening-1")).queryByTestId("oefening-1-wissel")).not.toBeInTheDocument();
    await user.click(within(twee).getByRole("button", { name: "Handel als Veiligheidsregio Oefenkust" }));
    expect(api.oefenrolKiezen).toHaveBeenCalledWith("veiligheidsregio");
    await waitFor(() =>
      expect(screen.getByTestId("oefenband-organisatie")).toHaveTextContent("Veiligheidsregio Oefenkust"),
    );
  });

  it("asks the reflection questions after a finished exercise and keeps the notes", async () => {
    const alles = { "1.naam": true, "1.verzoeknummer": true, "1.adviseur": true, "1.toegang": true, "1.actieverzoek": true };
    api.oefeningen.mockResolvedValue(fx.oefeningenStand(alles));
    const { user } = await renderApp({ sessie: fx.oefenSessie(), hash: "#/oefeningen" });
    const vragen = await screen.findByTestId("oefening-1-vragen");
    expect(vragen).toHaveTextContent("Is het gelukt om een samenwerking te starten en advies te vragen?");
    const veld = within(vragen).getByLabelText("Uw notities bij oefening 1");
    await user.type(veld, "Toegang was lastig");
    await user.tab();
    await waitFor(() => expect(api.oefenNotitieOpslaan).toHaveBeenCalledWith(1, "Toegang was lastig"));
    expect(await screen.findByTestId("notities-1-status")).toHaveTextContent("Notitie bewaard.");
  });

  it("exports the exercises and notes as a document", async () => {
    const { user } = await renderApp({ sessie: fx.oefenSessie(), hash: "#/oefeningen" });
    await user.click(await screen.findByRole("button", { name: "Oefeningen en notities exporteren" }));
    await waitFor(() => expect(api.oefeningenExporteren).toHaveBeenCalledTimes(1));
    const [naam, inhoud] = api.oefeningenExporteren.mock.calls[0] ?? ["", ""];
    expect(naam).toBe("oefeningen-samenwerkruimte.md");
    expect(inhoud).toContain("## Oefening 1: samenwerking starten en advies vragen");
    expect(await screen.findByTestId("oefeningen-status")).toHaveTextContent(
      "Opgeslagen in /tmp/oefeningen-samenwerkruimte.md.",
    );
  });

  it("starts over after a confirmation", async () => {
    const { user } = await renderApp({ sessie: fx.oefenSessie(), hash: "#/oefeningen" });
    await user.click(await screen.findByRole("button", { name: "Opnieuw beginnen" }));
    const dialoog = await screen.findByTestId("oefeningen-opnieuw-dialoog");
    expect(api.oefeningenOpnieuw).not.toHaveBeenCalled();
    await user.click(within(dialoog).getByRole("button", { name: "Opnieuw beginnen" }));
    await waitFor(() => expect(api.oefeningenOpnieuw).toHaveBeenCalledTimes(1));
    expect(await screen.findByTestId("oefeningen-status")).toHaveTextContent("De oefeningen beginnen opnieuw.");
  });
});

describe("the export document", () => {
  it("lists every step with its state, the questions and the notes", () => {
    const stand = fx.oefeningenStand(
      { "1.naam": true, "1.verzoeknummer": true, "1.adviseur": true, "1.toegang": true, "1.actieverzoek": true },
      { samenwerkingTitel: "Dakopbouw", notities: [{ nummer: 1, tekst: "Ging goed" }] },
    );
    const md = oefeningenMarkdown(stand, nl, "4 dec. 2026 11:00");
    expect(md).toContain("# Oefeningen Samenwerkfunctionaliteit");
    expect(md).toContain("Samenwerking van de oefeningen: Dakopbouw");
    expect(md).toContain("- Vergunningverlener: Gemeente Oefenburg");
    expect(md).toContain("## Oefening 1: samenwerking starten en advies vragen (Klaar)");
    expect(md).toContain("- [x] Geef de samenwerking een naam.");
    expect(md).toContain("- [ ] Voeg eventueel een document toe aan de samenwerking. (optioneel)");
    expect(md).toContain("## Oefening 2: adviesverzoek bekijken en advies geven\n");
    expect(md).toContain("Ging goed");
    expect(md.match(/\(geen notities\)/g)).toHaveLength(4);
  });
});

describe("a trainer's practice service", () => {
  it("signs in as a practice role with the trainer's address and password", async () => {
    api.appInfo.mockResolvedValue(fx.appInfo({ oefenomgevingBeschikbaar: true }));
    const { user } = await renderApp({ aangemeld: false });
    const blok = within(await screen.findByTestId("oefen-trainer"));
    await user.click(blok.getByText("Oefenen bij een trainer"));
    await user.type(blok.getByLabelText("Adres van de dienst (URL)"), "https://oefen.example.nl");
    await user.type(blok.getByLabelText("Gebruikersnaam"), "gemeente");
    await user.type(blok.getByLabelText("Wachtwoord"), "Xk7q-aP3m-w9Rt");
    await user.click(blok.getByRole("button", { name: "Aanmelden bij de oefenservice" }));
    expect(api.oefenserviceAanmelden).toHaveBeenCalledWith("https://oefen.example.nl", "gemeente", "Xk7q-aP3m-w9Rt");
    expect(api.aanmelden).not.toHaveBeenCalled();
    expect(await screen.findByTestId("oefenband")).toHaveTextContent("Gemeente Oefenburg");
  });

  it("says so when the address is not a practice service", async () => {
    api.appInfo.mockResolvedValue(fx.appInfo({ oefenomgevingBeschikbaar: true }));
    api.oefenserviceAanmelden.mockRejectedValue(fout("Validation", "Deze service is geen oefenomgeving."));
    const { user } = await renderApp({ aangemeld: false });
    const blok = within(await screen.findByTestId("oefen-trainer"));
    await user.click(blok.getByText("Oefenen bij een trainer"));
    await user.type(blok.getByLabelText("Adres van de dienst (URL)"), "https://echt.example.nl");
    await user.type(blok.getByLabelText("Gebruikersnaam"), "petra");
    await user.type(blok.getByLabelText("Wachtwoord"), "geheim");
    await user.click(blok.getByRole("button", { name: "Aanmelden bij de oefenservice" }));
    expect(await screen.findByTestId("oefen-trainer-fout")).toHaveTextContent("geen oefenomgeving");
    expect(screen.queryByTestId("oefenband")).not.toBeInTheDocument();
  });
});
