"""The app starts from the e2e build on its sign-in screen, and its built-in practice
environment (a local service with the two demo organisations) lets one sign in with a click."""

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
    app.click_testid("oefengebruiker-adviseur")
    app.wait_testid_text("organisatie-naam", "Veiligheidsregio Oefenland")
    app.wait_text("Mijn samenwerkingen")
    # the header names the user as the service knows them, which is what the sign-in button said
    assert app.wait_testid("gebruikersnaam").text == "Adriaan Adviseur"
    service = app.driver.find_element(By.CSS_SELECTOR, "[data-testid=sync-status]")
    assert service.get_attribute("data-verbinding") in ("online", "syncing")
