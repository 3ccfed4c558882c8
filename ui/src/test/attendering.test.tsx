import userEvent from "@testing-library/user-event";
import { act, screen, waitFor, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { OsNotificatie } from "../ipc";
import { api, emit, fout, resetIpc } from "./fakeIpc";
import * as fx from "./fixtures";
import { renderApp } from "./render";

vi.mock("../ipc", () => import("./fakeIpc").then((m) => m.ipcModule));

beforeEach(() => resetIpc());

const melding: OsNotificatie = {
  sleutel: "nieuw-actieverzoek:av-1:OPEN",
  titel: "Nieuw actieverzoek van Gemeente Oefenstad",
  tekst: "'Advies brandveiligheid' in samenwerking 'Loods Dorpsstraat 1'.",
  urgentie: "hoog",
  doel: { samenwerkingId: "SAM-1", actieverzoekId: "av-1" },
};

describe("Instellingen › Meldingen en achtergrond", () => {
  it("shows the switches and stores each change", async () => {
    const { user } = await renderApp({ hash: "#/instellingen" });
    expect(await screen.findByRole("heading", { name: "Meldingen en achtergrond" })).toBeInTheDocument();
    const antwoord = await screen.findByRole("checkbox", { name: /Een antwoord op een actieverzoek/ });
    expect(antwoord).toBeChecked();
    await user.click(antwoord);
    expect(api.attenderingKeuzesOpslaan).toHaveBeenLastCalledWith({
      ...fx.attenderingKeuzes(),
      soorten: { ...fx.attenderingKeuzes().soorten, antwoord: false },
    });
    expect(antwoord).not.toBeChecked();

    const achtergrond = screen.getByRole("checkbox", { name: "Op de achtergrond doorwerken" });
    const opstarten = screen.getByRole("checkbox", { name: "Starten bij aanmelden" });
    expect(achtergrond).toBeChecked();
    expect(opstarten).not.toBeChecked();
    await user.click(opstarten);
    expect(api.attenderingKeuzesOpslaan).toHaveBeenLastCalledWith({
      soorten: { ...fx.attenderingKeuzes().soorten, antwoord: false },
      achtergrond: { achtergrond: true, opstarten: true },
    });
    expect(await screen.findByText("De instelling is opgeslagen.")).toBeInTheDocument();
    expect(screen.queryByTestId("geen-meldingendienst")).not.toBeInTheDocument();
  });

  it("puts a switch back when it could not be stored", async () => {
    api.attenderingKeuzesOpslaan.mockRejectedValue(
      fout("Internal", "Starten bij aanmelden kon niet worden ingesteld"),
    );
    const { user } = await renderApp({ hash: "#/instellingen" });
    const opstarten = await screen.findByRole("checkbox", { name: "Starten bij aanmelden" });
    await user.click(opstarten);
    expect(await screen.findByText(/kon niet worden ingesteld/)).toBeInTheDocument();
    expect(opstarten).not.toBeChecked();
  });

  it("says once that the desktop has no notification service, also when it is found out later", async () => {
    await renderApp({ hash: "#/instellingen" });
    await screen.findByRole("heading", { name: "Meldingen en achtergrond" });
    expect(screen.queryByTestId("geen-meldingendienst")).not.toBeInTheDocument();
    act(() => emit.attenderingGewijzigd({ beschikbaar: false, wachtend: 0 }));
    expect(await screen.findAllByTestId("geen-meldingendienst")).toHaveLength(1);
    expect(screen.getByTestId("geen-meldingendienst")).toHaveTextContent("geen systeemmeldingen");
  });
});

describe("in-app messages and Openen", () => {
  it("shows the notifications the desktop could not show, and Openen goes to the actieverzoek", async () => {
    api.attenderingStatus.mockResolvedValue({ beschikbaar: false, wachtend: 1 });
    api.attenderingBerichten.mockResolvedValueOnce([melding]).mockResolvedValue([]);
    const { user } = await renderApp();
    const bericht = await screen.findByTestId("app-melding");
    expect(bericht).toHaveTextContent("Nieuw actieverzoek van Gemeente Oefenstad");
    expect(bericht).toHaveTextContent("'Advies brandveiligheid' in samenwerking 'Loods Dorpsstraat 1'.");
    await user.click(within(bericht).getByRole("button", { name: "Openen" }));
    await waitFor(() => expect(window.location.hash).toBe("#/samenwerking/SAM-1/actieverzoeken"));
    expect(screen.queryByTestId("app-melding")).not.toBeInTheDocument();
  });

  it("takes new messages when the shell says some wait", async () => {
    await renderApp();
    expect(screen.queryByTestId("app-melding")).not.toBeInTheDocument();
    api.attenderingBerichten.mockResolvedValueOnce([melding]);
    act(() => emit.attenderingGewijzigd({ beschikbaar: false, wachtend: 1 }));
    expect(await screen.findByTestId("app-melding")).toHaveTextContent("Nieuw actieverzoek");
    await userEvent.setup().click(screen.getByRole("button", { name: "Melding sluiten" }));
    expect(screen.queryByTestId("app-melding")).not.toBeInTheDocument();
  });

  it("follows Openen from a notification or the tray, also for a window built again", async () => {
    api.teOpenen.mockResolvedValueOnce({ samenwerkingId: "SAM-2", actieverzoekId: "av-9" });
    await renderApp();
    await waitFor(() => expect(window.location.hash).toBe("#/samenwerking/SAM-2/actieverzoeken"));

    api.teOpenen.mockResolvedValueOnce({ samenwerkingId: "SAM-3", actieverzoekId: null });
    act(() => emit.openenGevraagd());
    await waitFor(() => expect(window.location.hash).toBe("#/samenwerking/SAM-3/samenvatting"));
  });
});
