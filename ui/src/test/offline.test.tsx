import { act, screen, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { api, emit, resetIpc } from "./fakeIpc";
import * as fx from "./fixtures";
import { renderApp } from "./render";

vi.mock("../ipc", () => import("./fakeIpc").then((m) => m.ipcModule));

beforeEach(() => resetIpc());

const OFFLINE = fx.syncStatus({ verbinding: "offline", live: false, lastSyncedAt: "2026-11-28T13:32:00Z" });

describe("Offline", () => {
  it("shows the banner with the last synced state and disables starting", async () => {
    api.syncStatus.mockResolvedValue(OFFLINE);
    await renderApp();
    const banner = await screen.findByTestId("offline-banner");
    expect(banner).toHaveTextContent(/U werkt offline\. U ziet de stand van .*2026.*\. Wijzigen kan weer zodra de verbinding terug is\./);
    expect(screen.getByRole("button", { name: "Samenwerking starten" })).toBeDisabled();
    expect(screen.queryByTestId("live-indicator")).not.toBeInTheDocument();
  });

  it("disables every write button in a samenwerking but keeps reading", async () => {
    api.samenwerking.mockResolvedValue(fx.schermInitiator());
    const { user } = await renderApp({ hash: "#/samenwerking/SAM-1/samenvatting" });
    await screen.findByRole("heading", { level: 1, name: fx.schermInitiator().samenwerking.titel });
    expect(screen.getByRole("button", { name: "Samenwerking sluiten" })).toBeEnabled();

    act(() => emit.syncStatus(OFFLINE));
    expect(await screen.findByTestId("offline-banner")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Samenwerking sluiten" })).toBeDisabled();

    await user.click(screen.getByRole("tab", { name: /Documenten/ }));
    expect(screen.getByRole("button", { name: "Bestand kiezen" })).toBeDisabled();
    const rij = screen.getByTestId("document-doc-1");
    // cached: can still be opened
    expect(within(rij).getByRole("button", { name: "bouwtekening.pdf openen" })).toBeEnabled();
    expect(within(rij).getByRole("button", { name: "bouwtekening.pdf verwijderen" })).toBeDisabled();

    await user.click(screen.getByRole("tab", { name: /Actieverzoeken/ }));
    const av = screen.getByTestId("actieverzoek-av-1");
    expect(within(av).getByRole("button", { name: "Intrekken" })).toBeDisabled();
    expect(screen.getByRole("button", { name: "Actieverzoek versturen" })).toBeDisabled();

    await user.click(screen.getByRole("tab", { name: /Deelnemers/ }));
    expect(screen.getByRole("button", { name: "Uitnodigen" })).toBeDisabled();

    act(() => emit.syncStatus(fx.syncStatus()));
    expect(screen.queryByTestId("offline-banner")).not.toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Uitnodigen" })).toBeEnabled();
  });
});
