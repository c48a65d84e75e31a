"""The app's own pages pass its Content-Security-Policy (issue 12, item 11): in a real
Chromium, no page of any role reports a violation, and the behaviours that used inline
handlers (print, submit on change, opening a notification) still work."""

import pytest

from tests.browser.conftest import log_in

# Every violation the page sees, kept where the test can read it.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  const where = `${e.sourceFile}:${e.lineNumber}`;
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${where}`);
});
"""

PAGES = {
    "admin": [
        "/",
        "/me",
        "/admin/users",
        "/admin/departments",
        "/admin/import",
        "/admin/audit",
        "/notifications/",
        "/notifications/settings",
        "/congress/evaluations/new",
        "/surveys/new",
        "/gate/types",
        "/library/",
        "/care/",
        "/reports/",
    ],
    "officer": [
        "/safety/",
        "/safety/hazards",
        "/safety/hazards/new",
        "/safety/hazards/mine",
        "/safety/dashboard",
        "/safety/areas",
        "/safety/patrols",
        "/safety/roster",
        "/activities/",
        "/activities/new",
        "/sync/outbox",
        "/offline",
    ],
}


@pytest.mark.heavy
def test_no_page_breaks_the_content_security_policy(live_server, browser):
    live_server.make_user("CSP01", "admin", name="安全头管理员")
    live_server.make_user("CSP02", "safety_officer", "inspector", "organizer", name="安全头安全员")
    seen = {}
    for who, employee_no in (("admin", "CSP01"), ("officer", "CSP02")):
        context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
        context.add_init_script(RECORD_VIOLATIONS)
        console = []
        page = context.new_page()
        page.on(
            "console",
            lambda m, console=console: (
                console.append(m.text) if "Content Security Policy" in m.text else None
            ),
        )
        log_in(page, live_server.url, employee_no)
        for path in PAGES[who]:
            response = page.goto(live_server.url + path)
            assert response.status < 400, path
            assert "default-src 'self'" in response.headers["content-security-policy"]
            page.wait_for_load_state("networkidle")
            violations = page.evaluate("window.__cspViolations")
            if violations:
                seen[path] = violations
        if console:
            seen[f"{who} console"] = console
        context.close()
    assert seen == {}
