import { screen, waitFor, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { api, fout, resetIpc } from "./fakeIpc";
import * as fx from "./fixtures";
import { renderApp } from "./render";

vi.mock("../ipc", () => import("./fakeIpc").then((m) => m.ipcModule));

beforeEach(() => resetIpc());

async function vulIn(user: Awaited<ReturnType<typeof renderApp>>["user"]) {
  await user.type(screen.getByLabelText("Adres van de dienst (URL)"), "https://swf.example.nl");
  await user.type(screen.getByLabelText("Gebruikersnaam"), "petra");
  await user.type(screen.getByLabelText("Wachtwoord"), "geheim");
}

describe("Aanmelden", () => {
  it("says which fields are missing and does not call the service", async () => {
    const { user } = await renderApp({ aangemeld: false });
    await user.click(await screen.findByRole("button", { name: "Aanmelden" }));
    expect(screen.getByText("Vul het adres van de dienst in.")).toBeInTheDocument();
    expect(screen.getByText("Vul uw gebruikersnaam in.")).toBeInTheDocument();
    expect(screen.getByText("Vul uw wachtwoord in.")).toBeInTheDocument();
    expect(screen.getByLabelText("Adres van de dienst (URL)")).toHaveFocus();
    expect(api.aanmelden).not.toHaveBeenCalled();
  });

  it("signs in, passes 'remember me' and shows the organisation and the keychain warning", async () => {
    api.aanmelden.mockResolvedValue(
      fx.sessie({ waarschuwing: "De sleutelbos is niet beschikbaar; uw aanmelding wordt niet onthouden." }),
    );
    const { user } = await renderApp({ aangemeld: false });
    await screen.findByRole("heading", { level: 1 });
    await vulIn(user);
    await user.click(screen.getByRole("checkbox", { name: "Aanmelding onthouden" }));
    await user.click(screen.getByRole("button", { name: "Aanmelden" }));

    expect(api.aanmelden).toHaveBeenCalledWith("https://swf.example.nl", "petra", "geheim", true);
    expect(await screen.findByRole("heading", { name: "Mijn samenwerkingen" })).toBeInTheDocument();
    expect(screen.getByTestId("organisatie-naam")).toHaveTextContent("Gemeente Westland");
    expect(screen.getByTestId("waarschuwing")).toHaveTextContent("De sleutelbos is niet beschikbaar");
  });

  it("shows the service's message when the password is wrong, and stays on the sign-in screen", async () => {
    api.aanmelden.mockRejectedValue(fout("Unauthorized", "De gebruikersnaam of het wachtwoord klopt niet."));
    const { user } = await renderApp({ aangemeld: false });
    await screen.findByRole("heading", { level: 1 });
    await vulIn(user);
    await user.click(screen.getByRole("button", { name: "Aanmelden" }));

    expect(await screen.findByTestId("aanmelden-fout")).toHaveTextContent(
      "De gebruikersnaam of het wachtwoord klopt niet.",
    );
    expect(api.aanmelden).toHaveBeenCalledWith("https://swf.example.nl", "petra", "geheim", false);
    expect(screen.queryByRole("navigation", { name: "Hoofdnavigatie" })).not.toBeInTheDocument();
  });

  it("explains when the service cannot be reached", async () => {
    api.aanmelden.mockRejectedValue(fout("Offline", "De dienst is niet bereikbaar. Controleer het adres en uw verbinding."));
    const { user } = await renderApp({ aangemeld: false });
    await screen.findByRole("heading", { level: 1 });
    await vulIn(user);
    await user.click(screen.getByRole("button", { name: "Aanmelden" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("De dienst is niet bereikbaar.");
  });

  it("starts the practice environment and acts as a practice organisation with one click", async () => {
    api.appInfo.mockResolvedValue(fx.appInfo({ oefenomgevingBeschikbaar: true }));
    const { user } = await renderApp({ aangemeld: false });
    const blok = await screen.findByTestId("oefenomgeving");
    expect(within(blok).getByRole("heading", { name: "Oefenomgeving" })).toBeInTheDocument();

    await user.click(within(blok).getByRole("button", { name: "Oefenomgeving starten" }));
    expect(api.oefenomgevingStarten).toHaveBeenCalledTimes(1);
    await user.click(
      await within(blok).findByRole("button", {
        name: "Aanmelden als Adriaan Adviseur (Veiligheidsregio Oefenkust)",
      }),
    );

    // a practice role has its own sign-in (the shell checks the service is a practice one)
    expect(api.oefenrolKiezen).toHaveBeenCalledWith("veiligheidsregio");
    expect(api.aanmelden).not.toHaveBeenCalled();
    expect(await screen.findByRole("heading", { name: "Mijn samenwerkingen" })).toBeInTheDocument();
    // the colour band says this is practice and as whom
    const band = screen.getByTestId("oefenband");
    expect(band).toHaveTextContent("Oefenomgeving");
    expect(within(band).getByTestId("oefenband-organisatie")).toHaveTextContent("Veiligheidsregio Oefenkust");
  });

  it("has no practice block when the app has no practice environment", async () => {
    await renderApp({ aangemeld: false });
    await screen.findByRole("heading", { level: 1 });
    await waitFor(() => expect(api.appInfo).toHaveBeenCalled());
    expect(screen.queryByTestId("oefenomgeving")).not.toBeInTheDocument();
  });

  it("restores a remembered session without asking to sign in", async () => {
    await renderApp();
    expect(await screen.findByRole("heading", { name: "Mijn samenwerkingen" })).toBeInTheDocument();
    expect(api.aanmelden).not.toHaveBeenCalled();
  });

  it("goes back to the sign-in screen when the service says Unauthorized", async () => {
    api.overzicht.mockRejectedValue(fout("Unauthorized", "U bent niet aangemeld."));
    await renderApp();
    expect(await screen.findByRole("button", { name: "Aanmelden" })).toBeInTheDocument();
    expect(screen.getByTestId("aanmelden-melding")).toHaveTextContent("U bent afgemeld");
  });

  it("signs out after confirmation", async () => {
    const { user } = await renderApp();
    await user.click(screen.getByTestId("afmelden"));
    const dialoog = await screen.findByRole("dialog", { name: "Wilt u zich afmelden?" });
    await user.click(within(dialoog).getByRole("button", { name: "Afmelden" }));
    expect(api.afmelden).toHaveBeenCalledTimes(1);
    expect(await screen.findByRole("button", { name: "Aanmelden" })).toBeInTheDocument();
  });
});
