"""Breaking alerts in a real browser: a reader opts in on the site, the desk sends an alert from
a breaking story through the admin's confirmation, and the push service receives it.

Headless Chromium cannot get a real push subscription: that needs the browser vendor's push
service (Google's, for Chromium) on the internet, which this machine has not. So ONE thing is
replaced: an init script swaps `PushManager.prototype.subscribe` (and `getSubscription`) for one
that returns a subscription pointing at the test's push service on loopback, with the keys the
test generated as a browser would. Everything else is real: the footer's button and its states,
the service worker's registration from /sw.js, the public VAPID key fetched from the site, the
POST of the subscription to our endpoint, the desk's send through the admin confirmation, the
task queue's worker, the VAPID-signed request, and the payload decrypted with the browser's keys.
"""

import json

from playwright.sync_api import expect

from articles.models import Alert, PushKeys, PushSubscription
from articles.tests.factories import ArticleFactory, EditorFactory, MastheadFactory, SectionFactory

FAKE_PUSH = """
(() => {
  const fake = %s;
  // A real browser keeps its subscription across page loads; so does this one.
  let current = null;
  function subscription() {
    return {
      endpoint: fake.endpoint,
      expirationTime: null,
      options: { userVisibleOnly: true },
      toJSON() {
        return { endpoint: fake.endpoint, expirationTime: null, keys: fake.keys };
      },
      unsubscribe() {
        current = null;
        localStorage.removeItem("fake-push");
        return Promise.resolve(true);
      },
    };
  }
  if (!window.PushManager) return;
  PushManager.prototype.subscribe = function (options) {
    const key = new Uint8Array(options.applicationServerKey);
    window.__applicationServerKey = btoa(String.fromCharCode.apply(null, key))
      .replace(/\\+/g, "-").replace(/\\//g, "_").replace(/=+$/, "");
    current = subscription();
    localStorage.setItem("fake-push", "1");
    return Promise.resolve(current);
  };
  PushManager.prototype.getSubscription = function () {
    if (!current && localStorage.getItem("fake-push")) current = subscription();
    return Promise.resolve(current);
  };
})();
"""


def test_a_reader_opts_in_and_the_push_service_receives_the_desks_alert(
    new_page, desk_account, admin_login, screenshot, push_service, run_queued_tasks
):
    EditorFactory(name="محمد الباز", job_title="رئيس التحرير", is_editor_in_chief=True)
    MastheadFactory()
    story = ArticleFactory(
        section=SectionFactory(name="أخبار مصر"),
        headline="هزة أرضية يشعر بها سكان القاهرة",
        is_breaking=True,
    )
    endpoint, keys = push_service.subscribe("reader")

    # The reader: the footer's button, off at first, then on.
    reader = new_page(permissions=["notifications"])
    reader.add_init_script(FAKE_PUSH % json.dumps(keys.subscription(endpoint)))
    reader.goto("/")
    button = reader.get_by_role("button", name="تنبيهات الأخبار العاجلة")
    expect(button).to_be_visible()
    status = reader.locator("[data-alerts-status]")
    expect(status).to_have_text("التنبيهات العاجلة غير مفعّلة على هذا المتصفح.")
    expect(button).to_have_attribute("aria-pressed", "false")
    # Nothing is installed until the reader asks: no service worker for readers who never do.
    assert reader.evaluate("navigator.serviceWorker.getRegistration('/')") is None
    button.click()
    expect(status).to_have_text("فُعّلت التنبيهات العاجلة على هذا المتصفح.")
    expect(button).to_have_attribute("aria-pressed", "true")
    screenshot(reader, "reader-opted-in")
    assert reader.evaluate(
        "navigator.serviceWorker.getRegistration('/').then(r => !!(r && r.active)"
        " && r.active.scriptURL.endsWith('/sw.js'))"
    )
    assert reader.evaluate("window.__applicationServerKey") == PushKeys.objects.get().public_key
    subscription = PushSubscription.objects.get()
    assert (subscription.endpoint, subscription.p256dh) == (endpoint, keys.p256dh)

    # A reload finds the subscription: still on.
    reader.reload()
    expect(reader.locator("[data-alerts-status]")).to_have_text(
        "التنبيهات العاجلة مفعّلة على هذا المتصفح."
    )

    # A browser that refuses notifications: the button says so, and nothing is subscribed.
    refusing = new_page()
    refusing.add_init_script(FAKE_PUSH % json.dumps(keys.subscription(endpoint + "-refused")))
    refusing.goto("/")
    refusing.get_by_role("button", name="تنبيهات الأخبار العاجلة").click()
    expect(refusing.locator("[data-alerts-status]")).to_contain_text("رفض المتصفح التنبيهات")
    expect(refusing.get_by_role("button", name="تنبيهات الأخبار العاجلة")).to_be_disabled()
    screenshot(refusing, "browser-refused")
    assert PushSubscription.objects.count() == 1

    # The desk: from the story's form, one confirmation that says to how many.
    desk = new_page()
    admin_login(desk, desk_account)
    desk.goto(f"/admin/articles/article/{story.pk}/change/")
    desk.get_by_role("link", name="إرسال تنبيه عاجل").click()
    expect(desk.locator("[data-subscribers]")).to_have_text("1")
    expect(desk.get_by_label("نص التنبيه:")).to_have_value(story.headline)
    screenshot(desk, "desk-confirms-the-alert")
    desk.get_by_role("button", name="تأكيد إرسال التنبيه").click()
    expect(desk.locator(".messagelist")).to_contain_text("أُرسل التنبيه")
    assert push_service.received == []  # after the response: the queue's worker sends it

    run_queued_tasks()
    received = push_service.wait_for(1)
    assert push_service.errors == []
    assert len(received) == 1
    assert received[0].payload["body"] == story.headline
    assert received[0].payload["url"] == story.get_absolute_url()
    assert received[0].vapid_key == PushKeys.objects.get().public_key
    alert = Alert.objects.get()
    assert (alert.status, alert.sent, alert.failed, alert.gone) == ("delivered", 1, 0, 0)

    desk.reload()
    expect(desk.locator("#result_list")).to_contain_text(story.headline)
    screenshot(desk, "desk-reads-the-counts")
