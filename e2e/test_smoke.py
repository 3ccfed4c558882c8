"""The app starts from the e2e build and shows the sign-in screen."""

from selenium.webdriver.common.by import By


def test_app_starts_on_the_sign_in_screen(new_app):
    app = new_app("smoke").start()
    password = app.wait_visible(By.CSS_SELECTOR, "input[type=password]", what="password field")
    assert password.is_enabled()
    app.screenshot("smoke-aanmelden")
