import { screen, waitFor, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { api, fout, resetIpc } from "./fakeIpc";
import * as fx from "./fixtures";
import { renderApp } from "./render";

vi.mock("../ipc", () => import("./fakeIpc").then((m) => m.ipcModule));

beforeEach(() => resetIpc());

describe("Samenwerking starten", () => {
  it("opens from the overview", async () => {
    const { user } = await renderApp();
    await user.click(screen.getByRole("button", { name: "Samenwerking starten" }));
    expect(await screen.findByRole("heading", { level: 1, name: "Samenwerking starten" })).toHaveFocus();
  });

  it("requires a titel", async () => {
    const { user } = await renderApp({ hash: "#/starten" });
    await user.click(await screen.findByTestId("starten-knop"));
    expect(screen.getByText("Vul een titel in.")).toBeInTheDocument();
    expect(screen.getByRole("textbox", { name: /Titel/ })).toHaveFocus();
    expect(screen.getByRole("textbox", { name: /Titel/ })).toHaveAccessibleDescription(/Vul een titel in\./);
    expect(api.samenwerkingStarten).not.toHaveBeenCalled();
  });

  it("rejects an OIN that does not have 20 digits", async () => {
    const { user } = await renderApp({ hash: "#/starten" });
    const zoek = await screen.findByRole("searchbox", { name: "Organisatie zoeken (naam of OIN)" });
    await user.type(zoek, "12345");
    await user.click(screen.getByRole("button", { name: "OIN 12345 toevoegen" }));
    expect(screen.getByText("Een OIN bestaat uit precies 20 cijfers. U typte er 5.")).toBeInTheDocument();
    expect(screen.getByText("Nog geen partners gekozen.")).toBeInTheDocument();
  });

  it("starts with partners found by name or typed as OIN, then opens the new samenwerking", async () => {
    api.organisatiesZoeken.mockResolvedValue([
      { oin: fx.OIN_VR, naam: "Veiligheidsregio Haaglanden", soort: "VEILIGHEIDSREGIO" },
    ]);
    const { user } = await renderApp({ hash: "#/starten" });
    await user.type(await screen.findByRole("textbox", { name: /Titel/ }), "Stokdijkkade 2: bouwen woning");
    await user.type(screen.getByRole("textbox", { name: /Verzoeknummer/ }), "2026060200019");

    const zoek = screen.getByRole("searchbox", { name: "Organisatie zoeken (naam of OIN)" });
    await user.type(zoek, "veilig");
    await user.click(await screen.findByRole("button", { name: "Veiligheidsregio Haaglanden toevoegen" }));
    await waitFor(() => expect(api.organisatiesZoeken).toHaveBeenCalledWith("veilig"));

    const partner = screen.getByTestId(`partner-${fx.OIN_VR}`);
    await user.click(
      within(partner).getByRole("radio", { name: "Volledige toegang (ook strikt vertrouwelijke documenten)" }),
    );

    await user.type(zoek, fx.OIN_OD);
    await user.click(screen.getByRole("button", { name: `OIN ${fx.OIN_OD} toevoegen` }));
    expect(screen.getByTestId(`partner-${fx.OIN_OD}`)).toBeInTheDocument();

    await user.click(screen.getByTestId("starten-knop"));
    expect(api.samenwerkingStarten).toHaveBeenCalledWith({
      titel: "Stokdijkkade 2: bouwen woning",
      verzoeknummer: "2026060200019",
      partners: [
        { oin: fx.OIN_VR, privilege: "VOLLEDIGE_TOEGANG" },
        { oin: fx.OIN_OD, privilege: "BEPERKTE_TOEGANG" },
      ],
    });
    await waitFor(() => expect(api.samenwerking).toHaveBeenCalledWith("SAM-NIEUW"));
    expect(window.location.hash).toBe("#/samenwerking/SAM-NIEUW/samenvatting");
  });

  it("removes the search results as soon as a partner is chosen, so nothing below moves later", async () => {
    api.organisatiesZoeken.mockResolvedValue([
      { oin: fx.OIN_VR, naam: "Veiligheidsregio Haaglanden", soort: "VEILIGHEIDSREGIO" },
    ]);
    const { user } = await renderApp({ hash: "#/starten" });
    const zoek = await screen.findByRole("searchbox", { name: "Organisatie zoeken (naam of OIN)" });
    await user.type(zoek, "veilig");
    await user.click(await screen.findByRole("button", { name: "Veiligheidsregio Haaglanden toevoegen" }));
    // synchronously after the click: no list, no "1 organisatie gevonden" waiting for the debounce
    expect(screen.queryByTestId("partner-zoeken-resultaten")).not.toBeInTheDocument();
    expect(screen.queryByText("1 organisatie gevonden")).not.toBeInTheDocument();
    expect(screen.getByTestId(`partner-${fx.OIN_VR}`)).toBeInTheDocument();
  });

  it("sends no verzoeknummer when it is left empty and shows the service's error", async () => {
    api.samenwerkingStarten.mockRejectedValue(fout("Validation", "De titel is te lang (maximaal 200 tekens)."));
    const { user } = await renderApp({ hash: "#/starten" });
    await user.type(await screen.findByRole("textbox", { name: /Titel/ }), "Zonder verzoek");
    await user.click(screen.getByTestId("starten-knop"));
    expect(api.samenwerkingStarten).toHaveBeenCalledWith({ titel: "Zonder verzoek", verzoeknummer: null, partners: [] });
    expect(await screen.findByTestId("starten-fout")).toHaveTextContent("De titel is te lang");
  });
});
