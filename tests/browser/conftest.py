"""Fixtures the phone's browser tests share; each module defines its own `district`."""

import pytest

from tests.browser.phone import settle, sign_in, wait_for_offline_shell


@pytest.fixture
def phone_context(browser, playwright, live_server, district):
    """A Pixel 7 browser context on the live server, after the module's district is made."""
    context = browser.new_context(
        **playwright.devices["Pixel 7"], base_url=live_server.url, bypass_csp=True
    )
    yield context
    context.close()


@pytest.fixture
def phone(phone_context):
    """Ruiz signed in, the offline shell and the rules kept on the phone."""
    page = phone_context.new_page()
    sign_in(page, "ofc.ruiz")
    page.goto("/entries/new")
    wait_for_offline_shell(page)
    page.goto("/entries")
    settle(page)
    return page
