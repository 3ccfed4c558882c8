"""Offline: the service goes away, the app says so and keeps showing its local copy; the service
comes back (same port, same data) and the banner goes."""

from selenium.webdriver.common.by import By

from harness import GEMEENTE, VEILIGHEIDSREGIO, wait_until

TITEL = "Brandveilig bouwen Havenstraat 3"


def test_offline_banner_met_laatste_stand_en_terug_online(new_server, new_app):
    server = new_server("swf-server-offline")
    # something to show: the gemeente invites the veiligheidsregio (set up over the API)
    token = server.token(GEMEENTE["gebruiker"])
    s = server.request("POST", "/samenwerkingen", token, {
        "titel": TITEL,
        "deelnemers": [{"oin": VEILIGHEIDSREGIO["oin"], "privilege": "BEPERKTE_TOEGANG"}],
    })
    sid = s["samenwerkingId"]

    app = new_app("offline").start()
    app.aanmelden(server, VEILIGHEIDSREGIO)
    regel = app.wait_testid(f"samenwerking-{sid}")
    assert TITEL in regel.text
    sync = lambda: app.driver.find_element(By.CSS_SELECTOR, "[data-testid=sync-status]")  # noqa: E731
    wait_until(lambda: sync().get_attribute("data-verbinding") == "online", 30, "online")
    app.wait_testid("live-indicator")
    assert not app.by_testid("offline-banner")

    server.stop()
    banner = app.wait_testid("offline-banner", timeout=30)
    assert "U werkt offline. U ziet de stand van" in banner.text
    assert "Wijzigen kan weer zodra de verbinding terug is." in banner.text
    assert sync().get_attribute("data-verbinding") == "offline"
    assert "Offline" in sync().text and "Bijgewerkt" in sync().text  # the last synced time
    # the local copy is still there, and writing is not offered
    assert TITEL in app.wait_testid(f"samenwerking-{sid}").text
    assert not app.by_testid("samenwerking-starten")[0].is_enabled()
    assert not app.by_testid("live-indicator")
    app.screenshot("offline")
    app.axe("overzicht-offline")
    # the samenwerking itself opens from the local copy too
    app.click_link(TITEL)
    app.wait_testid_text("samenvatting", "Gemeente Oefenstad")
    app.click_testid("tab-deelnemers")
    app.wait_testid(f"deelnemer-{VEILIGHEIDSREGIO['oin']}")
    app.axe("samenwerking-offline-deelnemers")

    server.start()  # same port, same data folder
    app.wait_gone(By.CSS_SELECTOR, "[data-testid=offline-banner]", timeout=90, what="the offline banner")
    wait_until(lambda: sync().get_attribute("data-verbinding") == "online", 30, "online again")
    app.click_testid("nav-overzicht")
    wait_until(lambda: any(b.is_enabled() for b in app.by_testid("samenwerking-starten")), 20,
               "writing offered again")
    app.screenshot("weer-online")
