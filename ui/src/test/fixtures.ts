// Realistic data in the IPC shapes (the practice case: a gemeente asks a veiligheidsregio).
import type {
  ActieverzoekRegel,
  AppInfo,
  AttenderingKeuzes,
  Deelnemer,
  DeelnemerRegel,
  Document,
  DocumentRegel,
  NotificatieItem,
  Oefenomgeving,
  OverviewItem,
  SamenwerkingScherm,
  SessieInfo,
  SyncStatus,
} from "../ipc";

export const OIN_GEMEENTE = "00000001812579446000";
export const OIN_VR = "00000001823288444000";
export const OIN_OD = "00000001852282229000";
export const NU = "2026-11-28T13:32:00Z";

export function appInfo(over: Partial<AppInfo> = {}): AppInfo {
  return {
    versie: "0.1.0",
    identifier: "nl.samenwerkruimte.desktop.test",
    oefenomgevingBeschikbaar: false,
    dataMap: "/tmp/data",
    logMap: "/tmp/log",
    ...over,
  };
}

export function sessie(over: Partial<SessieInfo> = {}): SessieInfo {
  return {
    account: {
      serviceUrl: "https://swf.example.nl",
      gebruikersnaam: "petra",
      naam: null,
      oin: OIN_GEMEENTE,
      organisatieNaam: "Gemeente Westland",
      remember: false,
    },
    waarschuwing: null,
    ...over,
  };
}

export function oefenomgeving(): Oefenomgeving {
  return {
    serviceUrl: "http://127.0.0.1:41234",
    wachtwoord: "oefenen",
    gebruikers: [
      { gebruikersnaam: "vergunningverlener", naam: "Petra Verlener", organisatie: "Gemeente Westland" },
      { gebruikersnaam: "adviseur", naam: "Ahmed Adviseur", organisatie: "Veiligheidsregio Haaglanden" },
    ],
  };
}

export function syncStatus(over: Partial<SyncStatus> = {}): SyncStatus {
  return { verbinding: "online", lastSyncedAt: NU, live: true, volledigeSync: false, melding: null, ...over };
}

export function overviewItem(over: Partial<OverviewItem> = {}): OverviewItem {
  return {
    samenwerkingId: "SAM-1",
    titel: "Stokdijkkade 2, Naaldwijk: bouwen woning",
    verzoeknummer: "2026060200019",
    status: "OPEN",
    mijnRol: "INITIATOR",
    laatstAangepast: NU,
    laatsteActiviteit: NU,
    partners: ["Veiligheidsregio Haaglanden"],
    openInkomend: 0,
    openUitgaand: 1,
    ongelezenNotificaties: 0,
    ...over,
  };
}

export function deelnemer(over: Partial<Deelnemer> = {}): Deelnemer {
  return {
    oin: OIN_GEMEENTE,
    naam: "Gemeente Westland",
    rol: "INITIATOR",
    privilege: "VOLLEDIGE_TOEGANG",
    samenwerkingId: "SAM-1",
    toegevoegdDatumTijd: NU,
    _links: {},
    ...over,
  };
}

export function document(over: Partial<Document> = {}): Document {
  return {
    documentId: "doc-1",
    bestandsNaam: "bouwtekening.pdf",
    samenwerkingId: "SAM-1",
    kenmerkSysteem: null,
    nummerBinnenSysteem: null,
    aangemaaktDoor: OIN_GEMEENTE,
    aangemaaktDoorNaam: "Gemeente Westland",
    creatieDatumTijd: NU,
    laatstAangepastDoor: OIN_GEMEENTE,
    laatstAangepastDoorNaam: "Gemeente Westland",
    laatstAangepastDatumTijd: NU,
    documentOmschrijving: "Bouwtekening",
    vertrouwelijkheidsAanduiding: "RV",
    taal: "NL",
    formaat: "application/pdf",
    documentHash: "ab",
    grootte: 245760,
    _links: {},
    ...over,
  };
}

export function actieverzoek(
  over: Partial<ActieverzoekRegel["actieverzoek"]> = {},
  regel: Partial<Omit<ActieverzoekRegel, "actieverzoek">> = {},
): ActieverzoekRegel {
  return {
    actieverzoek: {
      actieverzoekId: "av-1",
      samenwerkingId: "SAM-1",
      titel: "Advies brandveiligheid",
      omschrijving: "Graag uw advies over de brandveiligheid.",
      melding: null,
      productId: null,
      status: "OPEN",
      zender: OIN_GEMEENTE,
      zenderNaam: "Gemeente Westland",
      ontvanger: OIN_VR,
      ontvangerNaam: "Veiligheidsregio Haaglanden",
      creatieDatumTijd: NU,
      laatstAangepastDatumTijd: NU,
      laatstAangepastDoor: OIN_GEMEENTE,
      laatstAangepastDoorNaam: "Gemeente Westland",
      aantalBerichten: 0,
      documenten: [],
      versie: 1,
      _links: {},
      berichten: [],
      ...over,
    },
    partij: "ZENDER",
    statussen: ["INGETROKKEN"],
    berichtPlaatsen: true,
    ...regel,
  };
}

export function notificatie(over: Partial<NotificatieItem> = {}): NotificatieItem {
  return {
    notificatieId: "n-1",
    notificatieType: "STATUS_ACTIEVERZOEK_GEWIJZIGD",
    samenwerkingId: "SAM-1",
    samenwerkVorm: "SAMENWERKEN_AAN_BEHANDELEN",
    notificatieTitel: "Actieverzoek gereed gemeld",
    notificatieTekst: "Veiligheidsregio Haaglanden heeft 'Advies brandveiligheid' gereed gemeld.",
    eventInitiator: OIN_VR,
    eventInitiatorNaam: "Veiligheidsregio Haaglanden",
    deelnemer: OIN_GEMEENTE,
    deelnemerNaam: "Gemeente Westland",
    eventDatumTijd: NU,
    properties: {},
    _links: {},
    gelezen: false,
    ...over,
  };
}

const ALLES = {
  wijzigen: true,
  sluiten: true,
  verwijderen: false,
  uitnodigen: true,
  documentToevoegenRv: true,
  documentToevoegenSv: true,
  actieverzoekOpstellen: true,
  historie: true,
};

/** The initiator's view of an open samenwerking with one partner. */
export function schermInitiator(over: Partial<SamenwerkingScherm> = {}): SamenwerkingScherm {
  const partner: DeelnemerRegel = {
    deelnemer: deelnemer({
      oin: OIN_VR,
      naam: "Veiligheidsregio Haaglanden",
      rol: "KETENPARTNER",
      privilege: "BEPERKTE_TOEGANG",
    }),
    ikZelf: false,
    privilegeWijzigen: true,
    verwijderen: true,
  };
  const doc: DocumentRegel = { document: { ...document(), cached: true }, wijzigen: true, verwijderen: true };
  return {
    samenwerking: {
      samenwerkingId: "SAM-1",
      verzoeknummer: "2026060200019",
      oloVerzoeknummer: null,
      bronVerzoek: "DSO_LV",
      typeVerzoek: null,
      globaleLocatie: null,
      titel: "Stokdijkkade 2, Naaldwijk: bouwen woning",
      beschrijving: null,
      taal: "NL",
      samenwerkVorm: "SAMENWERKEN_AAN_BEHANDELEN",
      samenwerkDoel: "BEHANDELEN",
      status: { status: "OPEN" },
      aangemaaktDoor: OIN_GEMEENTE,
      aangemaaktDoorNaam: "Gemeente Westland",
      creatieDatumTijd: NU,
      eindDatumTijd: NU,
      laatstAangepastDoor: OIN_GEMEENTE,
      laatstAangepastDoorNaam: "Gemeente Westland",
      laatstAangepastDatumTijd: NU,
      kenmerkSysteem: null,
      nummerBinnenSysteem: null,
      contactpersoonNaam: null,
      contactpersoonEmailadres: null,
      contactpersoonTelefoonnummer: null,
      aantalActieverzoeken: 1,
      aantalNotificaties: 0,
      _links: {},
    },
    mijnOin: OIN_GEMEENTE,
    mijnRol: "INITIATOR",
    acties: { ...ALLES },
    deelnemers: [
      { deelnemer: deelnemer(), ikZelf: true, privilegeWijzigen: false, verwijderen: false },
      partner,
    ],
    documenten: [doc],
    actieverzoeken: [actieverzoek()],
    ontvangers: [partner.deelnemer],
    notificaties: [],
    offlineBeschikbaar: false,
    ...over,
  };
}

/** The partner's (adviser's) view of the same samenwerking: an incoming request. */
export function schermPartner(over: Partial<SamenwerkingScherm> = {}): SamenwerkingScherm {
  const s = schermInitiator();
  return {
    ...s,
    mijnOin: OIN_VR,
    mijnRol: "KETENPARTNER",
    acties: {
      ...ALLES,
      sluiten: false,
      verwijderen: false,
      uitnodigen: false,
      documentToevoegenSv: false,
    },
    deelnemers: s.deelnemers.map((d) => ({
      ...d,
      ikZelf: d.deelnemer.oin === OIN_VR,
      privilegeWijzigen: false,
      verwijderen: false,
    })),
    documenten: s.documenten.map((d) => ({ ...d, wijzigen: false, verwijderen: false })),
    actieverzoeken: [
      actieverzoek({}, { partij: "ONTVANGER", statussen: ["IN_BEHANDELING", "GEWEIGERD", "GEREEDGEMELD"] }),
    ],
    ontvangers: s.deelnemers.slice(0, 1).map((d) => d.deelnemer),
    ...over,
  };
}

/** A closed samenwerking, seen by the initiator: only deleting is left. */
export function schermGesloten(): SamenwerkingScherm {
  const s = schermInitiator();
  return {
    ...s,
    samenwerking: { ...s.samenwerking, status: { status: "GESLOTEN" }, sluitDatumTijd: NU, verwijderDatumTijd: "2027-11-28T13:32:00Z" },
    acties: {
      wijzigen: false,
      sluiten: false,
      verwijderen: true,
      uitnodigen: false,
      documentToevoegenRv: false,
      documentToevoegenSv: false,
      actieverzoekOpstellen: false,
      historie: true,
    },
    deelnemers: s.deelnemers.map((d) => ({ ...d, privilegeWijzigen: false, verwijderen: false })),
    documenten: s.documenten.map((d) => ({ ...d, wijzigen: false, verwijderen: false })),
    actieverzoeken: [actieverzoek({ status: "GEREED" }, { statussen: [], berichtPlaatsen: false })],
    ontvangers: [],
  };
}

export function attenderingKeuzes(): AttenderingKeuzes {
  return {
    soorten: {
      nieuwActieverzoek: true,
      antwoord: true,
      uitnodiging: true,
      samenwerkingGesloten: true,
      verwijderingGepland: true,
    },
    achtergrond: { achtergrond: true, opstarten: false },
  };
}
