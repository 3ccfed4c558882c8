import { act, screen, waitFor, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { api, emit, resetIpc } from "./fakeIpc";
import * as fx from "./fixtures";
import { renderApp } from "./render";

vi.mock("../ipc", () => import("./fakeIpc").then((m) => m.ipcModule));

beforeEach(() => resetIpc());

const GEVRAAGD = fx.overviewItem({
  samenwerkingId: "SAM-2",
  titel: "Dorpsstraat 5, Monster: kappen boom",
  verzoeknummer: null,
  mijnRol: "KETENPARTNER",
  partners: ["Gemeente Westland"],
  openInkomend: 2,
  openUitgaand: 0,
  ongelezenNotificaties: 3,
});
const GEWOON = fx.overviewItem();

describe("Overzicht", () => {
  it("shows my samenwerkingen, with what is asked of me first", async () => {
    api.overzicht.mockResolvedValue({ items: [GEVRAAGD, GEWOON], total: 2 });
    await renderApp();

    const gevraagd = await screen.findByTestId("gevraagd");
    expect(within(gevraagd).getByRole("heading", { name: "Wat wordt van u gevraagd" })).toBeInTheDocument();
    const rij = within(gevraagd).getByTestId("samenwerking-SAM-2");
    expect(within(rij).getByRole("link", { name: "Dorpsstraat 5, Monster: kappen boom" })).toHaveAttribute(
      "href",
      "#/samenwerking/SAM-2/samenvatting",
    );
    expect(rij).toHaveTextContent("Actie nodig");
    expect(rij).toHaveTextContent("2 actieverzoeken aan u");
    expect(rij).toHaveTextContent("3 ongelezen meldingen");
    expect(rij).toHaveTextContent("Zonder verzoeknummer");
    expect(rij).toHaveTextContent("Ketenpartner");

    const overige = screen.getByTestId("overige");
    const andere = within(overige).getByTestId("samenwerking-SAM-1");
    expect(andere).toHaveTextContent("2026060200019");
    expect(andere).toHaveTextContent("Veiligheidsregio Haaglanden");
    expect(andere).toHaveTextContent("Initiatiefnemer");
    expect(andere).toHaveTextContent("1 open actieverzoek van u");
    expect(andere).not.toHaveTextContent("Actie nodig");
    expect(api.overzicht).toHaveBeenCalledWith({ status: "alle", zoek: null, limit: 20, offset: 0 });
  });

  it("filters on Open and Gesloten", async () => {
    const { user } = await renderApp();
    await user.click(screen.getByRole("radio", { name: "Open" }));
    await waitFor(() =>
      expect(api.overzicht).toHaveBeenLastCalledWith({ status: "open", zoek: null, limit: 20, offset: 0 }),
    );
    await user.click(screen.getByRole("radio", { name: "Gesloten" }));
    await waitFor(() =>
      expect(api.overzicht).toHaveBeenLastCalledWith({ status: "gesloten", zoek: null, limit: 20, offset: 0 }),
    );
  });

  it("searches on titel, verzoeknummer or partner", async () => {
    const { user } = await renderApp();
    await user.type(screen.getByRole("searchbox", { name: "Zoeken" }), "haaglanden");
    await waitFor(() =>
      expect(api.overzicht).toHaveBeenLastCalledWith({ status: "alle", zoek: "haaglanden", limit: 20, offset: 0 }),
    );
    // debounced: not one call per letter
    expect(api.overzicht.mock.calls.length).toBeLessThan(5);
  });

  it("explains what to do when there is nothing yet", async () => {
    await renderApp();
    const leeg = await screen.findByTestId("leeg");
    expect(within(leeg).getByRole("heading", { name: "Nog geen samenwerkingen" })).toBeInTheDocument();
    expect(leeg).toHaveTextContent("Samenwerking starten");
    expect(leeg).toHaveTextContent("wacht tot een andere organisatie u uitnodigt");
    expect(screen.getByRole("button", { name: "Samenwerking starten" })).toBeEnabled();
  });

  it("says so when a search finds nothing", async () => {
    const { user } = await renderApp();
    await user.type(screen.getByRole("searchbox", { name: "Zoeken" }), "xyz");
    await waitFor(() => expect(api.overzicht).toHaveBeenLastCalledWith(expect.objectContaining({ zoek: "xyz" })));
    expect(await screen.findByText("Geen samenwerkingen gevonden. Pas de zoekterm of het filter aan.")).toBeInTheDocument();
  });

  it("loads more when there are more than fit on one page", async () => {
    api.overzicht.mockResolvedValue({ items: [GEWOON], total: 30 });
    const { user } = await renderApp();
    expect(await screen.findByText("1 van 30 samenwerkingen")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Meer laden" }));
    await waitFor(() =>
      expect(api.overzicht).toHaveBeenLastCalledWith({ status: "alle", zoek: null, limit: 40, offset: 0 }),
    );
  });

  it("re-reads the list when the mirror changed", async () => {
    api.overzicht.mockResolvedValueOnce({ items: [GEWOON], total: 1 });
    await renderApp();
    await screen.findByTestId("samenwerking-SAM-1");
    api.overzicht.mockResolvedValue({ items: [GEVRAAGD, GEWOON], total: 2 });
    // a change that cannot alter an overview line: no re-read
    act(() => emit.mirrorGewijzigd({ changes: [{ kind: "document", ids: ["doc-9"] }] }));
    expect(api.overzicht).toHaveBeenCalledTimes(1);
    act(() => emit.mirrorGewijzigd({ changes: [{ kind: "samenwerking", ids: ["SAM-2"] }] }));
    expect(await screen.findByTestId("samenwerking-SAM-2")).toBeInTheDocument();
  });

  it("shows the sync state in the header", async () => {
    await renderApp();
    const sync = screen.getByTestId("sync-status");
    await waitFor(() => expect(sync).toHaveTextContent(/Bijgewerkt (om|op)/));
    expect(within(sync).getByTestId("live-indicator")).toHaveTextContent("Live");
    act(() => emit.syncStatus(fx.syncStatus({ verbinding: "syncing", live: false })));
    expect(sync).toHaveTextContent("Bezig met bijwerken…");
  });

  it("counts unread notifications in the navigation", async () => {
    api.notificaties.mockResolvedValue({ items: [fx.notificatie()], total: 4 });
    await renderApp();
    const link = screen.getByRole("link", { name: /Meldingen/ });
    await waitFor(() => expect(link).toHaveAccessibleName("Meldingen (4 ongelezen meldingen)"));
  });
});
