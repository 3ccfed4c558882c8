import { screen, waitFor, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { api, resetIpc } from "./fakeIpc";
import * as fx from "./fixtures";
import { renderApp } from "./render";

vi.mock("../ipc", () => import("./fakeIpc").then((m) => m.ipcModule));

beforeEach(() => resetIpc());

const GELEZEN = fx.notificatie({
  notificatieId: "n-oud",
  notificatieTitel: "Document toegevoegd",
  notificatieType: "DOCUMENT_TOEGEVOEGD",
  gelezen: true,
});
const NIEUW = fx.notificatie({ notificatieId: "n-nieuw", samenwerkingId: "SAM-7" });

describe("Meldingen", () => {
  it("lists unread first, marks read, deletes and filters", async () => {
    api.notificaties.mockResolvedValue({ items: [GELEZEN, NIEUW], total: 2 });
    const { user } = await renderApp({ hash: "#/meldingen" });
    await screen.findByRole("heading", { level: 1, name: "Meldingen" });
    const lijst = await screen.findByTestId("notificaties");
    const [eerste] = within(lijst).getAllByRole("listitem");
    if (!eerste) throw new Error("geen meldingen");
    expect(eerste).toHaveAttribute("data-testid", "notificatie-n-nieuw");
    expect(eerste).toHaveTextContent("Ongelezen");

    await user.click(within(eerste).getByRole("button", { name: "Actieverzoek gereed gemeld: markeren als gelezen" }));
    expect(api.notificatiesGelezen).toHaveBeenCalledWith(["n-nieuw"]);

    await user.click(
      within(screen.getByTestId("notificatie-n-oud")).getByRole("button", {
        name: "Document toegevoegd: melding verwijderen",
      }),
    );
    expect(api.notificatieVerwijderen).toHaveBeenCalledWith("n-oud");

    await user.click(screen.getByRole("checkbox", { name: "Alleen ongelezen meldingen tonen" }));
    await waitFor(() =>
      expect(api.notificaties).toHaveBeenCalledWith({ samenwerkingId: null, alleenOngelezen: true, limit: 50, offset: 0 }),
    );
  });

  it("opens the samenwerking of a notification", async () => {
    api.notificaties.mockResolvedValue({ items: [NIEUW], total: 1 });
    api.samenwerking.mockResolvedValue(fx.schermInitiator());
    const { user } = await renderApp({ hash: "#/meldingen" });
    const regel = await screen.findByTestId("notificatie-n-nieuw");
    await user.click(within(regel).getByRole("button", { name: "Samenwerking openen" }));
    await waitFor(() => expect(api.samenwerking).toHaveBeenCalledWith("SAM-7"));
    expect(window.location.hash).toBe("#/samenwerking/SAM-7/meldingen");
  });

  it("says when there is nothing", async () => {
    await renderApp({ hash: "#/meldingen" });
    expect(await screen.findByTestId("meldingen-leeg")).toHaveTextContent("Er zijn geen meldingen.");
  });
});
