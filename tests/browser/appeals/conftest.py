"""What the appeals' phone tests share: raising an anonymous appeal as a member does."""

from tests.browser.conftest import log_in


def phone(browser, browser_context_args, base_url, employee_no):
    """A phone of its own, logged in."""
    page = browser.new_context(**browser_context_args).new_page()
    log_in(page, base_url, employee_no)
    return page


def raise_anonymously(page, base_url, category, title, details, photo=None) -> str:
    """Raise an appeal anonymously from the form; the receipt code the page shows."""
    page.goto(base_url + "/appeals/new")
    page.select_option("select[name=category]", value=category)
    page.fill("input[name=title]", title)
    page.fill("textarea[name=details]", details)
    if photo is not None:
        page.set_input_files("input[name=photos]", photo)
    page.get_by_label("匿名提出").check()
    page.get_by_role("button", name="提交诉求").click()
    page.wait_for_url(base_url + "/appeals/receipt")
    return page.locator("#receipt-code").inner_text().strip()


def member_and_officer(live_server, browser, browser_context_args, tag: str):
    """Two phones logged in: a member's and a rights officer's (维权干事), new people each."""
    live_server.make_user(f"AP-M{tag}", name=f"匿名者{tag}")
    live_server.make_user(f"AP-O{tag}", "organizer", name=f"维权干事{tag}")
    return tuple(
        phone(browser, browser_context_args, live_server.url, f"AP-{role}{tag}")
        for role in ("M", "O")
    )
