"""The admin enforces the workflow on the server: change form, list actions, hand-made POSTs."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Editor, Masthead, Section
from articles.tests.admin_forms import (
    article_form_data,
    change_url,
    changelist_url,
    errors_of,
    open_change_form,
    run_action,
    save_article,
)
from articles.tests.factories import ArticleFactory

Status = Article.Status
pytestmark = pytest.mark.django_db


def status_choices(response) -> set[str]:
    form = response.context["adminform"].form
    if "status" not in form.fields:
        return set()
    return {value for value, _label in form.fields["status"].choices}


def test_reporter_sees_only_draft_and_review_in_the_status_field_of_her_draft(
    client_of, reporter, reporters_draft
):
    response = client_of(reporter).get(change_url(reporters_draft))
    assert response.status_code == 200
    assert status_choices(response) == {Status.DRAFT, Status.REVIEW}


def test_desk_editor_sees_the_moves_the_state_allows(client_of, desk_editor, published_article):
    response = client_of(desk_editor).get(change_url(published_article))
    assert status_choices(response) == {Status.PUBLISHED, Status.WITHDRAWN}


def test_reporter_submits_her_draft_from_the_change_form(client_of, reporter, reporters_draft):
    response = save_article(client_of(reporter), reporters_draft, status=Status.REVIEW)
    assert response.status_code == 302
    reporters_draft.refresh_from_db()
    assert reporters_draft.status == Status.REVIEW
    assert reporters_draft.transitions.get().by == reporter


def test_reporter_hand_made_post_to_publish_her_draft_is_refused(
    client_of, reporter, reporters_draft
):
    client = client_of(reporter)
    response = save_article(client, reporters_draft, status=Status.PUBLISHED)
    assert response.status_code == 200
    assert "status" in response.context["adminform"].form.errors
    assert Article.objects.get(pk=reporters_draft.pk).status == Status.DRAFT
    assert not reporters_draft.transitions.exists()
    for status in (Status.SCHEDULED, Status.WITHDRAWN):
        save_article(client, reporters_draft, status=status)
        assert Article.objects.get(pk=reporters_draft.pk).status == Status.DRAFT


def test_reporter_cannot_set_the_publication_time_or_home_page_flags(
    client_of, reporter, reporters_draft
):
    future = timezone.now() + timedelta(days=2)
    response = save_article(
        client_of(reporter),
        reporters_draft,
        headline="عنوان معدل",
        published_at=future,
        is_breaking=True,
        is_featured=True,
        is_pinned=True,
    )
    assert response.status_code == 302
    stored = Article.objects.get(pk=reporters_draft.pk)
    assert stored.headline == "عنوان معدل"  # her edit is saved...
    assert stored.published_at is None  # ...but not the fields that are not hers
    assert not (stored.is_breaking or stored.is_featured or stored.is_pinned)


@pytest.mark.parametrize("state", ["draft", "in_review", "published"])
def test_reporter_cannot_post_changes_to_someone_elses_article(
    client_of, reporter, other_reporter, section, masthead, state
):
    article = ArticleFactory(
        section=section,
        authors=[other_reporter.editor_profile],
        **({state: True} if state != "published" else {}),
    )
    client = client_of(reporter)
    assert client.get(change_url(article)).status_code == 200  # she may read it
    response = client.post(change_url(article), article_form_data(article, headline="تخريب"))
    assert response.status_code == 403
    assert Article.objects.get(pk=article.pk).headline == article.headline


@pytest.mark.parametrize("state", ["in_review", "published", "scheduled"])
def test_reporter_cannot_edit_her_own_story_once_it_left_her_hands(
    client_of, reporter, section, masthead, state
):
    article = ArticleFactory(
        section=section,
        authors=[reporter.editor_profile],
        **({state: True} if state != "published" else {}),
    )
    client = client_of(reporter)
    page = client.get(change_url(article))
    assert 'name="headline"' not in page.content.decode()  # shown read-only
    response = client.post(change_url(article), article_form_data(article, headline="تعديل"))
    assert response.status_code == 403
    assert Article.objects.get(pk=article.pk).headline == article.headline


@pytest.mark.parametrize(
    "action",
    [
        "publish_selected",
        "schedule_selected",
        "withdraw_selected",
        "mark_breaking",
        "mark_featured",
        "pin_as_lead",
        "delete_selected",
    ],
)
def test_reporter_list_actions_beyond_her_role_are_refused(
    client_of, reporter, section, masthead, action
):
    draft = ArticleFactory(section=section, draft=True, authors=[reporter.editor_profile])
    live = ArticleFactory(section=section, authors=[reporter.editor_profile])
    before = list(Article.objects.order_by("pk").values())
    client = client_of(reporter)
    response = run_action(
        client,
        action,
        [draft, live],
        apply="1",
        at=(timezone.localtime() + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        post="yes",
    )
    assert response.status_code == 200
    assert list(Article.objects.order_by("pk").values()) == before
    offered = [value for value, _ in response.context["action_form"].fields["action"].choices]
    assert action not in offered


def test_reporter_submits_from_the_list_but_only_her_own_drafts(
    client_of, reporter, other_reporter, section, masthead
):
    mine = ArticleFactory(section=section, draft=True, authors=[reporter.editor_profile])
    theirs = ArticleFactory(section=section, draft=True, authors=[other_reporter.editor_profile])
    response = run_action(client_of(reporter), "submit_selected", [mine, theirs])
    assert Article.objects.get(pk=mine.pk).status == Status.REVIEW
    assert Article.objects.get(pk=theirs.pk).status == Status.DRAFT
    assert "لم يتم" in response.content.decode()


def test_desk_publishes_withdraws_and_schedules_from_the_list(
    client_of, desk_editor, section, masthead
):
    client = client_of(desk_editor)
    draft = ArticleFactory(section=section, in_review=True)
    run_action(client, "publish_selected", [draft])
    assert Article.objects.get(pk=draft.pk).is_published

    page = run_action(client, "withdraw_selected", [draft])
    assert "سحب الأخبار من النشر" in page.content.decode()  # asks for a reason first
    assert Article.objects.get(pk=draft.pk).status == Status.PUBLISHED
    run_action(client, "withdraw_selected", [draft], apply="1", comment="معلومة خاطئة")
    assert Article.objects.get(pk=draft.pk).status == Status.WITHDRAWN
    assert draft.transitions.first().comment == "معلومة خاطئة"

    other = ArticleFactory(section=section, draft=True)
    at = (timezone.localtime() + timedelta(hours=5)).replace(second=0, microsecond=0)
    run_action(client, "schedule_selected", [other], apply="1", at=at.strftime("%Y-%m-%dT%H:%M"))
    stored = Article.objects.get(pk=other.pk)
    assert (stored.status, stored.published_at) == (Status.SCHEDULED, at)


def test_scheduling_from_the_list_with_a_past_time_keeps_the_story_and_says_why(
    client_of, desk_editor, draft_article
):
    past = (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    response = run_action(
        client_of(desk_editor), "schedule_selected", [draft_article], apply="1", at=past
    )
    assert "في المستقبل" in response.content.decode()
    assert Article.objects.get(pk=draft_article.pk).status == Status.DRAFT


def test_desk_marks_breaking_and_featured_and_pins_a_lead_from_the_list(
    client_of, desk_editor, section, masthead
):
    client = client_of(desk_editor)
    first, second = ArticleFactory(section=section), ArticleFactory(section=section)
    run_action(client, "mark_breaking", [first])
    run_action(client, "mark_featured", [first, second])
    response = run_action(client, "pin_as_lead", [first, second])
    assert "خبرًا واحدًا" in response.content.decode()
    run_action(client, "pin_as_lead", [second])
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.is_breaking and not second.is_breaking
    assert first.is_featured and second.is_featured
    assert second.is_pinned and not first.is_pinned


def test_sending_back_from_the_form_needs_a_comment_and_keeps_the_editors_text(
    client_of, desk_editor, section, masthead
):
    article = ArticleFactory(section=section, in_review=True)
    client = client_of(desk_editor)
    response = save_article(client, article, status=Status.DRAFT, headline="عنوان من الديسك")
    assert response.status_code == 200
    assert "سبب إعادة الخبر" in errors_of(response)
    assert "عنوان من الديسك" in response.content.decode()
    assert Article.objects.get(pk=article.pk).status == Status.REVIEW

    save_article(client, article, status=Status.DRAFT, workflow_comment="ينقصه مصدر")
    assert Article.objects.get(pk=article.pk).status == Status.DRAFT
    assert article.transitions.get().comment == "ينقصه مصدر"


def test_desk_schedules_from_the_form_and_a_future_time_with_published_is_refused(
    client_of, desk_editor, draft_article
):
    client = client_of(desk_editor)
    future = (timezone.now() + timedelta(hours=4)).replace(microsecond=0)
    response = save_article(client, draft_article, status=Status.PUBLISHED, published_at=future)
    assert response.status_code == 200
    assert "«مجدول»" in errors_of(response)
    assert Article.objects.get(pk=draft_article.pk).status == Status.DRAFT

    response = save_article(client, draft_article, status=Status.SCHEDULED, published_at=future)
    assert response.status_code == 302
    stored = Article.objects.get(pk=draft_article.pk)
    assert (stored.status, stored.published_at) == (Status.SCHEDULED, future)


def test_changelist_shows_a_due_scheduled_story_as_published_and_a_pending_one_with_its_time(
    client_of, desk_editor, section, masthead, time_machine
):
    due = ArticleFactory(section=section, scheduled=True, headline="موعده حل")
    ArticleFactory(
        section=section,
        scheduled=True,
        published_at=due.published_at + timedelta(days=1),
        headline="موعده لم يحن",
    )
    time_machine.move_to(due.published_at + timedelta(minutes=1))
    response = client_of(desk_editor).get(changelist_url() + "?state=published")
    html = response.content.decode()
    assert "موعده حل" in html and "موعده لم يحن" not in html
    html = client_of(desk_editor).get(changelist_url() + "?state=scheduled").content.decode()
    assert "موعده لم يحن" in html and "مجدول:" in html and "موعده حل" not in html


def test_new_article_by_a_reporter_is_her_draft_signed_by_her(client_of, reporter, section):
    client = client_of(reporter)
    page = client.get(reverse("admin:articles_article_add"))
    first_byline = page.context["inline_admin_formsets"][0].formset.forms[0]
    assert first_byline["editor"].value() == reporter.editor_profile.pk
    response = client.post(
        reverse("admin:articles_article_add"),
        {
            "headline": "خبر المراسلة",
            "slug": "",
            "body": "<p>نص</p>",
            "section": section.pk,
            "status": Status.DRAFT,
            "bylines-TOTAL_FORMS": "1",
            "bylines-INITIAL_FORMS": "0",
            "bylines-MIN_NUM_FORMS": "1",
            "bylines-MAX_NUM_FORMS": "1000",
            "bylines-0-editor": reporter.editor_profile.pk,
            "bylines-0-position": "0",
        },
    )
    assert response.status_code == 302
    article = Article.objects.get(headline="خبر المراسلة")
    assert (article.status, article.created_by) == (Status.DRAFT, reporter)


@pytest.mark.parametrize("model", [Section, Editor, Masthead])
def test_only_the_editor_in_chief_changes_sections_staff_and_masthead(
    client_of, desk_editor, chief_user, published_article, model
):
    obj = {
        Section: published_article.section,
        Editor: published_article.authors.first(),
        Masthead: Masthead.load(),
    }[model]
    url = reverse(f"admin:articles_{model._meta.model_name}_change", args=[obj.pk])
    desk_page = client_of(desk_editor).get(url)
    assert desk_page.status_code in (200, 403)
    if desk_page.status_code == 200:  # readable, but with no form to save
        assert 'name="_save"' not in desk_page.content.decode()
    assert client_of(desk_editor).post(url, {}).status_code == 403
    chief_page = client_of(chief_user).get(url)
    assert chief_page.status_code == 200
    assert 'name="_save"' in chief_page.content.decode()


def test_roles_exist_as_groups_with_the_workflow_permissions(reporter, desk_editor, chief_user):
    assert reporter.has_perm("articles.submit_article")
    assert not reporter.has_perm("articles.publish_article")
    assert not reporter.has_perm("articles.delete_article")
    for perm in ("publish_article", "schedule_article", "withdraw_article", "send_back_article"):
        assert desk_editor.has_perm(f"articles.{perm}")
    assert not desk_editor.has_perm("articles.change_masthead")
    assert not desk_editor.has_perm("articles.change_section")
    assert chief_user.has_perm("articles.change_masthead")
    assert chief_user.has_perm("articles.change_editor")
    assert chief_user.has_perm("articles.publish_article")


def test_every_role_can_open_the_admin_pages_it_needs(
    client_of, reporter, desk_editor, chief_user, reporters_draft
):
    for user in (reporter, desk_editor, chief_user):
        client = client_of(user)
        for url in (
            reverse("admin:index"),
            changelist_url(),
            reverse("admin:articles_article_add"),
            change_url(reporters_draft),
            reverse("admin:articles_article_history", args=[reporters_draft.pk]),
        ):
            assert client.get(url).status_code == 200, (user, url)


def test_open_change_form_token_is_the_articles_last_save(client_of, desk_editor, draft_article):
    token = open_change_form(client_of(desk_editor), draft_article)
    assert token == draft_article.updated_at.isoformat()


def test_pinning_from_the_form_makes_it_the_only_lead_and_refuses_a_past_end(
    client_of, desk_editor, section, masthead
):
    client = client_of(desk_editor)
    earlier, story = (
        ArticleFactory(section=section, is_pinned=True),
        ArticleFactory(section=section),
    )
    past = timezone.now() - timedelta(hours=1)
    response = save_article(client, story, is_pinned=True, pinned_until=past)
    assert response.status_code == 200
    assert "في المستقبل" in errors_of(response)
    assert save_article(client, story, is_pinned=True).status_code == 302
    assert list(Article.objects.filter(is_pinned=True)) == [story]
    assert Article.objects.get(pk=earlier.pk).is_pinned is False


def test_desk_editor_cannot_delete_articles_only_the_chief_can(
    client_of, desk_editor, chief_user, published_article
):
    delete_url = reverse("admin:articles_article_delete", args=[published_article.pk])
    desk = client_of(desk_editor)
    assert desk.get(delete_url).status_code == 403
    assert desk.post(delete_url, {"post": "yes"}).status_code == 403
    run_action(desk, "delete_selected", [published_article], post="yes")
    assert Article.objects.filter(pk=published_article.pk).exists()
    assert client_of(chief_user).post(delete_url, {"post": "yes"}).status_code == 302
    assert not Article.objects.filter(pk=published_article.pk).exists()


# --- Every message says what happened, in Arabic --------------------------------------------


def messages_of(response) -> list[str]:
    """The messages as a reader sees them (Django links the object's name)."""
    from django.contrib.messages import get_messages
    from django.utils.html import strip_tags

    return [strip_tags(str(message)) for message in get_messages(response.wsgi_request)]


def test_saving_an_existing_story_says_saved_not_added(client_of, desk_editor, published_article):
    response = save_article(client_of(desk_editor), published_article, headline="عنوان معدل")
    assert messages_of(response) == ["حُفظت التعديلات على الخبر «عنوان معدل»."]


def test_saving_without_a_change_says_nothing_changed(client_of, desk_editor, published_article):
    response = save_article(client_of(desk_editor), published_article)
    (message,) = messages_of(response)
    assert "لم يتغير فيه شيء" in message and "إضافة" not in message


def test_a_move_from_the_form_says_the_move_once(client_of, desk_editor, draft_article):
    response = save_article(client_of(desk_editor), draft_article, status=Status.PUBLISHED)
    assert messages_of(response) == [f"نُشر الخبر «{draft_article.headline}»."]


def test_after_sending_to_review_the_reporter_sees_the_story_rendered(
    client_of, reporter, reporters_draft
):
    client = client_of(reporter)
    response = save_article(client, reporters_draft, status=Status.REVIEW)
    assert response.status_code == 302
    assert response["Location"] == reverse("articles:preview", args=[reporters_draft.pk])
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert "<p>متن الخبر.</p>" in html  # the body rendered, not shown as markup
    assert "&lt;p&gt;" not in html
    assert "أُرسل إلى المراجعة الخبر" in html


def test_list_actions_count_stories_the_arabic_way(client_of, desk_editor, section):
    drafts = ArticleFactory.create_batch(2, section=section, status=Status.DRAFT)
    response = run_action(client_of(desk_editor), "publish_selected", drafts)
    assert "نُشر: خبران." in messages_of(response)


def test_stories_count_follows_arabic_number_agreement():
    from articles.admin.dashboard import count_phrase as stories_count

    assert [stories_count(n) for n in (1, 2, 3, 10, 11, 99, 100, 103)] == [
        "خبر واحد", "خبران", "3 أخبار", "10 أخبار", "11 خبرًا", "99 خبرًا", "100 خبر",
        "103 أخبار",
    ]  # fmt: skip


def test_section_editor_and_masthead_messages_say_saved_and_deleted(client_of, chief_user):
    client = client_of(chief_user)
    section = Section.objects.create(name="ثقافة", slug="ثقافة")
    url = reverse("admin:articles_section_change", args=[section.pk])
    data = {"name": "ثقافة وفنون", "slug": "ثقافة", "nav_position": 3, "description": ""}
    response = client.post(url, data, follow=True)
    assert "حُفظت التعديلات على قسم «ثقافة وفنون»." in messages_of(response)
    masthead = Masthead.objects.first() or Masthead.objects.create()
    response = client.post(
        reverse("admin:articles_masthead_change", args=[masthead.pk]),
        {"site_name": "الدستور", "tagline": "", "chief_role_label": "رئيس التحرير"},
        follow=True,
    )
    assert "حُفظت التعديلات على الترويسة «" in " ".join(messages_of(response))
    response = client.post(
        reverse("admin:articles_section_delete", args=[section.pk]), {"post": "yes"}, follow=True
    )
    assert "حُذف قسم «ثقافة وفنون»." in messages_of(response)
    assert not any("نجحت" in m or "نجح" in m for m in messages_of(response))
