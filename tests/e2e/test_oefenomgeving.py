"""The practice environment, complete (issue 14): one learner in ONE app plays both sides of
the practice case's five exercises against the app's own practice service, switching the
organisation they act as with the colour band's one-click switcher; the panel "Oefeningen"
ticks each step from what was actually done (never a "klaar" button) and is complete at the
end; the notes are exported. (That the real sign-in form refuses a practice service is in
test_smoke.py: these steps are one story, skipped after a failed one.)

Screenshots for the README: target/e2e-artifacts/readme-oefenomgeving.png (the band, acting
as the veiligheidsregio in exercise 2) and readme-oefeningen.png (the complete checklist) are docs/img/oefenomgeving.png and
docs/img/oefeningen.png.
"""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from harness import OEFEN_GEMEENTE, OEFEN_VEILIGHEIDSREGIO, App, wait_until

pytestmark = pytest.mark.incremental

VERZOEKNUMMER = "2099010100001"
ADVIESVRAAG = "Advies brandveiligheid"
ADVIES = b"%PDF-1.4\n% advies brandveiligheid, Veiligheidsregio Oefenkust\n" + bytes(range(256)) * 4


class Leerling:
    def __init__(self, app: App):
        self.app = app
        self.samenwerking_id: str | None = None
        self.titel: str | None = None


@pytest.fixture(scope="module")
def leerling(module_apps):
    app = module_apps("leerling")
    advies = app.files_dir / "advies-brandveiligheid.pdf"
    advies.write_bytes(ADVIES)
    app.choose_files(advies)
    app.start()
    app.driver.set_window_size(1280, 800)
    return Leerling(app)


def naar_boven(app: App):
    """Scroll to the top (the README screenshots show the band and the panel's start)."""
    app.driver.execute_script(
        "window.scrollTo(0, 0); document.querySelectorAll('main, .inhoud').forEach(e => e.scrollTo(0, 0));")
    app.wait_painted()


def naar_oefeningen(app: App):
    app.click_testid("nav-oefeningen")
    app.wait_testid("oefeningen")
    app.wait_testid("oefeningen-voortgang")


def stap_gedaan(app: App, stap: str) -> bool:
    els = app.by_testid(f"stap-{stap}")
    return bool(els) and els[0].get_attribute("data-gedaan") == "true"


def wacht_stappen(app: App, *stappen: str):
    """The panel ticks these steps (it reads the mirror again on every change)."""
    def alle():
        if not all(stap_gedaan(app, s) for s in stappen):
            # the log changes without the mirror: come back to the panel to read it again
            app.click_testid("nav-overzicht")
            app.wait_text("Mijn samenwerkingen")
            naar_oefeningen(app)
            return all(stap_gedaan(app, s) for s in stappen)
        return True
    wait_until(alle, 30, f"steps {stappen} ticked", interval=0.5)


def oefening_klaar(app: App, n: int) -> bool:
    els = app.by_testid(f"oefening-{n}")
    return bool(els) and els[0].get_attribute("data-klaar") == "true"


def open_samenwerking(l: Leerling, tab: str = "samenvatting"):
    app = l.app
    app.click_testid("nav-overzicht")
    app.wait_testid(f"samenwerking-{l.samenwerking_id}", timeout=30)
    app.click_link(l.titel)
    wait_until(
        lambda: app.driver.find_element(By.CSS_SELECTOR, "[data-testid=samenwerking]")
        .get_attribute("data-samenwerking-id") == l.samenwerking_id,
        20, "the samenwerking screen")
    if tab != "samenvatting":
        naar_tab(app, tab)


def naar_tab(app: App, tab: str):
    app.click_testid(f"tab-{tab}")
    wait_until(
        lambda: app.driver.find_element(By.ID, f"tab-{tab}").get_attribute("aria-selected") == "true",
        10, f"tab {tab}")


def status(app: App) -> str:
    return app.driver.find_element(
        By.CSS_SELECTOR, "[data-testid=samenwerking] .pagina-kop [data-status]").get_attribute("data-status")


def actieverzoek_kaart(app: App, titel: str, st: str):
    def kaart():
        for k in app.by_testid("actieverzoek-*"):
            kop = k.find_elements(By.CSS_SELECTOR, ".kaart__titel")
            if kop and kop[0].text == titel and k.get_attribute("data-status") == st:
                return k
        return None
    return wait_until(kaart, 30, f"actieverzoek {titel!r} {st}")


def document_regel(app: App, naam: str):
    return wait_until(lambda: next((r for r in app.by_testid("document-*")
                                    if r.tag_name == "tr" and naam in r.text), None),
                      30, f"document {naam}")


def archiveren(app: App):
    naar_tab(app, "samenvatting")
    sectie = app.wait_testid("archief-sectie")
    app.field("Een map", within=sectie).click()
    app.click_testid("archiveren", within=sectie)
    app.wait_testid_text("archief-gemaakt", "gemaakt en gecontroleerd", timeout=60)


# ---- the five exercises in one app ----------------------------------------------------------


def test_oefening_1_als_gemeente(leerling):
    l = leerling
    a = l.app
    a.oefenen_als(OEFEN_GEMEENTE)
    # the colour band says practice and as whom; the exercises are one click away
    band = a.wait_testid("oefenband")
    assert "OEFENOMGEVING" in band.text.upper()
    naar_oefeningen(a)
    a.wait_testid("oefeningen-nog-niet")
    assert not any(stap_gedaan(a, s) for s in ("1.naam", "1.verzoeknummer", "2.gereed", "5.verwijderen"))
    assert not a.has_button("Klaar"), "no button ticks a step"
    a.axe("oefeningen-leeg")

    # start from a demo verzoek of the simulated Omgevingsloket (the picker fills number and name)
    a.click_testid("nav-overzicht")
    a.click_testid("samenwerking-starten")
    a.wait_testid("starten-formulier")
    kies = a.wait_visible(By.ID, "demoverzoek")
    Select(kies).select_by_value(VERZOEKNUMMER)
    wait_until(lambda: a.field("Verzoeknummer uit het Omgevingsloket").get_attribute("value") == VERZOEKNUMMER,
               5, "the verzoeknummer filled in")
    l.titel = a.field("Titel").get_attribute("value")
    assert l.titel, "the name comes from the demo verzoek"
    a.axe("samenwerking-starten-demoverzoek")
    a.fill("Organisatie zoeken (naam of OIN)", "Veiligheidsregio")
    a.click_testid(f"organisatie-{OEFEN_VEILIGHEIDSREGIO['oin']}")
    a.wait_testid(f"partner-{OEFEN_VEILIGHEIDSREGIO['oin']}")
    a.click_testid("starten-knop")
    sw = a.wait_testid("samenwerking")
    l.samenwerking_id = sw.get_attribute("data-samenwerking-id")
    # the Omgevingsloket's documents come with the verzoek (INITIALISATIE -> OPEN)
    wait_until(lambda: status(a) == "OPEN", 60, "the samenwerking to open")
    naar_tab(a, "documenten")
    wait_until(lambda: len([r for r in a.by_testid("document-*") if r.tag_name == "tr"]) >= 2, 30,
               "the verzoek's documents in the dossier")

    # ask for advice
    naar_tab(a, "actieverzoeken")
    form = a.wait_testid("actieverzoek-versturen")
    a.fill("Titel", ADVIESVRAAG, within=form)
    a.fill("Wat vraagt u?", "Graag uw advies over de brandveiligheid.", within=form)
    a.click_testid("actieverzoek-versturen-knop")
    a.wait_text("Het actieverzoek is verstuurd.")

    naar_oefeningen(a)
    wacht_stappen(a, "1.naam", "1.verzoeknummer", "1.adviseur", "1.toegang", "1.actieverzoek")
    assert oefening_klaar(a, 1)
    assert not oefening_klaar(a, 2)
    # the reflection questions with a place for notes
    vragen = a.wait_testid("oefening-1-vragen")
    assert "Is het gelukt om een samenwerking te starten en advies te vragen?" in vragen.text
    a.fill("Uw notities bij oefening 1", "Toegang tot vertrouwelijke stukken: afspraken maken.")
    a.click_testid("oefeningen-voortgang")  # leave the field: the note is kept
    a.wait_testid_text("notities-1-status", "Notitie bewaard.")
    assert "Adviseur: Veiligheidsregio Oefenkust" in a.wait_testid("oefening-2-rol").text
    a.axe("oefeningen-na-oefening-1")


def test_oefening_2_als_veiligheidsregio(leerling):
    l = leerling
    a = l.app
    # the panel offers the role of the next exercise: one click
    a.click_testid("oefening-2-wissel")
    a.wait_testid_text("oefenband-organisatie", OEFEN_VEILIGHEIDSREGIO["naam"], timeout=60)
    a.wait_testid_text("organisatie-naam", OEFEN_VEILIGHEIDSREGIO["naam"])

    open_samenwerking(l, "meldingen")
    wait_until(lambda: a.by_testid("notificatie-*"), 30, "the notifications of the samenwerking")
    naar_tab(a, "deelnemers")
    a.wait_testid(f"deelnemer-{OEFEN_GEMEENTE['oin']}")
    naar_tab(a, "actieverzoeken")
    actieverzoek_kaart(a, ADVIESVRAAG, "OPEN")
    naar_tab(a, "documenten")
    a.click_testid("bestand-kiezen")
    a.wait_testid_text("document-bestand", "advies-brandveiligheid.pdf")
    a.fill("Omschrijving", "Advies brandveiligheid")
    a.click_testid("document-toevoegen")
    a.wait_text("advies-brandveiligheid.pdf is toegevoegd.")
    naar_tab(a, "actieverzoeken")
    kaart = actieverzoek_kaart(a, ADVIESVRAAG, "OPEN")
    a.click_testid("status-GEREEDGEMELD", within=kaart)
    dialoog = a.wait_testid("status-dialoog")
    a.fill("Melding", "Ons advies staat bij de documenten.", within=dialoog)
    a.click_testid("status-bevestigen", within=dialoog)
    actieverzoek_kaart(a, ADVIESVRAAG, "GEREEDGEMELD")
    naar_boven(a)
    a.screenshot("readme-oefenomgeving")

    naar_oefeningen(a)
    wacht_stappen(a, "2.notificaties", "2.deelnemers", "2.adviesverzoek", "2.adviesrapport", "2.gereed")
    assert oefening_klaar(a, 1) and oefening_klaar(a, 2)


def test_oefening_3_weer_als_gemeente(leerling):
    l = leerling
    a = l.app
    # back as the gemeente: its own mirror and sign-in are still there
    a.wissel_rol(OEFEN_GEMEENTE)
    open_samenwerking(l, "meldingen")
    wait_until(lambda: any("Document toegevoegd" in n.text for n in a.by_testid("notificatie-*")), 30,
               "the advice report's notification")
    naar_tab(a, "documenten")
    regel = document_regel(a, "advies-brandveiligheid.pdf")
    doel = a.save_dir / "advies-brandveiligheid.pdf"
    a.click_testid("document-downloaden", within=regel)
    a.wait_text(f"Opgeslagen als {doel}", timeout=30)
    assert doel.read_bytes() == ADVIES
    naar_tab(a, "samenvatting")
    a.click_testid("samenwerking-sluiten")
    dialoog = a.wait_testid("sluiten-bevestiging")
    a.click("Ja, sluiten", within=dialoog)
    wait_until(lambda: status(a) == "GESLOTEN", 30, "the samenwerking closed")

    naar_oefeningen(a)
    wacht_stappen(a, "3.notificaties", "3.advies", "3.sluiten")
    assert oefening_klaar(a, 3)


def test_oefening_4_als_veiligheidsregio(leerling):
    l = leerling
    a = l.app
    a.wissel_rol(OEFEN_VEILIGHEIDSREGIO)
    open_samenwerking(l)
    wait_until(lambda: status(a) == "GESLOTEN", 30, "the adviser sees it closed")
    archiveren(a)
    naar_oefeningen(a)
    wacht_stappen(a, "4.gesloten", "4.archiveren")
    assert oefening_klaar(a, 4)


def test_oefening_5_als_gemeente_en_de_lijst_is_compleet(leerling):
    l = leerling
    a = l.app
    a.click_testid("oefening-5-wissel")
    a.wait_testid_text("oefenband-organisatie", OEFEN_GEMEENTE["naam"], timeout=60)
    open_samenwerking(l)
    archiveren(a)
    a.click_testid("samenwerking-verwijderen")
    dialoog = a.wait_testid("verwijder-bevestiging")
    a.click_testid("verwijderen-bevestigen", within=dialoog)
    a.wait_text(f"De samenwerking '{l.titel}' is verwijderd.")

    naar_oefeningen(a)
    wacht_stappen(a, "5.archiveren", "5.verwijderen")
    # the whole checklist: every step that is not optional, of all five exercises
    for n in range(1, 6):
        assert oefening_klaar(a, n), f"exercise {n} complete"
    assert "5 van 5 oefeningen klaar" in a.wait_testid("oefeningen-voortgang").text
    # the mirrors-based steps stay done after the delete
    assert stap_gedaan(a, "1.verzoeknummer") and stap_gedaan(a, "2.gereed")
    a.axe("oefeningen-compleet")
    naar_boven(a)
    a.screenshot("readme-oefeningen")

    # the notes and the checklist as a small document
    doel = a.save_dir / "oefeningen-samenwerkruimte.md"
    doel.unlink(missing_ok=True)
    a.click_testid("oefeningen-exporteren")
    a.wait_testid_text("oefeningen-status", f"Opgeslagen in {doel}", timeout=30)
    tekst = doel.read_text()
    assert "## Oefening 5: samenwerking archiveren en verwijderen (Klaar)" in tekst
    assert "Toegang tot vertrouwelijke stukken: afspraken maken." in tekst
    assert "- [ ]" not in tekst.split("## Oefening 2")[1], "every step of 2-5 ticked"

    # start over: nothing ticked, the notes gone
    a.click_testid("oefeningen-opnieuw")
    dialoog = a.wait_testid("oefeningen-opnieuw-dialoog")
    a.click("Opnieuw beginnen", within=dialoog)
    a.wait_testid_text("oefeningen-status", "De oefeningen beginnen opnieuw.")
    wait_until(lambda: not stap_gedaan(a, "1.naam") and not oefening_klaar(a, 5), 20, "the checklist empty")

