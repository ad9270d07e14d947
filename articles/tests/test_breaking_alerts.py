"""Breaking alerts: readers opt in, the desk sends once from a breaking story, phones get it.

The push service is a real HTTP server on loopback (articles/tests/push_service.py): it checks
each request's VAPID signature and decrypts its aes128gcm body with the keys the test's
"browser" made, exactly as a browser vendor's push service and the browser would. The delivery
runs through the task queue's own worker (`manage.py db_worker --batch`). Nothing leaves the
machine.
"""

import json
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from articles import alerts
from articles.models import Alert, PushKeys, PushSubscription
from articles.tests.factories import ArticleFactory, StaffUserFactory
from articles.tests.push_service import BrowserKeys
from staff.models import AuditEntry

SUBSCRIBE = "/alerts/subscribe/"
UNSUBSCRIBE = "/alerts/unsubscribe/"
FCM = "https://fcm.googleapis.com/fcm/send/abc123"


def post_json(client, url, data, **extra):
    body = data if isinstance(data, (str, bytes)) else json.dumps(data)
    return client.post(url, body, content_type="application/json", **extra)


def subscribe(push_service, name, answer=201):
    endpoint, keys = push_service.subscribe(name, answer)
    return alerts.subscription_add(data=keys.subscription(endpoint), address="127.0.0.1"), keys


@pytest.fixture
def breaking_story(section, masthead):
    return ArticleFactory(section=section, is_breaking=True, headline="زلزال بقوة 5 درجات")


@pytest.fixture
def superdesk(db, django_user_model):
    """Every right, made in the test itself (the transactional tests' flush empties the roles'
    groups; a superuser needs none)."""
    return django_user_model.objects.create_superuser("superdesk", "s@example.com", "pw-1234567")


# Readers opt in ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_browser_subscribes_with_its_endpoint_and_keys(client):
    keys = BrowserKeys()
    response = post_json(client, SUBSCRIBE, keys.subscription(FCM))
    assert response.status_code == 201
    assert "فُعّلت" in response.json()["message"]
    stored = PushSubscription.objects.get()
    assert (stored.endpoint, stored.p256dh, stored.auth) == (FCM, keys.p256dh, keys.auth)
    assert "127.0.0.1" not in stored.client_hash


@pytest.mark.django_db
def test_subscribing_twice_renews_the_one_subscription(client):
    post_json(client, SUBSCRIBE, BrowserKeys().subscription(FCM))
    keys = BrowserKeys()
    assert post_json(client, SUBSCRIBE, keys.subscription(FCM)).status_code == 201
    assert PushSubscription.objects.get().p256dh == keys.p256dh


@pytest.mark.django_db
def test_a_reader_turns_alerts_off(client):
    post_json(client, SUBSCRIBE, BrowserKeys().subscription(FCM))
    response = post_json(client, UNSUBSCRIBE, {"endpoint": FCM})
    assert response.status_code == 200
    assert "أُوقفت" in response.json()["message"]
    assert not PushSubscription.objects.exists()


def _keys(**changes):
    keys = BrowserKeys()
    return {"p256dh": keys.p256dh, "auth": keys.auth, **changes}


INVALID = {
    "plain http": {"endpoint": "http://fcm.googleapis.com/fcm/send/x", "keys": _keys()},
    "unknown host": {"endpoint": "https://evil.example.com/push", "keys": _keys()},
    "look-alike host": {"endpoint": "https://fcm.googleapis.com.evil.example/x", "keys": _keys()},
    "an address": {"endpoint": "https://10.0.0.1/push", "keys": _keys()},
    "loopback over http": {"endpoint": "http://127.0.0.1:9/push", "keys": _keys()},
    "another port": {"endpoint": "https://fcm.googleapis.com:8443/x", "keys": _keys()},
    "credentials": {"endpoint": "https://u:p@fcm.googleapis.com/x", "keys": _keys()},
    "too long": {"endpoint": FCM + "a" * 1000, "keys": _keys()},
    "no endpoint": {"keys": _keys()},
    "endpoint not text": {"endpoint": 12, "keys": _keys()},
    "no keys": {"endpoint": FCM},
    "keys not an object": {"endpoint": FCM, "keys": "p256dh"},
    "short p256dh": {"endpoint": FCM, "keys": _keys(p256dh="BAAA")},
    "padded base64": {"endpoint": FCM, "keys": _keys(auth=BrowserKeys().auth + "==")},
    "not base64url": {"endpoint": FCM, "keys": _keys(auth="!" * 22)},
    "long auth": {"endpoint": FCM, "keys": _keys(auth="A" * 30)},
    "not a point": {"endpoint": FCM, "keys": _keys(p256dh="BA" + "A" * 85)},
    "not an object": ["https://fcm.googleapis.com/x"],
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", INVALID, ids=list(INVALID))
def test_an_invalid_subscription_is_refused_in_arabic(client, case):
    response = post_json(client, SUBSCRIBE, INVALID[case])
    assert response.status_code == 400, response.content
    assert any("\u0600" <= c <= "\u06ff" for c in response.json()["error"])
    assert not PushSubscription.objects.exists()


@pytest.mark.django_db
def test_a_body_that_is_not_json_or_too_big_is_refused_in_arabic(client):
    response = post_json(client, SUBSCRIBE, b"\xff{not json")
    assert response.status_code == 400
    assert "غير مفهوم" in response.json()["error"]
    deep = post_json(client, SUBSCRIBE, "[" * 2000 + "]" * 2000)
    assert deep.status_code == 400
    assert "غير مفهوم" in deep.json()["error"]
    big = {"endpoint": FCM, "keys": _keys(), "padding": "x" * 5000}
    response = post_json(client, SUBSCRIBE, big)
    assert response.status_code == 413
    assert "أكبر من اللازم" in response.json()["error"]


@pytest.mark.django_db
def test_a_subscription_from_another_site_is_refused(client):
    response = post_json(
        client, SUBSCRIBE, BrowserKeys().subscription(FCM), HTTP_ORIGIN="https://evil.example"
    )
    assert response.status_code == 403
    assert "الموقع نفسه" in response.json()["error"]
    same = post_json(
        client, SUBSCRIBE, BrowserKeys().subscription(FCM), HTTP_ORIGIN="http://testserver"
    )
    assert same.status_code == 201


@pytest.mark.django_db
def test_one_address_may_subscribe_only_so_many_browsers_an_hour(client, settings):
    settings.NEWSROOM_PUSH_SUBSCRIBE_PER_HOUR = 3
    for number in range(3):
        endpoint = f"{FCM}/{number}"
        assert post_json(client, SUBSCRIBE, BrowserKeys().subscription(endpoint)).status_code == 201
    response = post_json(client, SUBSCRIBE, BrowserKeys().subscription(f"{FCM}/4"))
    assert response.status_code == 429
    assert "حاول بعد ساعة" in response.json()["error"]
    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        later = post_json(client, SUBSCRIBE, BrowserKeys().subscription(f"{FCM}/5"))
    assert later.status_code == 201


@pytest.mark.django_db
def test_the_subscribe_endpoints_take_only_posts(client):
    assert client.get(SUBSCRIBE).status_code == 405
    assert client.get(UNSUBSCRIBE).status_code == 405
    assert client.post(reverse("articles:alerts_key")).status_code == 405


@pytest.mark.django_db
def test_the_install_makes_its_vapid_keys_once_and_gives_only_the_public_one(client):
    assert not PushKeys.objects.exists()
    first = client.get(reverse("articles:alerts_key"))
    assert first.status_code == 200
    keys = PushKeys.objects.get()
    assert first.json() == {"publicKey": keys.public_key}
    assert len(alerts.b64url_decode(keys.public_key)) == 65
    assert client.get(reverse("articles:alerts_key")).json() == {"publicKey": keys.public_key}
    assert PushKeys.objects.count() == 1
    assert "PRIVATE" in keys.private_key
    assert "PRIVATE" not in first.content.decode()
    assert "no-cache" in first["Cache-Control"]


@pytest.mark.django_db
def test_the_service_worker_is_served_from_the_root_as_javascript_under_the_site_policy(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Cache-Control"] == "no-cache"
    body = response.content.decode()
    assert 'addEventListener("push"' in body
    assert "showNotification" in body
    assert "notificationclick" in body
    policy = dict(
        [*part.split(" ", 1), ""][:2]
        for part in (p.strip() for p in response["Content-Security-Policy"].split(";"))
        if part
    )
    assert policy["script-src"] == "'self'"
    assert policy["worker-src"] == "'self'"
    assert policy["default-src"] == "'self'"
    head = client.head("/sw.js")  # what a browser's update check may send
    assert (head.status_code, head["Content-Type"]) == (200, "text/javascript; charset=utf-8")


@pytest.mark.django_db
def test_pages_offer_the_opt_in_button_hidden_until_the_script_finds_the_push_api(
    client, published_article
):
    page = client.get("/").content.decode()
    assert "تنبيهات الأخبار العاجلة" in page
    assert "data-alerts hidden" in page
    assert "articles/alerts.js" in page
    assert "<script>" not in page  # no inline script
    policy = client.get("/")["Content-Security-Policy"]
    assert "script-src 'self';" in policy + ";"


# The desk sends ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_reporter_may_not_send_an_alert(reporter, breaking_story):
    with pytest.raises(PermissionDenied, match="محرري الديسك"):
        alerts.alert_send(article=breaking_story, by=reporter)
    assert not Alert.objects.exists()


@pytest.mark.django_db
def test_only_a_published_breaking_story_is_alerted(desk_editor, section, masthead):
    quiet = ArticleFactory(section=section, is_breaking=False)
    with pytest.raises(ValidationError, match="«عاجل»"):
        alerts.alert_send(article=quiet, by=desk_editor)
    draft = ArticleFactory(section=section, is_breaking=True, draft=True)
    with pytest.raises(ValidationError, match="منشور"):
        alerts.alert_send(article=draft, by=desk_editor)
    assert not Alert.objects.exists()


@pytest.mark.django_db
def test_a_story_is_never_alerted_twice(desk_editor, breaking_story, commit, settings):
    settings.NEWSROOM_ALERT_MIN_MINUTES = 0
    commit(lambda: alerts.alert_send(article=breaking_story, by=desk_editor))
    with pytest.raises(ValidationError, match="مرتين"):
        alerts.alert_send(article=breaking_story, by=desk_editor)
    assert Alert.objects.count() == 1


@pytest.mark.django_db
def test_no_second_alert_within_the_minutes_the_settings_give(
    desk_editor, breaking_story, section, settings, commit
):
    settings.NEWSROOM_ALERT_MIN_MINUTES = 15
    commit(lambda: alerts.alert_send(article=breaking_story, by=desk_editor))
    second = ArticleFactory(section=section, is_breaking=True)
    with pytest.raises(ValidationError, match="قبل أقل من 15 دقيقة"):
        alerts.alert_send(article=second, by=desk_editor)
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        alert = commit(lambda: alerts.alert_send(article=second, by=desk_editor))
    assert alert.article == second


@pytest.mark.django_db
def test_the_alert_is_recorded_with_who_and_the_headline_and_waits_for_the_commit(
    desk_editor, breaking_story, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        alert = alerts.alert_send(article=breaking_story, by=desk_editor, title="  عاجل:   زلزال ")
    assert len(callbacks) == 1  # the delivery is enqueued only once the send commits
    assert (alert.title, alert.sent_by, alert.status) == ("عاجل: زلزال", desk_editor, "queued")
    assert Alert.objects.get().article == breaking_story


@pytest.mark.django_db
def test_the_audit_trail_keeps_every_send_and_every_refused_one(
    desk_editor, reporter, breaking_story, commit
):
    with pytest.raises(PermissionDenied):
        alerts.alert_send(article=breaking_story, by=reporter)
    commit(lambda: alerts.alert_send(article=breaking_story, by=desk_editor, title="زلزال"))
    refused = AuditEntry.objects.get(kind=AuditEntry.PERMISSION_REFUSED, actor=reporter)
    assert refused.detail["move"] == "send_alert"
    sent = AuditEntry.objects.get(kind=AuditEntry.WORKFLOW_MOVE, actor=desk_editor)
    assert (sent.detail["move"], sent.detail["comment"]) == ("send_alert", "زلزال")


# Delivery ---------------------------------------------------------------------------------------

delivery = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@delivery
def test_every_reader_gets_the_story_signed_and_encrypted(
    push_service, superdesk, section, masthead, run_queued_tasks
):
    story = ArticleFactory(section=section, is_breaking=True, headline="انفجار في ميناء")
    (_, first), (_, second) = subscribe(push_service, "one"), subscribe(push_service, "two")
    alerts.alert_send(article=story, by=superdesk)  # commits: the task waits in the queue
    assert push_service.received == []
    run_queued_tasks()
    received = push_service.wait_for(2)
    assert push_service.errors == []
    assert sorted(r.path for r in received) == ["/push/one", "/push/two"]
    for delivery_ in received:
        assert delivery_.payload["body"] == "انفجار في ميناء"
        assert delivery_.payload["url"] == story.get_absolute_url()
        assert delivery_.payload["title"] == masthead.site_name
        assert delivery_.payload["icon"]
        assert delivery_.vapid_key == PushKeys.objects.get().public_key
        assert delivery_.headers["urgency"] == "high"
        assert int(delivery_.headers["ttl"]) == 3600
    alert = Alert.objects.get()
    assert (alert.status, alert.sent, alert.failed, alert.gone) == ("delivered", 2, 0, 0)
    assert alert.delivered_at is not None
    assert first.auth != second.auth


@delivery
def test_a_subscription_the_push_service_says_is_gone_is_dropped(
    push_service, superdesk, breaking_story, run_queued_tasks
):
    kept, _ = subscribe(push_service, "kept")
    subscribe(push_service, "expired", answer=410)
    subscribe(push_service, "unknown", answer=404)
    alerts.alert_send(article=breaking_story, by=superdesk)
    run_queued_tasks()
    alert = Alert.objects.get()
    assert (alert.sent, alert.failed, alert.gone) == (1, 0, 2)
    assert list(PushSubscription.objects.all()) == [kept]
    assert PushSubscription.objects.get().last_success_at is not None


@delivery
def test_a_failed_delivery_is_counted_and_the_subscription_kept(
    push_service, superdesk, breaking_story, run_queued_tasks
):
    failing, _ = subscribe(push_service, "failing", answer=500)
    alerts.alert_send(article=breaking_story, by=superdesk)
    run_queued_tasks()
    alert = Alert.objects.get()
    assert (alert.status, alert.sent, alert.failed, alert.gone) == ("delivered", 0, 1, 0)
    assert "500" in alert.last_error
    failing.refresh_from_db()
    assert failing.failures == 1


@delivery
def test_running_the_delivery_twice_sends_once(
    push_service, superdesk, breaking_story, run_queued_tasks
):
    subscribe(push_service, "one")
    alert = alerts.alert_send(article=breaking_story, by=superdesk)
    run_queued_tasks()
    assert alerts.deliver_alert.call(alert_id=alert.pk) == {"skipped": True}
    alerts.deliver_alert.enqueue(alert_id=alert.pk)
    run_queued_tasks()
    assert len(push_service.wait_for(2, timeout=1)) == 1
    assert Alert.objects.get().sent == 1


@delivery
def test_a_delivery_cut_short_by_a_killed_worker_resumes_after_the_readers_it_reached(
    push_service, superdesk, breaking_story, run_queued_tasks, monkeypatch
):
    monkeypatch.setattr(alerts, "DELIVERY_BATCH", 2)
    for name in ("one", "two", "three"):
        subscribe(push_service, name)
    alert = alerts.alert_send(article=breaking_story, by=superdesk)
    # What the first batch left recorded when the worker was killed during the second: the
    # queue gives the task to the restarted worker (run_tasks), which runs it from the start.
    first_two = PushSubscription.objects.order_by("pk")[1].pk
    Alert.objects.filter(pk=alert.pk).update(
        status=Alert.Status.SENDING, sent=2, delivered_through=first_two
    )
    run_queued_tasks()
    assert [d.path for d in push_service.wait_for(2, timeout=1)] == ["/push/three"]
    alert.refresh_from_db()
    assert (alert.status, alert.sent, alert.failed, alert.gone) == ("delivered", 3, 0, 0)


@delivery
def test_the_delivery_sends_to_several_readers_at_once(
    push_service, superdesk, breaking_story, run_queued_tasks, settings
):
    settings.NEWSROOM_PUSH_CONCURRENCY = 4
    push_service.latency = 0.3  # a push service across the internet
    for number in range(8):
        subscribe(push_service, f"reader-{number}")
    alerts.alert_send(article=breaking_story, by=superdesk)
    run_queued_tasks()
    assert len(push_service.wait_for(8)) == 8
    assert push_service.most_in_flight == 4  # never one at a time, never more than asked
    assert Alert.objects.get().sent == 8


@delivery
def test_a_send_that_rolls_back_enqueues_nothing(
    push_service, superdesk, breaking_story, run_queued_tasks
):
    subscribe(push_service, "one")
    with pytest.raises(RuntimeError), transaction.atomic():
        alerts.alert_send(article=breaking_story, by=superdesk)
        raise RuntimeError("the desk's request failed after the send")
    run_queued_tasks()
    assert not Alert.objects.exists()
    assert push_service.wait_for(1, timeout=0.5) == []


# The desk's pages -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_desk_confirms_once_seeing_the_text_and_how_many_readers(
    client_of, desk_editor, breaking_story, django_capture_on_commit_callbacks
):
    PushSubscription.objects.create(
        endpoint=FCM, p256dh=BrowserKeys().p256dh, auth=BrowserKeys().auth, client_hash="x"
    )
    desk = client_of(desk_editor)
    change = desk.get(reverse("admin:articles_article_change", args=[breaking_story.pk]))
    url = reverse("admin:articles_article_alert", args=[breaking_story.pk])
    assert url in change.content.decode()
    page = desk.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "زلزال بقوة 5 درجات" in text
    assert "<strong data-subscribers>1</strong>" in text
    assert not Alert.objects.exists()  # opening the page sends nothing
    with django_capture_on_commit_callbacks():
        sent = desk.post(url, {"title": "زلزال بقوة 5 درجات"}, follow=True)
    assert sent.redirect_chain[-1][0] == reverse("admin:articles_alert_changelist")
    assert "أُرسل التنبيه" in sent.content.decode()
    assert Alert.objects.get().sent_by == desk_editor


@pytest.mark.django_db
def test_the_confirmation_page_says_why_a_story_cannot_be_alerted(
    client_of, desk_editor, section, masthead
):
    quiet = ArticleFactory(section=section)
    desk = client_of(desk_editor)
    change = desk.get(reverse("admin:articles_article_change", args=[quiet.pk]))
    url = reverse("admin:articles_article_alert", args=[quiet.pk])
    assert url not in change.content.decode()
    page = desk.get(url)
    assert "لا يُرسل تنبيه إلا عن خبر معلَّم «عاجل»" in page.content.decode()
    refused = desk.post(url, {"title": "x"})
    assert refused.status_code == 200
    assert not Alert.objects.exists()


@pytest.mark.django_db
def test_a_reporter_cannot_open_the_send_page(client_of, reporter, breaking_story):
    response = client_of(reporter).post(
        reverse("admin:articles_article_alert", args=[breaking_story.pk]), {"title": "x"}
    )
    assert response.status_code == 403
    assert not Alert.objects.exists()


@pytest.mark.django_db
def test_the_desk_reads_the_alerts_with_their_counts_and_cannot_edit_them(
    client_of, desk_editor, breaking_story
):
    Alert.objects.create(
        article=breaking_story, title="نص", sent_by=desk_editor, sent=7, failed=2, gone=3
    )
    desk = client_of(desk_editor)
    page = desk.get(reverse("admin:articles_alert_changelist"))
    assert page.status_code == 200
    text = page.content.decode()
    for count in (">7<", ">2<", ">3<"):
        assert count in text
    assert desk.get(reverse("admin:articles_alert_add")).status_code == 403
    reporter = StaffUserFactory(username="r2", role="مراسل")
    assert client_of(reporter).get(reverse("admin:articles_alert_changelist")).status_code == 403
