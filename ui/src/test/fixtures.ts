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
  OefenGebruiker,
  OefeningenStand,
  Oefenomgeving,
  OefenVerzoek,
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
    oefenomgeving: false,
    ...over,
  };
}

export const OEFEN_GEMEENTE: OefenGebruiker = {
  gebruikersnaam: "gemeente",
  naam: "Vera Vergunningverlener",
  organisatie: "Gemeente Oefenburg",
  oin: "00000099000000000001",
  soort: "GEMEENTE",
};
export const OEFEN_VR: OefenGebruiker = {
  gebruikersnaam: "veiligheidsregio",
  naam: "Adriaan Adviseur",
  organisatie: "Veiligheidsregio Oefenkust",
  oin: "00000099000000000005",
  soort: "VEILIGHEIDSREGIO",
};

export function oefenomgeving(): Oefenomgeving {
  return {
    serviceUrl: "http://127.0.0.1:41234",
    wachtwoord: "oefenen",
    gebruikers: [OEFEN_GEMEENTE, OEFEN_VR],
  };
}

/** Signed in as a practice role (the colour band, the switcher, the exercises). */
export function oefenSessie(g: OefenGebruiker = OEFEN_GEMEENTE): SessieInfo {
  return sessie({
    oefenomgeving: true,
    account: {
      serviceUrl: "http://127.0.0.1:41234",
      gebruikersnaam: g.gebruikersnaam,
      naam: g.naam,
      oin: g.oin,
      organisatieNaam: g.organisatie,
      remember: true,
    },
  });
}

export function oefenVerzoeken(): OefenVerzoek[] {
  return [
    {
      verzoeknummer: "2099010100001",
      soort: "vergunningaanvraag",
      omschrijving: "Dakopbouw met dakterras, Kerkstraat 12",
      aanvrager: "J. Jansen",
      locatie: "Kerkstraat 12, Oefenburg",
      documenten: ["aanvraagformulier.pdf", "bouwtekening.pdf"],
    },
    {
      verzoeknummer: "2099010100002",
      soort: "melding",
      omschrijving: "Melding brandveilig gebruik, Marktplein 3",
      aanvrager: "Café De Oefening",
      locatie: "Marktplein 3, Oefenburg",
      documenten: ["melding.pdf"],
    },
  ];
}

type StapGedaan = Record<string, boolean>;

/** The exercises as the shell derives them; `gedaan` ticks steps by id. */
export function oefeningenStand(gedaan: StapGedaan = {}, over: Partial<OefeningenStand> = {}): OefeningenStand {
  const stappen: [number, "vergunningverlener" | "adviseur", [string, boolean][]][] = [
    [1, "vergunningverlener", [["1.naam", false], ["1.verzoeknummer", false], ["1.adviseur", false], ["1.toegang", false], ["1.actieverzoek", false], ["1.document", true], ["1.intrekken", true]]],
    [2, "adviseur", [["2.notificaties", false], ["2.deelnemers", false], ["2.adviesverzoek", false], ["2.adviesrapport", false], ["2.gereed", false]]],
    [3, "vergunningverlener", [["3.notificaties", false], ["3.advies", false], ["3.sluiten", false]]],
    [4, "adviseur", [["4.gesloten", false], ["4.archiveren", false]]],
    [5, "vergunningverlener", [["5.archiveren", false], ["5.verwijderen", false]]],
  ];
  return {
    oefeningen: stappen.map(([nummer, rol, st]) => {
      const s = st.map(([id, optioneel]) => ({ id, rol, optioneel, gedaan: gedaan[id] ?? false }));
      return { nummer, rol, stappen: s, klaar: s.every((x) => x.optioneel || x.gedaan) };
    }),
    vergunningverlener: OEFEN_GEMEENTE,
    adviseur: OEFEN_VR,
    samenwerkingId: null,
    samenwerkingTitel: null,
    notities: [],
    ...over,
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
