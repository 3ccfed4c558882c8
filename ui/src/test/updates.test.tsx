import { screen, waitFor } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { IpcError } from "../ipc/errors";
import { api, resetIpc } from "./fakeIpc";
import { renderApp } from "./render";

vi.mock("../ipc", () => import("./fakeIpc").then((m) => m.ipcModule));

beforeEach(() => resetIpc());

describe("Updates in Instellingen", () => {
  it("says why updates are off", async () => {
    api.updateZoeken.mockResolvedValue({ soort: "uit", reden: "Updates zijn uitgeschakeld door uw organisatie." });
    const { user } = await renderApp({ hash: "#/instellingen" });
    await user.click(await screen.findByRole("button", { name: "Zoeken naar updates" }));
    expect(await screen.findByText("Updates zijn uitgeschakeld door uw organisatie.")).toBeInTheDocument();
    expect(screen.queryByTestId("update-installeren")).not.toBeInTheDocument();
  });

  it("offers a newer version and installs it", async () => {
    api.updateZoeken.mockResolvedValue({ soort: "beschikbaar", versie: "0.1.1", huidig: "0.1.0", notities: null });
    const { user } = await renderApp({ hash: "#/instellingen" });
    await user.click(await screen.findByRole("button", { name: "Zoeken naar updates" }));
    expect(await screen.findByText("Versie 0.1.1 is beschikbaar. U hebt nu versie 0.1.0.")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Versie 0.1.1 installeren" }));
    expect(api.updateInstalleren).toHaveBeenCalledTimes(1);
    expect(
      await screen.findByText("Versie 0.1.1 is geïnstalleerd. Start Samenwerkruimte opnieuw om hem te gebruiken."),
    ).toBeInTheDocument();
  });

  it("shows a refused update as an error and keeps offering nothing else", async () => {
    api.updateZoeken.mockResolvedValue({ soort: "beschikbaar", versie: "0.1.1", huidig: "0.1.0", notities: null });
    api.updateInstalleren.mockRejectedValue(
      new IpcError("Validation", "De update is geweigerd: de handtekening klopt niet."),
    );
    const { user } = await renderApp({ hash: "#/instellingen" });
    await user.click(await screen.findByRole("button", { name: "Zoeken naar updates" }));
    await user.click(await screen.findByRole("button", { name: "Versie 0.1.1 installeren" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("de handtekening klopt niet");
    expect(screen.queryByText(/is geïnstalleerd/)).not.toBeInTheDocument();
  });
});

describe("Update announced at start", () => {
  it("shows a banner when a newer signed version is offered, leading to Instellingen", async () => {
    api.updateZoeken.mockResolvedValue({ soort: "beschikbaar", versie: "0.1.1", huidig: "0.1.0", notities: null });
    const { user } = await renderApp();
    const banner = await screen.findByTestId("update-banner");
    expect(banner).toHaveTextContent("Versie 0.1.1 van Samenwerkruimte is beschikbaar.");
    expect(api.updateZoeken).toHaveBeenCalledTimes(1);
    expect(screen.getByRole("link", { name: "Bekijken in Instellingen" })).toHaveAttribute("href", "#/instellingen");
    await user.click(screen.getByRole("button", { name: "Later" }));
    expect(screen.queryByTestId("update-banner")).not.toBeInTheDocument();
  });

  it("shows nothing when updates are off or the update server is unreachable", async () => {
    api.updateZoeken.mockRejectedValueOnce(new IpcError("Offline", "De updateserver is niet bereikbaar."));
    await renderApp();
    await waitFor(() => expect(api.updateZoeken).toHaveBeenCalled());
    await new Promise((r) => setTimeout(r, 0));
    expect(screen.queryByTestId("update-banner")).not.toBeInTheDocument();
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
  });
});
