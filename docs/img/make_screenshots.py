"""Make the README screenshots from the real app against a real swf-server with demo data.

Run inside the desktop session the tests use (an X display and a private session bus), after
`bash scripts/test.sh` has built target/e2e/samenwerkruimte, swf-server and tauri-driver:

    xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- \
        target/ci-venv/bin/python docs/img/make_screenshots.py

Writes docs/img/overzicht.png and docs/img/samenwerking.png.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "tests" / "e2e"))

from harness import API, GEMEENTE, VEILIGHEIDSREGIO, App, SwfServer, wait_until  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402

SAMENWERKINGEN = [
    ("Dakopbouw Kerkstraat 1", "OLO4711", "BEPERKTE_TOEGANG", "Advies brandveiligheid",
     "Graag uw advies over de vluchtroutes en de brandwerendheid van de dakopbouw."),
    ("Evenemententerrein De Wei", "OLO4820", "VOLLEDIGE_TOEGANG", "Advies publieksveiligheid",
     "Graag uw advies over de ontruiming bij 5 000 bezoekers."),
    ("Loods Dorpsstraat 12", "OLO4902", "BEPERKTE_TOEGANG", None, None),
    ("Zonnepark Hoge Veld", None, "VOLLEDIGE_TOEGANG", None, None),
]


def upload(server: SwfServer, token: str, sid: str, path: Path, omschrijving: str):
    subprocess.run(
        ["curl", "-sf", "-X", "POST",
         f"{server.url}{API}/samenwerkingen/{sid}/documenten"
         f"?vertrouwelijkheidsAanduiding=RV&documentOmschrijving={omschrijving}",
         "-H", f"Authorization: Bearer {token}", "-F", f"file=@{path}"],
        check=True, stdout=subprocess.DEVNULL,
    )


def main():
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        server = SwfServer(work).start()
        try:
            gem = server.token(GEMEENTE["gebruiker"])
            tekening = work / "bouwtekening.pdf"
            tekening.write_bytes(b"%PDF-1.4 bouwtekening\n")
            sids = []
            for titel, nummer, privilege, vraag, tekst in SAMENWERKINGEN:
                body = {"titel": titel,
                        "deelnemers": [{"oin": VEILIGHEIDSREGIO["oin"], "privilege": privilege}]}
                if nummer:
                    body["verzoeknummer"] = nummer
                sid = server.request("POST", "/samenwerkingen", gem, body)["samenwerkingId"]
                sids.append(sid)
                upload(server, gem, sid, tekening, "Bouwtekening")
                if vraag:
                    server.request("POST", f"/samenwerkingen/{sid}/actieverzoeken", gem,
                                   {"titel": vraag, "omschrijving": tekst,
                                    "ontvanger": VEILIGHEIDSREGIO["oin"]})
            # the service opens a new samenwerking after a moment (INITIALISATIE -> OPEN)
            wait_until(lambda: all(
                server.request("GET", f"/samenwerkingen/{sid}", gem)["status"]["status"] == "OPEN"
                for sid in sids), 30, "the samenwerkingen to open")
            app = App("screenshots", work / "app").start()
            try:
                app.driver.set_window_size(1280, 800)
                app.aanmelden(server, VEILIGHEIDSREGIO)
                app.wait_text(SAMENWERKINGEN[-1][0])
                app.wait_text("Wat wordt van u gevraagd")
                app.wait_no_text("Bezig met laden")
                app.wait_testid("live-indicator")
                app.screenshot("readme-overzicht").replace(HERE / "overzicht.png")
                app.driver.find_element(By.LINK_TEXT, SAMENWERKINGEN[0][0]).click()
                tab = wait_until(
                    lambda: app.driver.find_element(
                        By.XPATH, "//*[@role='tab'][contains(., 'Actieverzoeken')]"),
                    20, "the Actieverzoeken tab")
                tab.click()
                app.wait_text(SAMENWERKINGEN[0][3])
                app.screenshot("readme-samenwerking").replace(HERE / "samenwerking.png")
            finally:
                app.stop()
        finally:
            server.stop()
    print("wrote", HERE / "overzicht.png", "and", HERE / "samenwerking.png")


if __name__ == "__main__":
    main()
