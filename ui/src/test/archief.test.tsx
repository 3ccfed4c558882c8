import { act, screen, waitFor, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { ArchiefRegel, ArchiefStatus } from "../ipc";
import { api, emit, fout, resetIpc } from "./fakeIpc";
import * as fx from "./fixtures";
import { renderApp } from "./render";

vi.mock("../ipc", () => import("./fakeIpc").then((m) => m.ipcModule));

beforeEach(() => resetIpc());

function regel(over: Partial<ArchiefRegel> = {}): ArchiefRegel {
  return {
    id: 1,
    samenwerkingId: "SAM-1",
    titel: "Loods Dorpsstraat 1",
    gemaaktOp: "2026-03-02T10:00:00Z",
    pad: "/home/vera/Archief/SWF_SAM-1_00000001002220647000_20260302T100000Z.zip",
    zip: true,
    grootte: 2048,
    sha256: "ab".repeat(32),
    laatsteWijziging: "2026-03-01T09:00:00Z",
    automatisch: false,
    ...over,
  };
}

function status(over: Partial<ArchiefStatus> = {}): ArchiefStatus {
  return {
    samenwerkingId: "SAM-1",
    laatsteWijziging: "2026-03-01T09:00:00Z",
    laatsteArchief: null,
    actueel: false,
    aanbieden: false,
    verwijderDatumTijd: null,
    ...over,
  };
}

async function open(scherm: ReturnType<typeof fx.schermInitiator>) {
  api.samenwerking.mockResolvedValue(scherm);
  const r = await renderApp({ hash: "#/samenwerking/SAM-1/samenvatting" });
  await screen.findByRole("heading", { level: 1, name: scherm.samenwerking.titel });
  return r;
}

describe("Archiveren", () => {
  it("archives as a zip or a folder with progress, and lists the archive made", async () => {
    let klaar: (r: ArchiefRegel) => void = () => {};
    api.archiveren.mockImplementation(
      () =>
        new Promise((resolve) => {
          klaar = (r) => resolve(r);
        }),
    );
    const { user } = await open(fx.schermInitiator());
    const sectie = await screen.findByTestId("archief-sectie");
    // the status line appears once the mirror has answered: wait for it
    expect(await within(sectie).findByTestId("archief-status")).toHaveTextContent("nog niet gearchiveerd");
    expect(within(sectie).getByText("Nog geen archieven gemaakt.")).toBeInTheDocument();

    await user.click(within(sectie).getByRole("radio", { name: "Een map" }));
    await user.click(within(sectie).getByRole("button", { name: "Archiveren" }));
    expect(api.archiveren).toHaveBeenCalledWith("SAM-1", false, expect.any(String));
    const archiefId = api.archiveren.mock.calls[0]?.[2] ?? "";
    act(() =>
      emit.archiefVoortgang({
        archiefId,
        fase: "controleren",
        bestanden: 3,
        bestandenTotaal: 10,
        bytes: 512,
        bytesTotaal: 1024,
        klaar: false,
      }),
    );
    const balk = await within(sectie).findByTestId("archief-voortgang");
    expect(balk).toHaveTextContent("Archief controleren");
    expect(balk).toHaveTextContent("50");

    const r = regel({ zip: false, pad: "/home/vera/Archief/SWF_SAM-1" });
    api.archieven.mockResolvedValue([r]);
    api.archiefStatus.mockResolvedValue(status({ laatsteArchief: r, actueel: true }));
    await act(async () => klaar(r));
    expect(await within(sectie).findByTestId("archief-gemaakt")).toHaveTextContent(
      "gemaakt en gecontroleerd: /home/vera/Archief/SWF_SAM-1",
    );
    const rij = await within(sectie).findByTestId("archief-regel");
    expect(rij).toHaveTextContent("/home/vera/Archief/SWF_SAM-1 (map)");
    expect(rij).toHaveTextContent("2 kB");
    expect(within(rij).getByTestId("archief-sha256")).toHaveTextContent("ab".repeat(32));
    await waitFor(() =>
      expect(within(sectie).getByTestId("archief-status")).toHaveTextContent("na de laatste wijziging"),
    );
    expect(screen.queryByTestId("archief-voortgang")).not.toBeInTheDocument();
  });

  it("says in Dutch what went wrong, e.g. which documents are missing offline", async () => {
    api.archiveren.mockRejectedValue(
      fout(
        "Offline",
        "Deze documenten staan niet op deze computer en kunnen nu niet worden opgehaald (geen verbinding met de service): tekening.pdf (doc-1).",
      ),
    );
    const { user } = await open(fx.schermInitiator());
    const sectie = await screen.findByTestId("archief-sectie");
    await user.click(within(sectie).getByRole("button", { name: "Archiveren" }));
    expect(api.archiveren).toHaveBeenCalledWith("SAM-1", true, expect.any(String));
    expect(await within(sectie).findByTestId("archief-fout")).toHaveTextContent("tekening.pdf (doc-1)");
  });

  it("offers to archive a closed samenwerking or one whose deletion is announced", async () => {
    api.archiefStatus.mockResolvedValue(status({ aanbieden: true, verwijderDatumTijd: "2026-04-01T00:00:00Z" }));
    await open(fx.schermGesloten());
    const aanbod = await screen.findByTestId("archief-aanbod");
    expect(aanbod).toHaveTextContent("Archiveer haar nu");
    expect(aanbod).toHaveTextContent("verwijdert deze samenwerking op");
  });

  it("the delete dialog needs no extra confirmation after an up-to-date archive", async () => {
    api.archiefStatus.mockResolvedValue(status({ laatsteArchief: regel(), actueel: true }));
    const { user } = await open(fx.schermGesloten());
    await user.click(screen.getByRole("button", { name: "Samenwerking verwijderen" }));
    const dialoog = screen.getByRole("dialog", { name: "Samenwerking verwijderen?" });
    // the status line appears once the mirror has answered: wait for it
    expect(await within(dialoog).findByTestId("archief-status")).toHaveTextContent("na de laatste wijziging");
    expect(within(dialoog).queryByRole("checkbox")).not.toBeInTheDocument();
    await user.click(within(dialoog).getByRole("button", { name: "Definitief verwijderen" }));
    expect(api.samenwerkingVerwijderen).toHaveBeenCalledWith("SAM-1");
  });

  it("the delete dialog offers 'Nu archiveren'; once archived the checkbox is no longer needed", async () => {
    api.archiefStatus.mockResolvedValue(status({ laatsteArchief: regel(), actueel: false }));
    const { user } = await open(fx.schermGesloten());
    await user.click(screen.getByRole("button", { name: "Samenwerking verwijderen" }));
    const dialoog = screen.getByRole("dialog", { name: "Samenwerking verwijderen?" });
    // the status line appears once the mirror has answered: wait for it
    expect(await within(dialoog).findByTestId("archief-status")).toHaveTextContent("daarna is de samenwerking nog gewijzigd");
    expect(within(dialoog).getByRole("checkbox")).toBeInTheDocument();
    await user.click(within(dialoog).getByRole("button", { name: "Definitief verwijderen" }));
    expect(api.samenwerkingVerwijderen).not.toHaveBeenCalled();

    const nieuw = regel({ id: 2, gemaaktOp: "2026-03-03T10:00:00Z" });
    api.archiveren.mockResolvedValue(nieuw);
    api.archiefStatus.mockResolvedValue(status({ laatsteArchief: nieuw, actueel: true }));
    await user.click(within(dialoog).getByRole("button", { name: "Nu archiveren" }));
    expect(api.archiveren).toHaveBeenCalledWith("SAM-1", true, expect.any(String));
    await waitFor(() => expect(within(dialoog).queryByRole("checkbox")).not.toBeInTheDocument());
    await user.click(within(dialoog).getByRole("button", { name: "Definitief verwijderen" }));
    expect(api.samenwerkingVerwijderen).toHaveBeenCalledWith("SAM-1");
  });

  it("after archiving on the page, the delete dialog knows it is archived", async () => {
    const r = regel();
    api.archiveren.mockResolvedValue(r);
    const { user } = await open(fx.schermGesloten());
    const sectie = await screen.findByTestId("archief-sectie");
    api.archiefStatus.mockResolvedValue(status({ laatsteArchief: r, actueel: true }));
    await user.click(within(sectie).getByRole("button", { name: "Archiveren" }));
    await within(sectie).findByTestId("archief-gemaakt");
    await user.click(screen.getByRole("button", { name: "Samenwerking verwijderen" }));
    const dialoog = screen.getByRole("dialog", { name: "Samenwerking verwijderen?" });
    await waitFor(() => expect(within(dialoog).getByTestId("archief-status")).toHaveAttribute("data-actueel", "ja"));
    expect(within(dialoog).queryByRole("checkbox")).not.toBeInTheDocument();
  });

  it("Instellingen lists every archive, also of samenwerkingen that are gone, and switches automatic archiving", async () => {
    api.sessie.mockResolvedValue(fx.sessie());
    api.archieven.mockResolvedValue([regel({ samenwerkingId: "SAM-9", titel: "Weg", automatisch: true })]);
    api.archiefAutomatischInstellen.mockResolvedValue("/home/vera/Auto");
    const { user } = await renderApp({ hash: "#/instellingen" });
    const sectie = await screen.findByTestId("archief-instellingen");
    expect(api.archieven).toHaveBeenCalledWith(null);
    const rij = await within(sectie).findByTestId("archief-regel");
    expect(rij).toHaveTextContent("Weg (SAM-9)");
    expect(rij).toHaveTextContent("automatisch");
    expect(within(sectie).getByTestId("archief-automatisch")).toHaveTextContent("Uit");

    api.archiefAutomatisch.mockResolvedValue("/home/vera/Auto");
    await user.click(within(sectie).getByRole("button", { name: "Automatisch archiveren aanzetten" }));
    expect(api.archiefAutomatischInstellen).toHaveBeenCalledWith(true);
    await waitFor(() =>
      expect(within(sectie).getByTestId("archief-automatisch")).toHaveTextContent("archieven komen in /home/vera/Auto"),
    );
  });
});
