// Where am I, and where did the focus go: the window title per screen and tab, the current
// item of the main navigation, the focus around the actieverzoek status dialog, the practice
// sign-in leading into view, the user's own name in the header and dates that say which day.
import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { api, emit, resetIpc } from "./fakeIpc";
import * as fx from "./fixtures";
import { renderApp } from "./render";

vi.mock("../ipc", () => import("./fakeIpc").then((m) => m.ipcModule));

beforeEach(() => resetIpc());

async function titel(verwacht: string) {
  await waitFor(() => expect(document.title).toBe(verwacht));
  await waitFor(() => expect(api.venstertitel).toHaveBeenLastCalledWith(verwacht));
}

describe("the window title says where the user is", () => {
  it("per screen", async () => {
    const { user } = await renderApp();
    await titel("Mijn samenwerkingen — Samenwerkruimte");
    await user.click(screen.getByTestId("nav-meldingen"));
    await titel("Meldingen — Samenwerkruimte");
    await user.click(screen.getByTestId("nav-instellingen"));
    await titel("Instellingen — Samenwerkruimte");
    await user.click(screen.getByTestId("nav-overzicht"));
    await user.click(await screen.findByRole("button", { name: "Samenwerking starten" }));
    await titel("Samenwerking starten — Samenwerkruimte");
  });

  it("per tab of a samenwerking, with the samenwerking's title", async () => {
    api.samenwerking.mockResolvedValue(fx.schermInitiator());
    const { user } = await renderApp({ hash: "#/samenwerking/SAM-1/samenvatting" });
    const naam = fx.schermInitiator().samenwerking.titel;
    await screen.findByRole("heading", { level: 1, name: naam });
    await titel(`Samenvatting — ${naam} — Samenwerkruimte`);
    await user.click(screen.getByRole("tab", { name: /Documenten/ }));
    await titel(`Documenten — ${naam} — Samenwerkruimte`);
    await user.click(screen.getByRole("tab", { name: /Actieverzoeken/ }));
    await titel(`Actieverzoeken — ${naam} — Samenwerkruimte`);
    await user.click(screen.getByRole("tab", { name: /Historie/ }));
    await titel(`Historie — ${naam} — Samenwerkruimte`);
  });

  it("on the sign-in screen", async () => {
    await renderApp({ aangemeld: false });
    await screen.findByRole("heading", { level: 1 });
    await titel("Aanmelden — Samenwerkruimte");
  });
});

describe("the main navigation marks only the page it leads to as current", () => {
  function huidige() {
    const nav = screen.getByRole("navigation", { name: "Hoofdnavigatie" });
    return within(nav)
      .getAllByRole("link")
      .filter((a) => a.getAttribute("aria-current") === "page")
      .map((a) => a.dataset.testid);
  }

  it("Overzicht on the overview, nothing inside a samenwerking or on Samenwerking starten", async () => {
    api.samenwerking.mockResolvedValue(fx.schermInitiator());
    const { user } = await renderApp();
    await screen.findByRole("heading", { level: 1, name: "Mijn samenwerkingen" });
    expect(huidige()).toEqual(["nav-overzicht"]);

    act(() => {
      window.location.hash = "#/samenwerking/SAM-1/documenten";
    });
    await screen.findByRole("heading", { level: 1, name: fx.schermInitiator().samenwerking.titel });
    expect(huidige()).toEqual([]);

    await user.click(screen.getByTestId("nav-overzicht"));
    await user.click(await screen.findByRole("button", { name: "Samenwerking starten" }));
    await screen.findByRole("heading", { level: 1, name: "Samenwerking starten" });
    expect(huidige()).toEqual([]);

    await user.click(screen.getByTestId("nav-instellingen"));
    expect(huidige()).toEqual(["nav-instellingen"]);
  });
});

describe("the actieverzoek status dialog gives the focus back", () => {
  async function metDialoog() {
    api.samenwerking.mockResolvedValue(fx.schermInitiator({ actieverzoeken: [fx.actieverzoek()] }));
    const r = await renderApp({ hash: "#/samenwerking/SAM-1/actieverzoeken" });
    const av = await screen.findByTestId("actieverzoek-av-1");
    const knop = within(av).getByRole("button", { name: "Intrekken" });
    return { ...r, av, knop };
  }

  it("on Escape: closed with close(), focus on the button that opened it; the dialog is no tab stop", async () => {
    const { user, knop } = await metDialoog();
    await user.click(knop);
    const dialoog = screen.getByRole("dialog", { name: "Actieverzoek intrekken" });
    expect(dialoog).toHaveAttribute("open");
    expect(dialoog).toHaveAttribute("tabindex", "-1");
    const close = vi.spyOn(dialoog as HTMLDialogElement, "close");

    // what the webview does on Escape: a cancelable "cancel" event on the dialog
    fireEvent(dialoog, new Event("cancel", { cancelable: true }));
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    expect(close).toHaveBeenCalled();
    expect(knop).toHaveFocus();
    expect(api.actieverzoekStatus).not.toHaveBeenCalled();
  });

  it("on Annuleren", async () => {
    const { user, knop } = await metDialoog();
    await user.click(knop);
    const dialoog = screen.getByRole("dialog", { name: "Actieverzoek intrekken" });
    await user.click(within(dialoog).getByRole("button", { name: "Annuleren" }));
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    expect(knop).toHaveFocus();
  });

  it("after confirming: on the button, and on the card's title once the new status took the button away", async () => {
    const { user, av, knop } = await metDialoog();
    await user.click(knop);
    const dialoog = screen.getByRole("dialog", { name: "Actieverzoek intrekken" });
    await user.type(within(dialoog).getByRole("textbox", { name: /Melding/ }), "Verkeerde vraag.");
    await user.click(within(dialoog).getByRole("button", { name: "Intrekken" }));
    expect(api.actieverzoekStatus).toHaveBeenCalledWith("av-1", "INGETROKKEN", "Verkeerde vraag.");
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    expect(knop).toHaveFocus();

    // the mirror gets the new status: a withdrawn request has no buttons left
    api.samenwerking.mockResolvedValue(
      fx.schermInitiator({
        actieverzoeken: [fx.actieverzoek({ status: "INGETROKKEN" }, { statussen: [], berichtPlaatsen: false })],
      }),
    );
    act(() => emit.mirrorGewijzigd({ changes: [{ kind: "actieverzoek", ids: ["av-1"] }] }));
    await waitFor(() => expect(within(av).queryByRole("button", { name: "Intrekken" })).not.toBeInTheDocument());
    expect(within(av).getByRole("heading", { name: "Advies brandveiligheid" })).toHaveFocus();
    expect(document.activeElement).not.toBe(document.body);
  });
});

describe("sign-in with the practice environment", () => {
  it("moves the focus to the practice sign-in buttons, and the header shows the account's name", async () => {
    api.appInfo.mockResolvedValue(fx.appInfo({ oefenomgevingBeschikbaar: true }));
    const { user } = await renderApp({ aangemeld: false });
    const blok = await screen.findByTestId("oefenomgeving");
    await user.click(within(blok).getByRole("button", { name: "Oefenomgeving starten" }));
    const eerste = await within(blok).findByRole("button", {
      name: "Aanmelden als Vera Vergunningverlener (Gemeente Oefenburg)",
    });
    await waitFor(() => expect(eerste).toHaveFocus());

    await user.click(eerste);
    await screen.findByRole("heading", { name: "Mijn samenwerkingen" });
    expect(screen.getByTestId("gebruikersnaam")).toHaveTextContent("Vera Vergunningverlener");
  });

  it("a restored session shows the account's name, not the sign-in name", async () => {
    await renderApp({ sessie: fx.sessie({ account: { ...fx.sessie().account, naam: "Petra de Vries" } }) });
    await screen.findByRole("heading", { name: "Mijn samenwerkingen" });
    expect(screen.getByTestId("gebruikersnaam")).toHaveTextContent("Petra de Vries");
    expect(screen.getByTestId("gebruikersnaam")).not.toHaveTextContent("petra");
  });

  it("without a name from the service the header shows the sign-in name", async () => {
    await renderApp();
    await screen.findByRole("heading", { name: "Mijn samenwerkingen" });
    expect(screen.getByTestId("gebruikersnaam")).toHaveTextContent("petra");
  });
});

describe("Laatste activiteit says which day", () => {
  afterEach(() => vi.useRealTimers());

  it("today, yesterday, or the date", async () => {
    vi.useFakeTimers({ now: new Date(2026, 11, 3, 18, 30), toFake: ["Date"] });
    const om = (dag: number, uur: number) => new Date(2026, 11, dag, uur, 5).toISOString();
    api.overzicht.mockResolvedValue({
      items: [
        fx.overviewItem({ samenwerkingId: "A", titel: "Vandaag", laatsteActiviteit: om(3, 9) }),
        fx.overviewItem({ samenwerkingId: "B", titel: "Gisteren", laatsteActiviteit: om(2, 17) }),
        fx.overviewItem({ samenwerkingId: "C", titel: "Eerder", laatsteActiviteit: new Date(2026, 10, 28, 17, 5).toISOString() }),
      ],
      total: 3,
    });
    await renderApp();
    const tijd = async (id: string) => (await screen.findByTestId(`samenwerking-${id}`)).querySelector("time")?.textContent;
    expect(await tijd("A")).toBe("vandaag 09:05");
    expect(await tijd("B")).toBe("gisteren 17:05");
    expect(await tijd("C")).toMatch(/^28 nov\.? 2026/);
  });
});
