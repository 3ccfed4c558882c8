"""The app starts from the e2e build on its sign-in screen, and its built-in practice
environment (a local practice service with six practice organisations) lets one act as one of
them with a click."""

from selenium.webdriver.common.by import By


def test_app_start_op_het_aanmeldscherm(new_app):
    app = new_app("smoke").start()
    form = app.wait_testid("aanmelden-formulier")
    for label in ("Adres van de dienst (URL)", "Gebruikersnaam", "Wachtwoord", "Aanmelding onthouden"):
        assert app.field(label, within=form).is_enabled(), label
    assert app.field("Wachtwoord").get_attribute("type") == "password"
    # nothing filled in: the form says what is missing, next to each field
    app.click_testid("aanmelden-knop")
    app.wait_text("Vul het adres van de dienst in.")
    app.wait_text("Vul uw gebruikersnaam in.")
    app.wait_text("Vul uw wachtwoord in.")
    app.screenshot("aanmelden")
    app.axe("aanmelden-met-foutmeldingen")


def test_oefenomgeving_vanaf_het_aanmeldscherm(new_app):
    app = new_app("oefenomgeving").start()
    app.wait_testid("oefenomgeving")
    app.axe("aanmelden")
    app.click_testid("oefenomgeving-starten")
    app.wait_text("De oefenomgeving draait.", timeout=60)
    app.axe("aanmelden-oefenomgeving-gestart")
    app.click_testid("oefengebruiker-veiligheidsregio")
    app.wait_testid_text("organisatie-naam", "Veiligheidsregio Oefenkust")
    app.wait_text("Mijn samenwerkingen")
    # the header names the user as the service knows them, which is what the sign-in button said
    assert app.wait_testid("gebruikersnaam").text == "Adriaan Adviseur"
    # practice is unmistakable: the colour band with the word and the organisation acted as
    band = app.wait_testid("oefenband")
    assert "OEFENOMGEVING" in band.text.upper()
    assert app.wait_testid("oefenband-organisatie").text == "Veiligheidsregio Oefenkust"
    service = app.driver.find_element(By.CSS_SELECTOR, "[data-testid=sync-status]")
    assert service.get_attribute("data-verbinding") in ("online", "syncing")


def test_echte_aanmelding_weigert_een_oefenservice(new_server, new_app):
    """Practice and real never mix: the real sign-in form refuses a practice service (before
    the password goes out), with a message that says why."""
    srv = new_server("oefenservice", oefenomgeving=True)
    app = new_app("echt-naar-oefen").start()
    app.wait_testid("aanmelden-formulier")
    app.fill("Adres van de dienst (URL)", srv.url)
    app.fill("Gebruikersnaam", "gemeente")
    app.fill("Wachtwoord", "wat-dan-ook")
    app.click_testid("aanmelden-knop")
    fout = app.wait_testid("aanmelden-fout")
    assert "oefenomgeving" in fout.text.lower(), fout.text
    assert app.by_testid("aanmelden-formulier"), "still on the sign-in screen"
    assert not app.by_testid("oefenband")
