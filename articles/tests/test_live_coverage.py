"""Live coverage «تغطية مباشرة» (issue 24, point 2): the desk's services, the reader's page
without JavaScript, the endpoint readers' pages poll, its caching, and the live desk."""

import json
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from reversion.models import Version

from articles import images, live
from articles.models import Article, LiveEntry
from articles.tests.caches import empty_every_cache
from articles.tests.crafted_images import leaky_jpeg
from articles.tests.factories import ArticleFactory, StaffUserFactory, jpeg_upload
from articles.tests.test_query_counts import BUDGETS, queries_for
from staff.models import AuditEntry

State = LiveEntry.State


def json_ld(response) -> dict:
    found = re.search(
        r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S
    )
    return json.loads(found.group(1))


def entries_url(article) -> str:
    return reverse("articles:live_entries", kwargs={"pk": article.pk})


@pytest.fixture
def live_story(published_article, desk_editor):
    return live.live_start(article=published_article, by=desk_editor)


def post(story, by, body="<p>بدأت الجلسة في موعدها.</p>", **kwargs):
    return live.live_entry_post(article=story, by=by, body=body, **kwargs)


def endpoint(client, story, **headers):
    return client.get(entries_url(story), **headers)


# The services ---------------------------------------------------------------------------


def test_the_desk_starts_a_coverage_kept_in_the_storys_history(published_article, desk_editor):
    live.live_start(article=published_article, by=desk_editor)
    published_article.refresh_from_db()
    assert published_article.is_live
    version = Version.objects.get_for_object(published_article).first()
    assert version.revision.comment == "بدأت التغطية المباشرة"
    assert AuditEntry.objects.filter(
        kind=AuditEntry.WORKFLOW_MOVE, additional_data__move="live_start"
    ).exists()
    with pytest.raises(ValidationError):
        live.live_start(article=published_article, by=desk_editor)


def test_a_reporter_can_neither_start_nor_end_a_coverage(published_article, reporter):
    with pytest.raises(PermissionDenied):
        live.live_start(article=published_article, by=reporter)
    refusal = AuditEntry.objects.get(kind=AuditEntry.PERMISSION_REFUSED)
    assert refusal.detail["move"] == "live_start"


def test_the_desks_entry_is_published_at_once_with_its_author(live_story, desk_editor):
    entry = post(live_story, desk_editor)
    assert entry.state == State.PUBLISHED
    assert entry.posted_at is not None
    assert entry.author == desk_editor.editor_profile
    assert Version.objects.get_for_object(entry).first().revision.comment == "نُشرت تدوينة مباشرة"


def test_a_reporter_cannot_publish_an_entry_it_waits_for_the_desk(
    live_story, reporter, desk_editor
):
    with pytest.raises(PermissionDenied):
        post(live_story, reporter, publish=True)
    with pytest.raises(PermissionDenied):
        post(live_story, reporter, pinned=True)
    entry = post(live_story, reporter)
    assert entry.state == State.DRAFT
    live.live_entry_submit(entry=entry, by=reporter)
    assert LiveEntry.objects.get().state == State.REVIEW
    with pytest.raises(PermissionDenied):
        live.live_entry_publish(entry=entry, by=reporter)
    # Once in review it is the desk's: the reporter may no longer change it.
    with pytest.raises(PermissionDenied):
        live.live_entry_change(entry=entry, by=reporter, body="تعديل في المراجعة")
    live.live_entry_publish(entry=entry, by=desk_editor)
    entry.refresh_from_db()
    assert entry.state == State.PUBLISHED and entry.posted_at is not None
    with pytest.raises(PermissionDenied):
        live.live_entry_change(entry=entry, by=reporter, body="تعديل بعد النشر")
    with pytest.raises(PermissionDenied):
        live.live_entry_delete(entry=entry, by=reporter)


def test_a_reporter_touches_only_their_own_unpublished_entries(
    live_story, reporter, other_reporter
):
    entry = post(live_story, reporter)
    with pytest.raises(PermissionDenied):
        live.live_entry_change(entry=entry, by=other_reporter, body="ليس لي")
    with pytest.raises(PermissionDenied):
        live.live_entry_submit(entry=entry, by=other_reporter)
    live.live_entry_change(entry=entry, by=reporter, body="صياغة أدق")
    assert "صياغة أدق" in LiveEntry.objects.get().body


@pytest.mark.parametrize("who", ["anonymous", "staff_without_role"])
def test_a_stranger_gets_nothing_from_any_service(live_story, desk_editor, who):
    stranger = AnonymousUser() if who == "anonymous" else StaffUserFactory(username="nobody")
    entry = post(live_story, desk_editor)
    attempts = [
        lambda: live.live_start(article=live_story, by=stranger),
        lambda: live.live_end(article=live_story, by=stranger),
        lambda: post(live_story, stranger),
        lambda: live.live_entry_change(entry=entry, by=stranger, body="اختراق"),
        lambda: live.live_entry_delete(entry=entry, by=stranger),
        lambda: live.live_entry_pin(entry=entry, by=stranger),
        lambda: live.live_entry_submit(entry=entry, by=stranger),
        lambda: live.live_entry_publish(entry=entry, by=stranger),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied):
            attempt()
    assert LiveEntry.objects.get().body == entry.body


def test_entries_need_a_running_coverage(published_article, desk_editor):
    with pytest.raises(ValidationError):
        post(published_article, desk_editor)
    live.live_start(article=published_article, by=desk_editor)
    live.live_end(article=published_article, by=desk_editor)
    with pytest.raises(ValidationError):
        post(published_article, desk_editor)


def test_an_entry_is_cleaned_like_a_body(live_story, desk_editor):
    entry = post(
        live_story,
        desk_editor,
        body='<p onclick="steal()">هدف <b>أول</b></p><script>alert(1)</script>'
        '<iframe src="https://evil.example/"></iframe>',
    )
    assert entry.body == "<p>هدف <b>أول</b></p>"
    plain = post(live_story, desk_editor, body="النتيجة ٢ < ٣\nسطر")
    assert plain.body.startswith("<p>النتيجة ٢ &lt; ٣")
    with pytest.raises(ValidationError):
        post(live_story, desk_editor, body="<script>alert(1)</script>")
    shell = LiveEntry.objects.get(pk=plain.pk)
    shell.body = "<img src=x onerror=alert(1)>نص"
    shell.save()
    assert "onerror" not in LiveEntry.objects.get(pk=plain.pk).body


def test_an_entrys_photo_is_validated_stripped_and_rendered(
    client, live_story, desk_editor, commit, media_in_tmp
):
    entry = commit(
        lambda: post(live_story, desk_editor, photo=jpeg_upload(), photo_alt="المنصة قبل الجلسة")
    )
    assert entry.photo.name.startswith("live/")
    assert (entry.photo_width, entry.photo_height) == (640, 360)
    assert images.metadata_found(default_storage.open(entry.photo.name).read()) == []
    page = client.get(live_story.get_absolute_url()).content.decode()
    figure = re.search(rf'id="entry-{entry.pk}".*?</article>', page, re.S).group(0)
    assert 'alt="المنصة قبل الجلسة"' in figure and "/renditions/live/" in figure
    assert json_ld(client.get(live_story.get_absolute_url()))["liveBlogUpdate"][0]["image"]
    for width in (480,):
        for extension in ("webp", "jpg"):
            assert default_storage.exists(images.rendition_name(entry.photo.name, width, extension))
    leaky = commit(lambda: post(live_story, desk_editor, photo=leaky_jpeg(), photo_alt="هاتف"))
    assert images.metadata_found(default_storage.open(leaky.photo.name).read()) == []
    with pytest.raises(ValidationError):
        post(live_story, desk_editor, photo=jpeg_upload(), photo_alt="")
    with pytest.raises(ValidationError):
        post(
            live_story,
            desk_editor,
            photo=SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg"),
            photo_alt="صورة",
        )


def test_a_deleted_entry_is_gone_for_readers_but_its_versions_remain(
    client, live_story, desk_editor
):
    entry = post(live_story, desk_editor, body="<p>خبر سيُحذف</p>")
    live.live_entry_change(entry=entry, by=desk_editor, body="<p>خبر عُدّل ثم سيُحذف</p>")
    pk = entry.pk
    live.live_entry_delete(entry=entry, by=desk_editor)

    assert not LiveEntry.objects.filter(pk=pk).exists()
    page = client.get(live_story.get_absolute_url()).content.decode()
    assert "سيُحذف" not in page
    assert endpoint(client, live_story).json()["entries"] == []
    versions = Version.objects.get_for_model(LiveEntry).filter(object_id=str(pk))
    comments = [version.revision.comment for version in versions.order_by("-pk")]
    assert comments == ["حُذفت تدوينة مباشرة", "عُدّلت تدوينة مباشرة", "نُشرت تدوينة مباشرة"]
    assert Version.objects.get_deleted(LiveEntry).filter(object_id=str(pk)).exists()


# The reader's page ----------------------------------------------------------------------


def test_without_javascript_the_page_shows_every_entry_key_points_first(
    client, live_story, desk_editor
):
    for number in range(1, 13):
        post(live_story, desk_editor, body=f"<p>التدوينة رقم {number} من الجلسة</p>")
    key = post(live_story, desk_editor, body="<p>أبرز ما قيل: أُقر القانون</p>", pinned=True)

    page = client.get(live_story.get_absolute_url()).content.decode()

    assert "مباشر" in page
    for number in range(1, 13):
        assert f"التدوينة رقم {number} من الجلسة" in page
    # Key points first, then every entry newest first.
    key_points = page.index("أبرز النقاط")
    assert key_points < page.index(f'id="entry-{key.pk}"')
    assert page.index("التدوينة رقم 12") < page.index("التدوينة رقم 11") < page.index("رقم 1 من")
    assert "هالة محررة الديسك" in page  # the author
    assert 'aria-live="polite"' in page
    assert re.search(r'<script src="[^"]*articles/live[^"]*\.js"', page)
    assert f'data-live-url="{entries_url(live_story)}"' in page


def test_entry_times_are_cairo_time(client, live_story, desk_editor):
    entry = post(live_story, desk_editor)
    page = client.get(live_story.get_absolute_url()).content.decode()
    assert re.search(rf'id="entry-{entry.pk}".*?datetime="[^"]+\+0200"', page, re.S)


def test_an_ended_coverage_says_so_and_drops_the_badge(client, live_story, desk_editor):
    post(live_story, desk_editor, body="<p>آخر تدوينة</p>")
    live.live_end(article=live_story, by=desk_editor)
    page = client.get(live_story.get_absolute_url()).content.decode()
    assert "انتهت التغطية المباشرة" in page
    assert "آخر تدوينة" in page
    assert "live-badge--header" not in page
    assert endpoint(client, live_story).json()["on"] is False


def test_drafts_and_entries_in_review_never_reach_readers(
    client, live_story, reporter, desk_editor
):
    draft = post(live_story, reporter, body="<p>مسودة المراسلة السرية</p>")
    review = post(live_story, reporter, body="<p>تدوينة بانتظار الديسك</p>")
    live.live_entry_submit(entry=review, by=reporter)
    post(live_story, desk_editor, publish=False, body="<p>مسودة الديسك</p>")

    page = client.get(live_story.get_absolute_url()).content.decode()
    data = endpoint(client, live_story).json()
    for secret in ("مسودة المراسلة السرية", "تدوينة بانتظار الديسك", "مسودة الديسك"):
        assert secret not in page
        assert secret not in json.dumps(data, ensure_ascii=False)
    assert data["entries"] == []
    assert draft.pk  # kept for the desk


def test_a_story_that_is_not_live_shows_no_coverage(client, published_article):
    page = client.get(published_article.get_absolute_url()).content.decode()
    assert "data-live-url" not in page
    assert "live.js" not in page


# The endpoint ---------------------------------------------------------------------------


def test_the_endpoint_lists_published_entries_newest_first_as_json(client, live_story, desk_editor):
    first = post(live_story, desk_editor, body="<p>الأولى</p>")
    second = post(live_story, desk_editor, body="<p>الثانية</p>", pinned=True)
    response = endpoint(client, live_story)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    data = response.json()
    assert [entry["id"] for entry in data["entries"]] == [second.pk, first.pk]
    assert data["entries"][0]["pinned"] is True
    assert "الثانية" in data["entries"][0]["html"]
    assert data["on"] is True


def test_the_endpoint_answers_conditional_requests_and_is_publicly_cacheable(
    client, live_story, desk_editor
):
    post(live_story, desk_editor)
    response = endpoint(client, live_story)
    etag = response["ETag"]
    assert etag
    cache_control = response["Cache-Control"]
    assert "public" in cache_control
    assert re.search(r"s-maxage=[1-5]\b", cache_control)
    # A repeat from the page cache (the middleware), then one built fresh (the view).
    assert endpoint(client, live_story, HTTP_IF_NONE_MATCH=etag).status_code == 304
    empty_every_cache()
    assert endpoint(client, live_story, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert endpoint(client, live_story, HTTP_IF_NONE_MATCH='"other"').status_code == 200


def test_the_endpoint_is_served_from_the_page_cache_until_an_entry_changes(
    client, live_story, desk_editor
):
    entry = post(live_story, desk_editor, body="<p>قبل</p>")
    endpoint(client, live_story)
    with CaptureQueriesContext(connection) as cached:
        cached_response = endpoint(client, live_story)
    assert len(cached) == 0
    assert "public" in cached_response["Cache-Control"]
    assert re.search(r"s-maxage=[1-5]\b", cached_response["Cache-Control"])

    live.live_entry_change(entry=entry, by=desk_editor, body="<p>بعد</p>")
    assert "بعد" in endpoint(client, live_story).json()["entries"][0]["html"]
    live.live_entry_pin(entry=entry, by=desk_editor)
    assert endpoint(client, live_story).json()["entries"][0]["pinned"] is True
    live.live_entry_delete(entry=entry, by=desk_editor)
    assert endpoint(client, live_story).json()["entries"] == []


def test_a_new_entry_changes_the_etag_an_unrelated_storys_entry_does_not(
    client, live_story, desk_editor, section
):
    other = live.live_start(article=ArticleFactory(section=section), by=desk_editor)
    post(live_story, desk_editor)
    etag = endpoint(client, live_story)["ETag"]
    page_etag = client.get(live_story.get_absolute_url())["ETag"]

    post(other, desk_editor, body="<p>في خبر آخر</p>")
    with CaptureQueriesContext(connection) as untouched:
        assert endpoint(client, live_story, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert len(untouched) == 0, "another story's entry must not purge this endpoint"

    post(live_story, desk_editor, body="<p>جديد هنا</p>")
    fresh = endpoint(client, live_story, HTTP_IF_NONE_MATCH=etag)
    assert fresh.status_code == 200 and fresh["ETag"] != etag
    page = client.get(live_story.get_absolute_url())
    assert page["ETag"] != page_etag and "جديد هنا" in page.content.decode()


def test_a_deleted_entry_is_never_answered_not_modified(client, live_story, desk_editor):
    """A deletion leaves no newer time: neither the endpoint nor the page may answer 304 to a
    copy from before it, whichever validator the reader sends."""
    entry = post(live_story, desk_editor)
    before = endpoint(client, live_story)
    page_before = client.get(live_story.get_absolute_url())
    assert "Last-Modified" not in before and "Last-Modified" not in page_before
    live.live_entry_delete(entry=entry, by=desk_editor)
    for url, old in (
        (entries_url(live_story), before),
        (live_story.get_absolute_url(), page_before),
    ):
        response = client.get(
            url,
            HTTP_IF_NONE_MATCH=old["ETag"],
            HTTP_IF_MODIFIED_SINCE="Fri, 01 Jan 2100 00:00:00 GMT",
        )
        assert response.status_code == 200


def test_a_draft_entry_does_not_purge_the_readers_pages(client, live_story, reporter):
    client.get(live_story.get_absolute_url())
    endpoint(client, live_story)
    post(live_story, reporter, body="<p>مسودة</p>")
    with CaptureQueriesContext(connection) as cached:
        endpoint(client, live_story)
        client.get(live_story.get_absolute_url())
    assert len(cached) == 0


def test_the_endpoint_of_a_story_not_published_or_never_live_is_not_found(
    client, draft_article, published_article, desk_editor
):
    live.live_start(article=draft_article, by=desk_editor)
    assert endpoint(client, draft_article).status_code == 404
    assert endpoint(client, published_article).status_code == 404
    live.live_start(article=published_article, by=desk_editor)
    post(published_article, desk_editor)
    assert endpoint(client, published_article).status_code == 200
    Article.objects.filter(pk=published_article.pk).update(status=Article.Status.WITHDRAWN)
    empty_every_cache()
    assert endpoint(client, published_article).status_code == 404
    assert client.get("/live/999999999/entries/").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/live/0/entries/",
        "/live/-1/entries/",
        "/live/99999999999999999999999/entries/",
        "/live/abc/entries/",
        "/live/1/entries/?since=%00&x=%ff",
        "/live/1/entries/?" + "a=" * 400,
        "/live/%00/entries/",
    ],
)
def test_hostile_requests_to_the_endpoint_never_answer_a_server_error(
    client, live_story, desk_editor, path
):
    post(live_story, desk_editor)
    response = client.get(path, HTTP_IF_NONE_MATCH='"' + "x" * 5000 + '"')
    assert response.status_code < 500
    assert client.post(entries_url(live_story), {"x": "1"}).status_code == 405
    weird = client.get(
        entries_url(live_story),
        HTTP_IF_MODIFIED_SINCE="not a date",
        HTTP_IF_NONE_MATCH="*, W/, ,,",
    )
    assert weird.status_code in (200, 304)


# JSON-LD --------------------------------------------------------------------------------


def test_a_live_story_is_a_live_blog_posting_with_its_entries(client, live_story, desk_editor):
    first = post(live_story, desk_editor, body="<p>افتتاح الجلسة</p>")
    post(live_story, desk_editor, body="<p>التصويت على القانون</p>")
    data = json_ld(client.get(live_story.get_absolute_url()))
    assert data["@type"] == "LiveBlogPosting"
    assert data["coverageStartTime"] == live_story.live_started_at.isoformat()
    assert "coverageEndTime" not in data
    updates = data["liveBlogUpdate"]
    assert [update["@type"] for update in updates] == ["BlogPosting", "BlogPosting"]
    assert updates[0]["articleBody"] == "التصويت على القانون"
    assert updates[1]["url"].endswith(f"#entry-{first.pk}")
    assert updates[0]["author"]["name"] == "هالة محررة الديسك"
    assert data["dateModified"] >= updates[0]["datePublished"]

    live.live_end(article=live_story, by=desk_editor)
    live_story.refresh_from_db()
    ended = json_ld(client.get(live_story.get_absolute_url()))
    assert ended["coverageEndTime"] == live_story.live_ended_at.isoformat()


def test_a_story_never_live_stays_a_news_article(client, published_article):
    data = json_ld(client.get(published_article.get_absolute_url()))
    assert data["@type"] == "NewsArticle"
    assert "liveBlogUpdate" not in data


# Query counts ---------------------------------------------------------------------------


def test_the_live_pages_cost_the_same_queries_however_many_entries(client, live_story, desk_editor):
    post(live_story, desk_editor)
    url = live_story.get_absolute_url()
    page_one = queries_for(client, url)
    endpoint_one = queries_for(client, entries_url(live_story))
    for number in range(40):
        post(live_story, desk_editor, body=f"<p>تدوينة {number}</p>", pinned=number % 10 == 0)
    assert queries_for(client, url) == page_one <= BUDGETS["live_article"]
    assert queries_for(client, entries_url(live_story)) == endpoint_one <= BUDGETS["live_entries"]


# The live desk (admin) ------------------------------------------------------------------


def test_the_storys_change_form_links_to_its_live_desk(client_of, published_article, desk_editor):
    page = client_of(desk_editor).get(
        reverse("admin:articles_article_change", args=[published_article.pk])
    )
    assert page.status_code == 200
    desk_url = f"/admin/articles/liveentry/?article__id__exact={published_article.pk}"
    assert desk_url.replace("&", "&amp;") in page.content.decode()


def test_the_desk_starts_posts_and_ends_from_the_live_desk(
    client_of, published_article, desk_editor
):
    client = client_of(desk_editor)
    desk = f"/admin/articles/liveentry/?article__id__exact={published_article.pk}"
    assert "بدء التغطية المباشرة" in client.get(desk).content.decode()
    start = reverse("admin:articles_liveentry_coverage", args=[published_article.pk, "start"])
    assert client.get(start).status_code == 405
    assert client.post(start).status_code == 302
    published_article.refresh_from_db()
    assert published_article.is_live

    add = reverse("admin:articles_liveentry_add")
    # Both ways to post from the desk (its button and the list's add link) post in this story.
    page = client.get(desk).content.decode()
    assert page.count(f'href="{add}?article={published_article.pk}"') == 2
    assert client.get(f"{add}?article={published_article.pk}").status_code == 200
    response = client.post(
        add,
        {
            "article": published_article.pk,
            "body": "<p>من ديسك التغطية</p>",
            "photo_alt": "",
            "photo_caption": "",
            "pinned": "on",
            "go": "on",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = LiveEntry.objects.get()
    assert (entry.state, entry.pinned, entry.created_by) == (State.PUBLISHED, True, desk_editor)
    listing = client.get(desk).content.decode()
    assert "من ديسك التغطية" in listing and "إنهاء التغطية المباشرة" in listing

    end = reverse("admin:articles_liveentry_coverage", args=[published_article.pk, "end"])
    client.post(end)
    published_article.refresh_from_db()
    assert not published_article.is_live and published_article.live_ended_at


def test_a_reporters_entry_from_the_admin_goes_to_the_desk(client_of, live_story, reporter):
    client = client_of(reporter)
    response = client.post(
        reverse("admin:articles_liveentry_add"),
        {"article": live_story.pk, "body": "<p>من المراسلة</p>", "go": "on", "pinned": "on"},
    )
    assert response.status_code == 302
    entry = LiveEntry.objects.get()
    assert (entry.state, entry.pinned) == (State.REVIEW, False)
    start = reverse("admin:articles_liveentry_coverage", args=[live_story.pk, "end"])
    assert client.post(start).status_code == 403
    live_story.refresh_from_db()
    assert live_story.is_live


def test_a_reporter_sees_published_entries_and_their_own_not_others_drafts(
    client_of, live_story, reporter, other_reporter
):
    post(live_story, other_reporter, body="<p>مسودة زميله</p>")
    post(live_story, reporter, body="<p>مسودتي أنا</p>")
    listing = client_of(reporter).get(
        f"/admin/articles/liveentry/?article__id__exact={live_story.pk}"
    )
    page = listing.content.decode()
    assert "مسودتي أنا" in page and "مسودة زميله" not in page


def test_the_live_desks_list_costs_the_same_queries_however_many_entries_and_stories(
    client_of, live_story, desk_editor, section
):
    client = client_of(desk_editor)
    desk = f"/admin/articles/liveentry/?article__id__exact={live_story.pk}"
    post(live_story, desk_editor)

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(desk).status_code == 200
        return len(captured)

    few = count()
    ArticleFactory.create_batch(20, section=section)
    for number in range(30):
        post(live_story, desk_editor, body=f"<p>{number}</p>")
    assert count() == few


def test_the_demo_paper_carries_a_live_coverage_of_the_match(client, db):
    from django.core.management import call_command

    call_command("load_demo", verbosity=0)
    story = Article.objects.get(live_started_at__isnull=False)
    assert story.live_ended_at is not None
    page = client.get(story.get_absolute_url()).content.decode()
    assert "أبرز النقاط" in page and "انتهت التغطية المباشرة" in page
    assert LiveEntry.objects.filter(article=story, state=State.PUBLISHED).count() == 5


def test_the_desk_publishes_a_reporters_entry_in_review_from_the_list(
    client_of, live_story, reporter, desk_editor
):
    entry = post(live_story, reporter, body="<p>من الميدان</p>")
    live.live_entry_submit(entry=entry, by=reporter)
    client = client_of(desk_editor)
    desk = f"/admin/articles/liveentry/?article__id__exact={live_story.pk}"
    response = client.post(
        desk, {"action": "publish_selected", "_selected_action": [entry.pk]}, follow=True
    )
    assert response.status_code == 200
    entry.refresh_from_db()
    assert entry.state == State.PUBLISHED
    client.post(desk, {"action": "pin_selected", "_selected_action": [entry.pk]})
    entry.refresh_from_db()
    assert entry.pinned
    # A reporter is offered none of the desk's actions.
    page = client_of(reporter).get(desk).content.decode()
    assert "publish_selected" not in page and "pin_selected" not in page


def test_a_photo_posted_from_the_live_desk_is_stored_clean(
    client_of, live_story, desk_editor, commit, media_in_tmp
):
    client = client_of(desk_editor)
    response = commit(
        lambda: client.post(
            reverse("admin:articles_liveentry_add"),
            {
                "article": live_story.pk,
                "body": "<p>صورة من القاعة</p>",
                "photo": leaky_jpeg(),
                "photo_alt": "القاعة",
                "photo_caption": "قاعة المجلس",
                "go": "on",
            },
        )
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = LiveEntry.objects.get()
    assert entry.photo.name.startswith("live/")
    assert images.metadata_found(default_storage.open(entry.photo.name).read()) == []
    missing_alt = client.post(
        reverse("admin:articles_liveentry_add"),
        {"article": live_story.pk, "body": "<p>بلا وصف</p>", "photo": jpeg_upload(), "go": "on"},
    )
    assert missing_alt.status_code == 200
    assert LiveEntry.objects.count() == 1


def test_the_desks_dashboard_lists_live_entries_waiting_for_it(
    client_of, live_story, reporter, desk_editor
):
    entry = post(live_story, reporter, body="<p>بانتظار الديسك</p>")
    live.live_entry_submit(entry=entry, by=reporter)
    page = client_of(desk_editor).get(reverse("admin:index")).content.decode()
    assert "تدوينات مباشرة بانتظار الديسك" in page
    assert reverse("admin:articles_liveentry_change", args=[entry.pk]) in page


def test_the_desk_reads_an_entrys_history_and_the_deleted_ones_but_cannot_revert_them(
    client_of, live_story, desk_editor
):
    entry = post(live_story, desk_editor, body="<p>الصيغة الأولى</p>")
    live.live_entry_change(entry=entry, by=desk_editor, body="<p>الصيغة الثانية</p>")
    client = client_of(desk_editor)
    history = client.get(reverse("admin:articles_liveentry_history", args=[entry.pk]))
    assert history.status_code == 200
    assert "عُدّلت تدوينة مباشرة" in history.content.decode()
    pk = entry.pk
    live.live_entry_delete(entry=entry, by=desk_editor)
    recover_list = client.get(reverse("admin:articles_liveentry_recoverlist"))
    assert recover_list.status_code == 200
    version = Version.objects.get_deleted(LiveEntry).get(object_id=str(pk))
    recover = reverse("admin:articles_liveentry_recover", args=[version.pk])
    assert client.post(recover, {}).status_code == 403
    assert not LiveEntry.objects.filter(pk=pk).exists()
