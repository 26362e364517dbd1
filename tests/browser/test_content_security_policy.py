"""The Content-Security-Policy in the browser, on one page of each class (survivor, wall, kiosk,
workspace, admin, API): a script injected into the page, inline or as an event handler, does
not run, and the browser reports each as a violation of the policy."""

import pytest

from tests.testimony.wall import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = {
    "survivor": "/en/tell/",
    "wall screen": "/wall/hall/",
    "web wall": "/wall/",
    "kiosk": "/kiosk/?lang=en",
    "workspace": "/moderate/login/",
    "admin": "/admin/login/",  # sends a stranger to the workspace's login
    "API": "/api/v1/challenge/",
}

LISTEN = """
(() => {
  const seen = [];
  Object.defineProperty(window, "__violations", { value: seen });
  document.addEventListener("securitypolicyviolation",
    (event) => seen.push(event.effectiveDirective), true);
})();
"""

INJECT = """
async () => {
  const script = document.createElement("script");
  script.textContent = "window.__ran = (window.__ran || []).concat('inline')";
  document.documentElement.appendChild(script);
  const button = document.createElement("button");
  button.setAttribute("onclick", "window.__ran = (window.__ran || []).concat('handler')");
  document.documentElement.appendChild(button);
  button.click();
  await new Promise((done) => setTimeout(done, 100));  // violation events are queued
  return { ran: window.__ran || [], violations: window.__violations };
}
"""


@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
def test_the_policy_blocks_an_injected_inline_script(new_page, path):
    factories.installation(slug="hall")
    page = new_page()
    page.add_init_script(LISTEN)
    page.goto(path)
    found = page.evaluate(INJECT)
    assert found["ran"] == []
    assert {"script-src-elem", "script-src-attr", "script-src"} & set(found["violations"])
    assert len(found["violations"]) >= 2, found
