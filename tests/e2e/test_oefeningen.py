"""The practice case's five exercises (shared/seed: section 6), done in turns by two
organisations, each in its own instance of the real app against one real swf-server:
the gemeente's vergunningverlener and the veiligheidsregio's adviseur.

Each step asserts what the user sees: texts, statuses, which buttons exist and which do not.
The apps stay open side by side, so what one organisation does reaches the other through the
service's live feed, as it would on two desks. A screenshot per exercise goes to
target/e2e-artifacts/oefening-N.png.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from harness import GEMEENTE, VEILIGHEIDSREGIO, App, SwfServer, wait_until

pytestmark = pytest.mark.incremental

TITEL = "Dakopbouw Kerkstraat 1"
VERZOEKNUMMER = "OLO4711"
ADVIESVRAAG = "Advies brandveiligheid"
TEKENING = b"%PDF-1.4\n% bouwtekening dakopbouw Kerkstraat 1\n" + bytes(range(256)) * 8
ADVIES = b"%PDF-1.4\n% advies brandveiligheid, Veiligheidsregio Oefenland\n" + bytes(range(255, -1, -1)) * 16


class Casus:
    """What the steps share: the service, both apps, the samenwerking's id."""

    def __init__(self, server: SwfServer, gemeente: App, adviseur: App):
        self.server = server
        self.gemeente = gemeente
        self.adviseur = adviseur
        self.samenwerking_id: str | None = None


@pytest.fixture(scope="module")
def casus(server, module_apps):
    gemeente = module_apps("vergunningverlener")
    adviseur = module_apps("adviseur")
    tekening = gemeente.files_dir / "bouwtekening.pdf"
    tekening.write_bytes(TEKENING)
    gemeente.choose_files(tekening)
    advies = adviseur.files_dir / "advies-brandveiligheid.pdf"
    advies.write_bytes(ADVIES)
    adviseur.choose_files(advies)
    return Casus(server, gemeente.start(), adviseur.start())


# ---- steps used by more than one exercise ----------------------------------------------------


def valideer_met_bagit(bag: Path):
    """The archive as a records manager checks it: bagit.py (PyPI `bagit`, in the run's venv)
    validates both payload manifests and the tag manifest."""
    import bagit  # tests/archive/requirements.txt, installed into the same venv by scripts/test.sh

    b = bagit.Bag(str(bag))
    b.validate()
    assert set(b.algorithms) >= {"sha256", "sha512"}, b.algorithms


def naar_overzicht(app: App):
    app.click_testid("nav-overzicht")
    app.wait_text("Mijn samenwerkingen")


def overzicht_regel(app: App, samenwerking_id: str):
    return app.wait_testid(f"samenwerking-{samenwerking_id}")


def open_samenwerking(app: App, samenwerking_id: str, tab: str = "samenvatting"):
    naar_overzicht(app)
    overzicht_regel(app, samenwerking_id)
    app.click_link(TITEL)
    wait_until(
        lambda: app.driver.find_element(By.CSS_SELECTOR, "[data-testid=samenwerking]")
        .get_attribute("data-samenwerking-id") == samenwerking_id,
        20, f"{app.name}: the samenwerking screen")
    app.wait_text(TITEL)
    if tab != "samenvatting":
        naar_tab(app, tab)


def naar_tab(app: App, tab: str):
    app.click_testid(f"tab-{tab}")
    wait_until(
        lambda: app.driver.find_element(By.ID, f"tab-{tab}").get_attribute("aria-selected") == "true",
        10, f"{app.name}: tab {tab}")


def samenwerking_status(app: App) -> str:
    kop = app.driver.find_element(By.CSS_SELECTOR, "[data-testid=samenwerking] .pagina-kop [data-status]")
    return kop.get_attribute("data-status")


def actieverzoek_kaart(app: App, titel: str, status: str | None = None):
    """The card of the actieverzoek with this title (and status), found again on every look."""
    def kaart():
        for k in app.by_testid("actieverzoek-*"):
            kop = k.find_elements(By.CSS_SELECTOR, ".kaart__titel")
            if kop and kop[0].text == titel and (status is None or k.get_attribute("data-status") == status):
                return k
        return None
    return wait_until(kaart, 20, f"{app.name}: actieverzoek {titel!r} with status {status}")


def document_regel(app: App, bestandsnaam: str):
    def regel():
        return next((r for r in app.by_testid("document-*")
                     if r.tag_name == "tr" and bestandsnaam in r.text), None)
    return wait_until(regel, 20, f"{app.name}: document {bestandsnaam} in the list")


def notificatie_titels(app: App) -> list[str]:
    return [n.find_element(By.CSS_SELECTOR, ".melding-regel__titel").text
            for n in app.by_testid("notificatie-*") if n.tag_name == "li"]


def focus(app: App) -> dict:
    """What has the keyboard focus: its data-testid, tag and text, and the title of the
    actieverzoek card it is in (if any)."""
    return app.driver.execute_script("""
        const a = document.activeElement;
        if (!a || a === document.body) return {testid: null, tag: 'BODY', tekst: '', kaart: null};
        const k = a.closest('[data-testid^="actieverzoek-"]');
        const t = k && k.querySelector('.kaart__titel');
        return {testid: a.getAttribute('data-testid'), tag: a.tagName,
                tekst: (a.textContent || '').trim().slice(0, 60), kaart: t && t.textContent};
    """)


def dialoog_dicht(app: App, testid: str):
    app.wait_gone(By.CSS_SELECTOR, f"[data-testid={testid}]", what=f"the dialog {testid}")


def downloaden(app: App, bestandsnaam: str, inhoud: bytes):
    """Download as the user does ("Downloaden"), into SWF_E2E_OPSLAAN_MAP, and check the bytes."""
    doel = app.save_dir / bestandsnaam
    doel.unlink(missing_ok=True)
    regel = document_regel(app, bestandsnaam)
    app.click_testid("document-downloaden", within=regel)
    app.wait_text(f"Opgeslagen als {doel}", timeout=30)
    assert doel.read_bytes() == inhoud


# ---- the exercises ---------------------------------------------------------------------------


def test_oefening_1_vergunningverlener_start_en_vraagt_advies(casus):
    g = casus.gemeente
    g.aanmelden(casus.server, GEMEENTE, onthouden=True)
    g.wait_testid("leeg")
    g.wait_text("Nog geen samenwerkingen")
    g.axe("overzicht-leeg")

    # start the samenwerking: title, verzoeknummer, the veiligheidsregio found by name
    g.click_testid("samenwerking-starten")
    g.wait_testid("starten-formulier")
    g.fill("Titel", TITEL)
    g.fill("Verzoeknummer uit het Omgevingsloket", VERZOEKNUMMER)
    g.fill("Organisatie zoeken (naam of OIN)", "Veiligheidsregio")
    g.wait_text("1 organisatie gevonden")
    g.click_testid(f"organisatie-{VEILIGHEIDSREGIO['oin']}")
    partner = g.wait_testid(f"partner-{VEILIGHEIDSREGIO['oin']}")
    assert "Toegang voor Veiligheidsregio Oefenland" in partner.text
    # limited access: no confidential (SV) documents for the partner
    beperkt = g.driver.find_element(By.ID, f"toegang-{VEILIGHEIDSREGIO['oin']}-BEPERKTE_TOEGANG")
    assert beperkt.is_selected()
    g.axe("samenwerking-starten")
    g.click_testid("starten-knop")

    samenwerking = g.wait_testid("samenwerking")
    casus.samenwerking_id = samenwerking.get_attribute("data-samenwerking-id")
    assert casus.samenwerking_id
    g.wait_text(TITEL)
    # INITIALISATIE until the service has fetched the request (SWF_VERZOEK_OPHALEN_SECS), then OPEN
    wait_until(lambda: samenwerking_status(g) == "OPEN", 30, "the samenwerking to be Open")
    samenvatting = g.wait_testid_text("samenvatting", VERZOEKNUMMER)
    assert "Initiatiefnemer" in samenvatting.text
    assert g.by_testid("samenwerking-sluiten")
    assert not g.by_testid("samenwerking-verwijderen"), "deleting comes after closing"
    # where am I: the window title, and the main navigation marks no page as current
    assert g.driver.title == f"Samenvatting — {TITEL} — Samenwerkruimte"
    assert not g.driver.find_elements(By.CSS_SELECTOR, "nav [aria-current]")
    g.axe("samenwerking-samenvatting")

    # deelnemers: the gemeente (initiator) and the veiligheidsregio with limited access
    naar_tab(g, "deelnemers")
    zelf = g.wait_testid(f"deelnemer-{GEMEENTE['oin']}")
    assert "Gemeente Oefenstad" in zelf.text and "(uw organisatie)" in zelf.text
    vr = g.wait_testid(f"deelnemer-{VEILIGHEIDSREGIO['oin']}")
    assert "Ketenpartner" in vr.text
    assert vr.find_element(By.CSS_SELECTOR, "[data-testid=privilege]").get_attribute(
        "data-privilege") == "BEPERKTE_TOEGANG"
    assert "Volledige toegang geven aan Veiligheidsregio Oefenland" in vr.text
    g.wait_testid("uitnodigen")
    assert g.driver.title == f"Deelnemers — {TITEL} — Samenwerkruimte"
    g.axe("samenwerking-deelnemers-initiatiefnemer")

    # a document (the file picker returns bouwtekening.pdf), regular confidential
    naar_tab(g, "documenten")
    g.wait_testid("documenten-leeg")
    g.axe("samenwerking-documenten-leeg")
    g.click_testid("bestand-kiezen")
    g.wait_testid_text("document-bestand", "Bestand: bouwtekening.pdf")
    g.axe("samenwerking-document-toevoegen")
    assert g.driver.find_element(By.ID, "doc-vertrouwelijkheid-RV").is_selected()
    g.fill("Omschrijving", "Bouwtekening dakopbouw")
    g.click_testid("document-toevoegen")
    g.wait_text("bouwtekening.pdf is toegevoegd.")
    regel = document_regel(g, "bouwtekening.pdf")
    assert "Bouwtekening dakopbouw" in regel.text
    assert regel.find_element(By.CSS_SELECTOR, "[data-testid=vertrouwelijkheid]").get_attribute(
        "data-vertrouwelijkheid") == "RV"

    # a first actieverzoek, withdrawn (wrong question), then the real one with the drawing
    naar_tab(g, "actieverzoeken")
    g.wait_text("Uw organisatie heeft geen actieverzoeken verstuurd.")
    g.axe("samenwerking-actieverzoeken-leeg")

    def versturen(titel: str, vraag: str, met_tekening: bool):
        form = g.wait_testid("actieverzoek-versturen")
        ontvanger = g.driver.find_element(By.ID, "av-ontvanger")
        # one possible recipient: chosen already
        assert ontvanger.get_attribute("value") == VEILIGHEIDSREGIO["oin"]
        g.fill("Titel", titel, within=form)
        g.fill("Wat vraagt u?", vraag, within=form)
        if met_tekening:
            box = g.field("bouwtekening.pdf (RV)", within=form)
            box.click()
            wait_until(box.is_selected, 5, "the drawing ticked")
        g.click_testid("actieverzoek-versturen-knop")
        g.wait_text("Het actieverzoek is verstuurd.")

    versturen("Advies bouwfysica", "Graag uw advies over de geluidsisolatie.", met_tekening=False)
    verkeerd = actieverzoek_kaart(g, "Advies bouwfysica", "OPEN")
    assert "Veiligheidsregio Oefenland" in verkeerd.text
    g.axe("samenwerking-actieverzoeken-verstuurd")

    # the status dialog with the keyboard: Tab stays on its controls (the <dialog> itself is no
    # tab stop); Escape and Annuleren close it and the focus is back on Intrekken
    intrekken_knop = {"testid": "status-INGETROKKEN", "kaart": "Advies bouwfysica"}
    g.click_testid("status-INGETROKKEN", within=verkeerd)
    dialoog = g.wait_testid("status-dialoog")
    assert "Actieverzoek intrekken" in dialoog.text
    g.axe("dialoog-actieverzoek-intrekken")
    wait_until(lambda: focus(g)["tag"] == "TEXTAREA", 5, "the focus in the dialog's Melding field")
    stops = []
    for _ in range(7):
        g.press(Keys.TAB)
        stops.append(focus(g))
    assert all(s["tag"] in ("TEXTAREA", "BUTTON") for s in stops), f"Tab stops in the dialog: {stops}"
    assert {s["testid"] for s in stops} >= {"status-bevestigen"}, stops
    g.press(Keys.ESCAPE)
    dialoog_dicht(g, "status-dialoog")
    wait_until(lambda: {k: focus(g)[k] for k in ("testid", "kaart")} == intrekken_knop, 5,
               f"the focus back on Intrekken after Escape (it is on {focus(g)})")
    # Enter on the focused button opens it again; Annuleren closes it
    g.press(Keys.ENTER)
    dialoog = g.wait_testid("status-dialoog")
    g.click("Annuleren", within=dialoog)
    dialoog_dicht(g, "status-dialoog")
    wait_until(lambda: {k: focus(g)[k] for k in ("testid", "kaart")} == intrekken_knop, 5,
               f"the focus back on Intrekken after Annuleren (it is on {focus(g)})")

    g.click_testid("status-INGETROKKEN", within=verkeerd)
    dialoog = g.wait_testid("status-dialoog")
    g.fill("Melding", "Verkeerde vraag; u krijgt een nieuw verzoek.", within=dialoog)
    g.click_testid("status-bevestigen", within=dialoog)
    ingetrokken = actieverzoek_kaart(g, "Advies bouwfysica", "INGETROKKEN")
    assert "Ingetrokken" in ingetrokken.text
    assert not g.by_testid("status-*", within=ingetrokken), "a withdrawn request has no actions"
    # the button that opened the dialog is gone with the new status: the focus is on the card's
    # title, not lost to the page
    wait_until(lambda: focus(g)["kaart"] == "Advies bouwfysica" and focus(g)["tag"] == "H4", 5,
               f"the focus on the withdrawn request's title (it is on {focus(g)})")

    versturen(ADVIESVRAAG, "Graag uw advies over de brandveiligheid van de dakopbouw.", met_tekening=True)
    kaart = actieverzoek_kaart(g, ADVIESVRAAG, "OPEN")
    assert "bouwtekening.pdf (RV)" in kaart.text
    # the sender may withdraw; only the receiver can mark it ready
    assert g.by_testid("status-INGETROKKEN", within=kaart)
    assert not g.by_testid("status-GEREEDGEMELD", within=kaart)
    g.screenshot("oefening-1")


def test_oefening_2_adviseur_geeft_advies(casus):
    a = casus.adviseur
    sid = casus.samenwerking_id
    a.aanmelden(casus.server, VEILIGHEIDSREGIO)

    # the overview: what is asked of me first, with the open incoming request
    regel = overzicht_regel(a, sid)
    gevraagd = a.wait_testid("gevraagd")
    assert regel.get_attribute("data-actie-nodig") == "ja"
    assert TITEL in gevraagd.text
    assert "1 actieverzoek aan u" in regel.text and "Gemeente Oefenstad" in regel.text
    assert "Ketenpartner" in regel.text and VERZOEKNUMMER in regel.text
    a.axe("overzicht-met-gevraagd")

    # notifications: invited, new request, new document
    wait_until(lambda: a.by_testid("ongelezen-teller"), 20, "unread notifications counted")
    a.click_testid("nav-meldingen")
    wait_until(lambda: {"Uitnodiging voor een samenwerking", "Nieuw actieverzoek"} <= set(notificatie_titels(a)),
               20, "the invitation and the request among the notifications")
    assert any(TITEL in n.text for n in a.by_testid("notificatie-*"))
    assert a.driver.title == "Meldingen — Samenwerkruimte"
    a.axe("meldingen")

    # who takes part: read only for a partner
    open_samenwerking(a, sid, "deelnemers")
    a.wait_testid(f"deelnemer-{GEMEENTE['oin']}")
    zelf = a.wait_testid(f"deelnemer-{VEILIGHEIDSREGIO['oin']}")
    assert "(uw organisatie)" in zelf.text and "Beperkte toegang" in zelf.text
    assert not a.by_testid("uitnodigen"), "only the initiator invites"
    assert not a.by_testid("privilege-wijzigen") and not a.by_testid("deelnemer-verwijderen")
    assert not a.by_testid("samenwerking-sluiten") and not a.by_testid("samenwerking-verwijderen")
    a.axe("samenwerking-deelnemers-partner")

    # the request and its document
    naar_tab(a, "actieverzoeken")
    kaart = actieverzoek_kaart(a, ADVIESVRAAG, "OPEN")
    assert "Graag uw advies over de brandveiligheid van de dakopbouw." in kaart.text
    assert "bouwtekening.pdf (RV)" in kaart.text and "Gemeente Oefenstad" in kaart.text
    for knop in ("status-IN_BEHANDELING", "status-GEWEIGERD", "status-GEREEDGEMELD"):
        assert a.by_testid(knop, within=kaart), knop
    assert not a.by_testid("status-INGETROKKEN", within=kaart), "only the sender withdraws"
    a.axe("samenwerking-actieverzoeken-inkomend")
    naar_tab(a, "documenten")
    downloaden(a, "bouwtekening.pdf", TEKENING)
    a.axe("samenwerking-documenten")

    # the advice report (the file picker returns advies-brandveiligheid.pdf)
    a.click_testid("bestand-kiezen")
    a.wait_testid_text("document-bestand", "advies-brandveiligheid.pdf")
    a.fill("Omschrijving", "Advies brandveiligheid")
    a.click_testid("document-toevoegen")
    a.wait_text("advies-brandveiligheid.pdf is toegevoegd.")
    assert "Veiligheidsregio Oefenland" in document_regel(a, "advies-brandveiligheid.pdf").text

    # mark the request ready, with a message
    naar_tab(a, "actieverzoeken")
    kaart = actieverzoek_kaart(a, ADVIESVRAAG, "OPEN")
    a.click_testid("status-GEREEDGEMELD", within=kaart)
    dialoog = a.wait_testid("status-dialoog")
    assert "Actieverzoek gereed melden" in dialoog.text
    a.axe("dialoog-actieverzoek-gereed-melden")
    a.fill("Melding", "Ons advies staat bij de documenten.", within=dialoog)
    a.click_testid("status-bevestigen", within=dialoog)
    kaart = actieverzoek_kaart(a, ADVIESVRAAG, "GEREEDGEMELD")
    assert "Gereed gemeld" in kaart.text and "Ons advies staat bij de documenten." in kaart.text
    assert not a.by_testid("status-*", within=kaart), "nothing left for the receiver to do"
    wait_until(lambda: focus(a)["kaart"] == ADVIESVRAAG and focus(a)["tag"] == "H4", 5,
               f"the focus on the request's title after Gereed melden (it is on {focus(a)})")
    a.screenshot("oefening-2")


def test_oefening_3_vergunningverlener_accepteert_en_sluit(casus):
    g = casus.gemeente
    sid = casus.samenwerking_id
    # the next morning: the app starts again and the remembered sign-in (keychain) is used
    g.restart()
    g.wait_testid_text("organisatie-naam", GEMEENTE["naam"])
    assert not g.by_testid("aanmelden-formulier")

    # notifications: the advice report and the ready request
    g.click_testid("nav-meldingen")
    wait_until(lambda: {"Document toegevoegd", "Actieverzoek gereedgemeld"} <= set(notificatie_titels(g)),
               20, "the new document and the ready request among the notifications")

    open_samenwerking(g, sid, "documenten")
    regel = document_regel(g, "advies-brandveiligheid.pdf")
    assert "Advies brandveiligheid" in regel.text and "RV" in regel.text

    naar_tab(g, "actieverzoeken")
    kaart = actieverzoek_kaart(g, ADVIESVRAAG, "GEREEDGEMELD")
    assert "Gereed gemeld" in kaart.text and "Ons advies staat bij de documenten." in kaart.text
    for knop in ("status-GEREED", "status-TERUGSTUREN", "status-INGETROKKEN"):
        assert g.by_testid(knop, within=kaart), knop
    g.axe("samenwerking-actieverzoeken-gereedgemeld")
    g.click_testid("status-GEREED", within=kaart)
    kaart = actieverzoek_kaart(g, ADVIESVRAAG, "GEREED")
    assert not g.by_testid("status-*", within=kaart)

    # close: partners can only view it afterwards
    naar_tab(g, "samenvatting")
    g.click_testid("samenwerking-sluiten")
    dialoog = g.wait_testid("sluiten-bevestiging")
    assert "Samenwerking sluiten?" in dialoog.text
    g.axe("dialoog-samenwerking-sluiten")
    g.click("Ja, sluiten", within=dialoog)
    g.wait_text("De samenwerking is gesloten.")
    wait_until(lambda: samenwerking_status(g) == "GESLOTEN", 20, "the samenwerking to be Gesloten")
    g.wait_testid("gesloten-melding")
    assert not g.by_testid("samenwerking-sluiten")
    assert g.by_testid("samenwerking-verwijderen"), "the initiator can still delete it"
    g.axe("samenwerking-gesloten")
    g.screenshot("oefening-3")


def test_oefening_4_adviseur_ziet_gesloten_en_archiveert(casus):
    a = casus.adviseur
    sid = casus.samenwerking_id
    # the adviseur's app was open all along: the closing arrives through the live feed
    naar_overzicht(a)
    regel = overzicht_regel(a, sid)
    wait_until(lambda: "Gesloten" in overzicht_regel(a, sid).text, 20, "Gesloten in the overview")
    assert regel.get_attribute("data-actie-nodig") == "nee"
    a.click_testid("nav-meldingen")
    wait_until(lambda: "Samenwerking gesloten" in notificatie_titels(a), 20, "the closing notification")

    open_samenwerking(a, sid, "documenten")
    assert samenwerking_status(a) == "GESLOTEN"
    assert "U kunt alles nog bekijken, maar niets meer wijzigen." in a.wait_testid("gesloten-melding").text
    # read only now: no adding, changing or deleting
    assert not a.by_testid("bestand-kiezen") and not a.by_testid("dropzone")
    assert not a.by_testid("document-wijzigen") and not a.by_testid("document-verwijderen")
    a.axe("samenwerking-gesloten-documenten")
    # archive in the own system: the advice report and the drawing, byte for byte
    downloaden(a, "advies-brandveiligheid.pdf", ADVIES)
    downloaden(a, "bouwtekening.pdf", TEKENING)

    naar_tab(a, "actieverzoeken")
    kaart = actieverzoek_kaart(a, ADVIESVRAAG, "GEREED")
    assert not a.by_testid("status-*", within=kaart)
    assert not a.by_testid("actieverzoek-versturen")
    a.screenshot("oefening-4")


def test_oefening_5_vergunningverlener_archiveert_en_verwijdert(casus):
    g, a = casus.gemeente, casus.adviseur
    sid = casus.samenwerking_id
    # archive in the own system first
    naar_tab(g, "documenten")
    downloaden(g, "advies-brandveiligheid.pdf", ADVIES)

    naar_tab(g, "samenvatting")
    g.click_testid("samenwerking-verwijderen")
    dialoog = g.wait_testid("verwijder-bevestiging")
    assert "Samenwerking verwijderen?" in dialoog.text and TITEL in dialoog.text
    # not without confirming that it was archived
    g.axe("dialoog-samenwerking-verwijderen")
    g.click_testid("verwijderen-bevestigen", within=dialoog)
    g.wait_text("Bevestig eerst dat u de samenwerking hebt gearchiveerd.")
    assert g.by_testid("samenwerking")
    g.axe("dialoog-samenwerking-verwijderen-met-fout")
    box = g.field("Ja, ik heb de samenwerking gearchiveerd in ons eigen systeem", within=dialoog)
    assert "nog niet gearchiveerd" in g.wait_testid("archief-status").text
    g.click("Annuleren", within=dialoog)
    g.wait_gone(By.CSS_SELECTOR, "[data-testid=verwijder-bevestiging]", what="the delete dialog")

    # archive it from the app, as a folder: a BagIt bag that bagit.py validates, and its record
    sectie = g.wait_testid("archief-sectie")
    g.field("Een map", within=sectie).click()
    g.click_testid("archiveren", within=sectie)
    g.wait_testid_text("archief-gemaakt", "gemaakt en gecontroleerd", timeout=60)
    bags = [p for p in g.save_dir.iterdir() if p.is_dir() and p.name.startswith(f"SWF_{sid}_")]
    assert len(bags) == 1, bags
    bag = bags[0]
    valideer_met_bagit(bag)
    regel = g.wait_testid("archief-regel")
    assert str(bag) in regel.text
    tag = hashlib.sha256((bag / "tagmanifest-sha256.txt").read_bytes()).hexdigest()
    assert g.by_testid("archief-sha256", within=regel)[0].text.strip() == tag
    assert "na de laatste wijziging" in g.wait_testid("archief-status").text
    g.axe("samenwerking-gearchiveerd")

    # archived after its last change: deleting needs no extra confirmation
    g.click_testid("samenwerking-verwijderen")
    dialoog = g.wait_testid("verwijder-bevestiging")
    wait_until(
        lambda: g.driver.find_elements(
            By.CSS_SELECTOR, "[data-testid=verwijder-bevestiging] [data-testid=archief-status][data-actueel=ja]"
        ),
        10,
        "the dialog says it is archived after its last change",
    )
    assert "Gearchiveerd op" in dialoog.text
    assert not g.driver.find_elements(By.CSS_SELECTOR, "[data-testid=verwijder-bevestiging] input[type=checkbox]")
    g.click_testid("verwijderen-bevestigen", within=dialoog)

    g.wait_text(f"De samenwerking '{TITEL}' is verwijderd.")
    g.wait_testid("leeg")
    assert not g.by_testid(f"samenwerking-{sid}")
    g.axe("overzicht-na-verwijderen")
    g.screenshot("oefening-5")

    # the record stays when the samenwerking is gone (Instellingen, Archieven)
    g.click_testid("nav-instellingen")
    lijst = g.wait_testid("archief-instellingen")
    wait_until(lambda: f"{TITEL} ({sid})" in lijst.text, 10, "the archive of the deleted samenwerking")
    assert tag in lijst.text
    naar_overzicht(g)

    # nobody can see it any more: it disappears from the adviseur's open app too
    naar_overzicht(a)
    a.wait_gone(By.CSS_SELECTOR, f"[data-testid=samenwerking-{sid}]", what="the deleted samenwerking")
    a.wait_testid("leeg")
    a.screenshot("oefening-5-adviseur")
