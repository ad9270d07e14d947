"""Every state move through the workflow services, and every role's refusals."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from reversion.models import Version

from articles import workflow
from articles.models import Article, ArticleTransition
from articles.tests.factories import ArticleFactory

Status = Article.Status
pytestmark = pytest.mark.django_db


def test_reporter_submits_her_draft_and_the_move_is_recorded_with_who_and_when(
    reporters_draft, reporter
):
    before = timezone.now()
    workflow.article_submit(article=reporters_draft, by=reporter, comment="جاهز")
    reporters_draft.refresh_from_db()
    assert reporters_draft.status == Status.REVIEW
    move = ArticleTransition.objects.get(article=reporters_draft)
    assert (move.from_status, move.to_status) == (Status.DRAFT, Status.REVIEW)
    assert move.by == reporter
    assert move.at >= before
    assert move.comment == "جاهز"


def test_desk_sends_a_story_back_with_a_comment_and_clears_its_time(
    reporters_draft, reporter, desk_editor
):
    workflow.article_submit(article=reporters_draft, by=reporter)
    with pytest.raises(ValidationError, match="سبب إعادة الخبر"):
        workflow.article_send_back(article=reporters_draft, by=desk_editor, comment="  ")
    workflow.article_send_back(article=reporters_draft, by=desk_editor, comment="أضف مصدرًا ثانيًا")
    assert Article.objects.get(pk=reporters_draft.pk).status == Status.DRAFT
    last = reporters_draft.transitions.first()
    assert (last.from_status, last.to_status, last.comment) == (
        Status.REVIEW,
        Status.DRAFT,
        "أضف مصدرًا ثانيًا",
    )


def test_desk_publishes_from_review_and_readers_see_it_at_once(
    client, reporters_draft, reporter, desk_editor
):
    workflow.article_submit(article=reporters_draft, by=reporter)
    workflow.article_publish(article=reporters_draft, by=desk_editor)
    assert reporters_draft.status == Status.PUBLISHED
    assert reporters_draft.published_at <= timezone.now()
    assert client.get(reporters_draft.get_absolute_url()).status_code == 200


def test_publishing_with_a_future_time_is_refused_in_favour_of_scheduling(
    draft_article, desk_editor
):
    with pytest.raises(ValidationError, match="جدولة"):
        workflow.article_publish(
            article=draft_article, by=desk_editor, at=timezone.now() + timedelta(hours=1)
        )
    assert Article.objects.get(pk=draft_article.pk).status == Status.DRAFT


def test_scheduled_story_appears_at_its_minute_with_no_job_running(
    client, draft_article, desk_editor, time_machine
):
    at = timezone.now().replace(second=0, microsecond=0) + timedelta(hours=3)
    workflow.article_schedule(article=draft_article, by=desk_editor, at=at)
    assert draft_article.status == Status.SCHEDULED
    url = draft_article.get_absolute_url()

    time_machine.move_to(at - timedelta(seconds=1))
    assert client.get(url).status_code == 404
    assert draft_article.headline not in client.get("/").content.decode()
    assert not Article.objects.published().filter(pk=draft_article.pk).exists()

    time_machine.move_to(at)
    assert client.get(url).status_code == 200
    assert draft_article.headline in client.get("/").content.decode()
    assert (
        draft_article.headline
        in client.get(draft_article.section.get_absolute_url()).content.decode()
    )
    stored = Article.objects.get(pk=draft_article.pk)
    assert stored.status == Status.SCHEDULED  # nothing flipped it: the clock decides
    assert stored.effective_status == Status.PUBLISHED


def test_scheduling_needs_a_time_in_the_future(draft_article, desk_editor):
    for at in (None, timezone.now() - timedelta(minutes=1)):
        with pytest.raises(ValidationError, match="في المستقبل"):
            workflow.article_schedule(article=draft_article, by=desk_editor, at=at)


def test_scheduled_story_can_be_rescheduled_published_now_or_returned_to_draft(
    section, masthead, desk_editor
):
    article = ArticleFactory(section=section, scheduled=True)
    later = timezone.now() + timedelta(days=1)
    workflow.article_schedule(article=article, by=desk_editor, at=later)
    assert Article.objects.get(pk=article.pk).published_at == later

    workflow.article_return_to_draft(article=article, by=desk_editor, comment="أُجّل")
    article.refresh_from_db()
    assert (article.status, article.published_at) == (Status.DRAFT, None)

    workflow.article_schedule(article=article, by=desk_editor, at=later)
    workflow.article_publish(article=article, by=desk_editor)
    assert Article.objects.published().filter(pk=article.pk).exists()


def test_withdrawn_story_answers_410_and_leaves_every_list(client, published_article, desk_editor):
    workflow.article_withdraw(article=published_article, by=desk_editor, comment="خطأ في الرقم")
    response = client.get(published_article.get_absolute_url())
    assert response.status_code == 410
    assert "سُحب هذا الخبر" in response.content.decode()
    assert 'dir="rtl"' in response.content.decode()
    assert published_article.headline not in client.get("/").content.decode()
    assert not Article.objects.published().filter(pk=published_article.pk).exists()


def test_a_scheduled_story_past_its_minute_is_withdrawn_like_a_published_one(
    section, masthead, desk_editor, time_machine
):
    article = ArticleFactory(section=section, scheduled=True)
    time_machine.move_to(article.published_at + timedelta(minutes=1))
    workflow.article_withdraw(article=article, by=desk_editor)
    move = article.transitions.get()
    assert (move.from_status, move.to_status) == (Status.PUBLISHED, Status.WITHDRAWN)


def test_withdrawn_story_returns_to_draft_and_can_be_published_again(
    client, published_article, desk_editor
):
    workflow.article_withdraw(article=published_article, by=desk_editor)
    workflow.article_return_to_draft(article=published_article, by=desk_editor)
    assert client.get(published_article.get_absolute_url()).status_code == 404
    workflow.article_publish(article=published_article, by=desk_editor)
    assert client.get(published_article.get_absolute_url()).status_code == 200
    assert [m.to_status for m in published_article.transitions.order_by("at", "pk")] == [
        Status.WITHDRAWN,
        Status.DRAFT,
        Status.PUBLISHED,
    ]


@pytest.mark.parametrize(
    ("state", "service"),
    [
        ("published", workflow.article_submit),
        ("draft", workflow.article_withdraw),
        ("in_review", workflow.article_withdraw),
        ("published", workflow.article_publish),
        ("draft", workflow.article_send_back),
        ("withdrawn", workflow.article_publish),
        ("published", workflow.article_return_to_draft),
    ],
)
def test_impossible_moves_are_refused_with_an_arabic_reason(
    section, masthead, chief_user, state, service
):
    article = ArticleFactory(section=section, **({state: True} if state != "published" else {}))
    kwargs = {"comment": "سبب"} if service is workflow.article_send_back else {}
    with pytest.raises(ValidationError, match="لا يمكن"):
        service(article=article, by=chief_user, **kwargs)
    assert not article.transitions.exists()


FORBIDDEN_FOR_REPORTER = [
    (workflow.article_publish, {}),
    (workflow.article_schedule, {"at": "future"}),
    (workflow.article_withdraw, {}),
    (workflow.article_send_back, {"comment": "لا"}),
    (workflow.article_return_to_draft, {}),
    (workflow.article_set_breaking, {}),
    (workflow.article_set_featured, {}),
    (workflow.article_pin, {}),
]


@pytest.mark.parametrize(("service", "kwargs"), FORBIDDEN_FOR_REPORTER)
@pytest.mark.parametrize("state", ["draft", "in_review", "scheduled", "published", "withdrawn"])
def test_reporter_cannot_publish_schedule_withdraw_or_steer_the_home_page(
    reporter, section, masthead, service, kwargs, state
):
    article = ArticleFactory(
        section=section,
        authors=[reporter.editor_profile],
        **({state: True} if state != "published" else {}),
    )
    if kwargs.get("at") == "future":
        kwargs = {"at": timezone.now() + timedelta(hours=1)}
    before = Article.objects.values().get(pk=article.pk)
    with pytest.raises(PermissionDenied) as refusal:
        service(article=article, by=reporter, **kwargs)
    assert any("\u0600" <= char <= "\u06ff" for char in str(refusal.value))  # said in Arabic
    assert Article.objects.values().get(pk=article.pk) == before


def test_reporter_cannot_submit_someone_elses_draft(draft_article, reporter):
    with pytest.raises(PermissionDenied):
        workflow.article_submit(article=draft_article, by=reporter)
    assert Article.objects.get(pk=draft_article.pk).status == Status.DRAFT


def test_reporter_edits_only_her_own_drafts(reporter, other_reporter, section, masthead):
    mine = ArticleFactory(section=section, draft=True, authors=[reporter.editor_profile])
    created_by_me = ArticleFactory(section=section, draft=True, created_by=reporter)
    theirs = ArticleFactory(section=section, draft=True, authors=[other_reporter.editor_profile])
    mine_in_review = ArticleFactory(
        section=section, in_review=True, authors=[reporter.editor_profile]
    )
    mine_published = ArticleFactory(section=section, authors=[reporter.editor_profile])
    assert workflow.can_edit(article=mine, user=reporter)
    assert workflow.can_edit(article=created_by_me, user=reporter)
    for article in (theirs, mine_in_review, mine_published):
        assert not workflow.can_edit(article=article, user=reporter), article
        with pytest.raises(PermissionDenied):
            workflow.article_save(article=article, by=reporter)


def test_desk_editor_edits_anyones_article_in_any_state(desk_editor, section, masthead):
    for trait in ("draft", "in_review", "scheduled", "withdrawn"):
        assert workflow.can_edit(
            article=ArticleFactory(section=section, **{trait: True}), user=desk_editor
        )
    assert workflow.can_edit(article=ArticleFactory(section=section), user=desk_editor)


def test_saving_an_edit_cannot_change_the_state(draft_article, desk_editor):
    draft_article.status = Status.PUBLISHED
    with pytest.raises(ValidationError, match="مراحل التحرير"):
        workflow.article_save(article=draft_article, by=desk_editor)
    assert Article.objects.get(pk=draft_article.pk).status == Status.DRAFT


def test_every_move_keeps_a_version_with_its_author_and_comment(
    reporters_draft, reporter, desk_editor
):
    workflow.article_submit(article=reporters_draft, by=reporter)
    workflow.article_publish(article=reporters_draft, by=desk_editor, comment="على الصفحة الأولى")
    versions = list(Version.objects.get_for_object(reporters_draft).order_by("pk"))
    assert len(versions) == 2
    assert versions[0].field_dict["status"] == Status.REVIEW
    assert versions[0].revision.user == reporter
    assert versions[1].field_dict["status"] == Status.PUBLISHED
    assert versions[1].revision.user == desk_editor
    assert versions[1].revision.comment == "نُشر: على الصفحة الأولى"


def test_a_move_never_writes_a_stale_copy_over_a_newer_edit(draft_article, desk_editor):
    stale = Article.objects.get(pk=draft_article.pk)
    Article.objects.filter(pk=draft_article.pk).update(headline="عنوان أحدث")
    workflow.article_publish(article=stale, by=desk_editor)
    assert Article.objects.get(pk=draft_article.pk).headline == "عنوان أحدث"
    assert stale.headline == "عنوان أحدث"


def test_pinning_a_lead_unpins_the_previous_one(section, masthead, desk_editor):
    first, second = ArticleFactory(section=section), ArticleFactory(section=section)
    workflow.article_pin(article=first, by=desk_editor)
    workflow.article_pin(article=second, by=desk_editor)
    assert list(Article.objects.filter(is_pinned=True)) == [second]


def test_inactive_accounts_can_do_nothing(reporters_draft, desk_editor):
    desk_editor.is_active = False
    desk_editor.save()
    with pytest.raises(PermissionDenied):
        workflow.article_publish(article=reporters_draft, by=desk_editor)


def test_withdrawing_a_story_readers_have_cached_takes_it_down_at_once(
    client, published_article, desk_editor
):
    url = published_article.get_absolute_url()
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200  # now served from the shared page cache
    assert published_article.headline in client.get("/").content.decode()
    workflow.article_withdraw(article=published_article, by=desk_editor)
    assert client.get(url).status_code == 410
    assert published_article.headline not in client.get("/").content.decode()
