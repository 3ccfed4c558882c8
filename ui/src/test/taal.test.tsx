import { screen, waitFor } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { api, resetIpc } from "./fakeIpc";
import { renderApp } from "./render";

vi.mock("../ipc", () => import("./fakeIpc").then((m) => m.ipcModule));

beforeEach(() => resetIpc());

describe("Taal", () => {
  it("switches to English in Settings and stores the choice", async () => {
    const { user } = await renderApp();
    await user.click(screen.getByRole("link", { name: "Instellingen" }));
    expect(await screen.findByRole("heading", { level: 1, name: "Instellingen" })).toBeInTheDocument();
    expect(screen.getByTestId("app-versie")).toHaveTextContent("0.1.0");

    await user.click(screen.getByRole("radio", { name: "English" }));
    expect(api.instellingenOpslaan).toHaveBeenCalledWith({ taal: "en" });
    expect(await screen.findByRole("heading", { level: 1, name: "Settings" })).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Overview" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Sign out" })).toBeInTheDocument();
    expect(document.documentElement.lang).toBe("en");

    await user.click(screen.getByRole("link", { name: "Overview" }));
    expect(await screen.findByRole("heading", { level: 1, name: "My collaborations" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Start a collaboration" })).toBeInTheDocument();
  });

  it("starts in the stored language", async () => {
    api.instellingen.mockResolvedValue({ taal: "en" });
    await renderApp({ aangemeld: false });
    expect(await screen.findByRole("button", { name: "Sign in" })).toBeInTheDocument();
    expect(screen.getByLabelText("Password")).toBeInTheDocument();
  });

  it("can switch language on the sign-in screen", async () => {
    const { user } = await renderApp({ aangemeld: false });
    await user.click(await screen.findByTestId("taal-wissel"));
    expect(await screen.findByRole("button", { name: "Sign in" })).toBeInTheDocument();
    await waitFor(() => expect(api.instellingenOpslaan).toHaveBeenCalledWith({ taal: "en" }));
  });

  it("opens the log folder", async () => {
    const { user } = await renderApp({ hash: "#/instellingen" });
    await user.click(await screen.findByRole("button", { name: "Logmap openen" }));
    expect(api.logmapOpenen).toHaveBeenCalledTimes(1);
  });
});
