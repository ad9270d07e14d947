"""The audit trail covers every write path, not the admin alone: workflow moves, roles and
permissions, staff, masthead, section and editor edits, deletions, share links, autosave
restores and refused attempts; with who, when, from where and what changed."""

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import preview, workflow
from articles.importer import ParsedArticle, article_create_from_import
from articles.models import Article, Editor, Masthead, Section
from articles.roles import DESK_EDITOR, EDITOR_IN_CHIEF, REPORTER
from articles.tests.admin_forms import run_action, save_article
from articles.tests.factories import ArticleFactory, EditorFactory, StaffUserFactory
from staff.models import AuditEntry

pytestmark = pytest.mark.django_db

Status = Article.Status
ADDRESS = {"REMOTE_ADDR": "198.51.100.23"}
TRAIL_URL = reverse("admin:staff_auditentry_changelist")
EXPORT_URL = reverse("admin:staff_auditentry_export")


def entries(kind, **filters):
    return list(AuditEntry.objects.filter(kind=kind, **filters).order_by("pk"))


def only(kind, **filters) -> AuditEntry:
    (entry,) = entries(kind, **filters)
    return entry


def about(model) -> dict:
    """The entries django-auditlog wrote about rows of `model`."""
    return {"content_type": ContentType.objects.get_for_model(model)}


def trail_from_now():
    """Leave out what the test's own setting up wrote (factories' accounts and passwords),
    through the retention's path, the one way entries go."""
    AuditEntry.objects.prune(before=timezone.now() + timedelta(seconds=1))


# Workflow moves -------------------------------------------------------------------------------


def test_publishing_from_the_admin_is_recorded_with_who_and_from_where(
    client_of, desk_editor, reporters_draft
):
    client = client_of(desk_editor)
    client.defaults.update(ADDRESS)
    save_article(client, reporters_draft, status=Status.PUBLISHED)
    reporters_draft.refresh_from_db()
    assert reporters_draft.status == Status.PUBLISHED
    entry = only(AuditEntry.WORKFLOW_MOVE, additional_data__move="publish")
    assert (entry.actor, entry.username, entry.remote_addr) == (
        desk_editor,
        "desk-editor",
        "198.51.100.23",
    )
    assert entry.object_repr == f"خبر {reporters_draft.pk}: مسودة المراسلة"
    assert (entry.detail["from"], entry.detail["to"]) == ("مسودة", "منشور")


def test_a_list_action_records_each_story_it_moves(client_of, desk_editor, section, masthead):
    stories = ArticleFactory.create_batch(2, section=section, in_review=True)
    run_action(client_of(desk_editor), "publish_selected", stories)
    moved = entries(AuditEntry.WORKFLOW_MOVE, additional_data__move="publish")
    assert sorted(entry.object_repr for entry in moved) == sorted(
        f"خبر {story.pk}: {story.headline}" for story in stories
    )
    assert {entry.username for entry in moved} == {"desk-editor"}


def test_a_move_made_by_a_service_outside_the_admin_names_its_user_without_an_address(
    desk_editor, reporters_draft
):
    workflow.article_publish(article=reporters_draft, by=desk_editor)
    workflow.article_withdraw(article=reporters_draft, by=desk_editor, comment="خطأ في الأرقام")
    withdrawn = only(AuditEntry.WORKFLOW_MOVE, additional_data__move="withdraw")
    assert (withdrawn.username, withdrawn.remote_addr) == ("desk-editor", None)
    assert (withdrawn.detail["from"], withdrawn.detail["to"]) == ("منشور", "مسحوب")
    assert withdrawn.detail["comment"] == "خطأ في الأرقام"


def test_restoring_an_older_version_is_recorded(client_of, desk_editor, reporters_draft):
    from reversion.models import Version

    client = client_of(desk_editor)
    save_article(client, reporters_draft, headline="الصيغة الأولى")
    version = Version.objects.get_for_object(reporters_draft).first()
    save_article(client, reporters_draft, headline="الصيغة الثانية")
    workflow.article_restore_version(article=reporters_draft, version=version, by=desk_editor)
    assert only(AuditEntry.WORKFLOW_MOVE, additional_data__move="restore_version").username == (
        "desk-editor"
    )


def test_a_refused_move_is_recorded_with_the_reason(reporter, reporters_draft):
    with pytest.raises(PermissionDenied):
        workflow.article_publish(article=reporters_draft, by=reporter)
    entry = only(AuditEntry.PERMISSION_REFUSED)
    assert entry.username == "reporter"
    assert entry.detail["move"] == "publish"
    assert "النشر من عمل محرري الديسك" in entry.detail["reason"]
    reporters_draft.refresh_from_db()
    assert reporters_draft.status == Status.DRAFT
    assert not entries(AuditEntry.WORKFLOW_MOVE)


def test_the_admin_refusing_a_staff_member_is_recorded_with_the_page_and_address(
    client_of, reporter
):
    client = client_of(reporter)
    assert client.get(TRAIL_URL, **ADDRESS).status_code == 403
    entry = only(AuditEntry.PERMISSION_REFUSED)
    assert (entry.username, entry.remote_addr) == ("reporter", "198.51.100.23")
    assert entry.detail["path"] == TRAIL_URL


# Roles, permissions, staff accounts ------------------------------------------------------------


def test_giving_a_role_in_the_admin_is_recorded_with_who_gave_it(client_of, reporter):
    client = client_of(StaffUserFactory(username="chief", is_superuser=True))
    desk = Group.objects.get(name=DESK_EDITOR)
    url = reverse("admin:auth_user_change", args=[reporter.pk])
    page = client.get(url)
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update(groups=[desk.pk], date_joined_0="2026-01-01", date_joined_1="00:00:00")
    data.pop("last_login", None)
    data.pop("password", None)
    data = {k: v for k, v in data.items() if v is not False}
    trail_from_now()
    response = client.post(url, data, **ADDRESS)
    assert response.status_code == 302, response.context["adminform"].form.errors
    added = only(AuditEntry.ROLE_CHANGED, changes__groups__operation="add")
    removed = only(AuditEntry.ROLE_CHANGED, changes__groups__operation="delete")
    assert (added.changes["groups"]["objects"], removed.changes["groups"]["objects"]) == (
        [DESK_EDITOR],
        [REPORTER],
    )
    for entry in (added, removed):
        assert (entry.username, entry.remote_addr) == ("chief", "198.51.100.23")
        assert entry.object_repr == "حساب: reporter"


def test_a_role_change_made_in_the_shell_is_recorded(reporter):
    trail_from_now()
    reporter.groups.add(Group.objects.get(name=EDITOR_IN_CHIEF))
    reporter.user_permissions.add(Permission.objects.get(codename="publish_article"))
    reporter.is_superuser = True
    reporter.save()
    role, permission, superuser = entries(AuditEntry.ROLE_CHANGED, object_repr="حساب: reporter")
    assert role.changes == {
        "groups": {"type": "m2m", "operation": "add", "objects": [EDITOR_IN_CHIEF]}
    }
    assert permission.changes["user_permissions"]["objects"] == ["التحرير | خبر | ينشر الخبر"]
    assert superuser.changes == {"is_superuser": [False, True]}
    for entry in (role, permission, superuser):
        assert (entry.actor, entry.username, entry.remote_addr) == (None, "", None)
        assert entry.who == "النظام / سطر الأوامر"


def test_adding_people_to_a_role_from_the_role_side_names_each_person(reporter):
    desk = Group.objects.get(name=DESK_EDITOR)
    desk.user_set.add(reporter)
    entry = only(AuditEntry.ROLE_CHANGED, changes__groups__objects=["reporter"])
    assert entry.object_repr == f"دور: {DESK_EDITOR}"
    assert entry.changes["groups"]["operation"] == "add"


def test_clearing_an_account_s_roles_names_the_roles_it_had_and_no_other(reporter):
    trail_from_now()
    reporter.groups.clear()
    entry = only(AuditEntry.ROLE_CHANGED, object_repr="حساب: reporter")
    assert entry.changes == {
        "groups": {"type": "m2m", "operation": "delete", "objects": [REPORTER]}
    }
    assert entry.what_changed() == f"المجموعات: أُزيل {REPORTER}"


def test_a_staff_account_edit_names_the_fields_and_hides_the_password(reporter):
    trail_from_now()
    reporter.first_name = "سلمى"
    reporter.set_password("a new secret phrase")
    reporter.save()
    entry = only(AuditEntry.CHANGED, object_repr="حساب: reporter")
    assert entry.changes == {"first_name": ["", "سلمى"], "password": ["تغيّرت", "تغيّرت"]}
    assert "a new secret phrase" not in str(entry.changes)
    assert reporter.password not in str(entry.changes)
    # As the chief reads it: the fields by their Arabic names, the password only as changed.
    assert entry.what_changed() == "كلمة المرور: تغيّرت؛ الاسم الأول: — → سلمى"


def test_a_sign_in_records_no_account_edit(client, reporter):
    from staff.tests.signin import password_step

    trail_from_now()
    password_step(client, "reporter", "correct horse battery")
    assert not entries(AuditEntry.CHANGED)


# Masthead, sections, editors, deletions ---------------------------------------------------------


def test_a_masthead_edit_in_the_admin_is_recorded_field_by_field(client_of, chief_user, masthead):
    client = client_of(chief_user)
    url = reverse("admin:articles_masthead_change", args=[masthead.pk])
    response = client.post(
        url,
        {
            "site_name": "صحيفة الغد",
            "tagline": "",
            "chief_role_label": masthead.chief_role_label,
        },
        **ADDRESS,
    )
    assert response.status_code == 302
    entry = only(AuditEntry.CHANGED, **about(Masthead))
    assert entry.changes == {"site_name": ["الصحيفة", "صحيفة الغد"]}
    assert entry.object_repr == "الترويسة: صحيفة الغد"
    shown = client.get(reverse("admin:staff_auditentry_change", args=[entry.pk]))
    assert "اسم الصحيفة: الصحيفة → صحيفة الغد" in shown.content.decode()
    assert (entry.username, entry.remote_addr) == ("chief", "198.51.100.23")


def test_section_and_editor_edits_and_deletions_are_recorded(section):
    section.name = "شؤون عربية"
    section.save()
    editor = EditorFactory(name="رامي")
    editor.bio = "نبذة طويلة عن المحرر " * 20
    editor.save()
    Section.objects.filter(pk=section.pk).delete()
    changed = only(AuditEntry.CHANGED, **about(Section))
    assert changed.changes["name"] == ["عربي ودولي", "شؤون عربية"]
    long = only(AuditEntry.CHANGED, **about(Editor))
    assert len(long.changes["bio"][1]) <= 80
    assert only(AuditEntry.DELETED, **about(Section)).object_repr == "قسم: شؤون عربية"
    assert only(AuditEntry.CREATED, **about(Editor)).object_repr == "محرر: رامي"


def test_deleting_a_story_in_the_admin_is_recorded_with_its_headline(
    client_of, chief_user, section, masthead
):
    story = ArticleFactory(section=section, headline="خبر سيُحذف")
    client = client_of(chief_user)
    url = reverse("admin:articles_article_delete", args=[story.pk])
    response = client.post(url, {"post": "yes"}, **ADDRESS)
    assert response.status_code == 302
    entry = only(AuditEntry.DELETED, **about(Article))
    assert entry.object_repr == f"خبر {story.pk}: خبر سيُحذف"
    assert (entry.username, entry.remote_addr) == ("chief", "198.51.100.23")


def test_a_story_from_the_importer_is_recorded_as_written_by_the_system(section):
    author = EditorFactory()
    article = article_create_from_import(
        parsed=ParsedArticle(headline="خبر مستورد", paragraphs=["فقرة"]),
        section=section,
        authors=[author],
    )
    entry = only(AuditEntry.CREATED, **about(Article))
    assert entry.object_repr == f"خبر {article.pk}: خبر مستورد"
    assert (entry.actor, entry.who) == (None, "النظام / سطر الأوامر")


def test_a_story_edit_saves_no_body_in_the_trail(client_of, desk_editor, reporters_draft):
    save_article(client_of(desk_editor), reporters_draft, body="<p>نص سري طويل</p>")
    edit = only(AuditEntry.WORKFLOW_MOVE, additional_data__move="edit")
    assert edit.username == "desk-editor"
    assert "نص سري" not in str(edit.detail)
    # The edit itself is the story's version's (django-reversion), not an entry of its fields.
    assert not entries(AuditEntry.CHANGED, **about(Article))
    assert not AuditEntry.objects.filter(changes__icontains="نص سري").exists()


# Share links and autosave ------------------------------------------------------------------------


def test_share_links_made_and_revoked_are_recorded(client_of, desk_editor, reporters_draft):
    client = client_of(desk_editor)
    page = reverse("admin:articles_article_share_preview", args=[reporters_draft.pk])
    client.post(page, {"create": "1"}, **ADDRESS)
    made = only(AuditEntry.SHARE_LINK_MADE)
    assert (made.username, made.remote_addr) == ("desk-editor", "198.51.100.23")
    assert made.object_repr == f"خبر {reporters_draft.pk}: مسودة المراسلة"
    client.post(page, {"revoke": made.detail["link"]}, **ADDRESS)
    revoked = only(AuditEntry.SHARE_LINK_ENDED)
    assert (revoked.username, revoked.detail["link"]) == ("desk-editor", made.detail["link"])


def test_publishing_records_the_share_links_it_ends(desk_editor, reporters_draft):
    preview.share_link_create(article=reporters_draft, by=desk_editor)
    workflow.article_publish(article=reporters_draft, by=desk_editor)
    ended = only(AuditEntry.SHARE_LINK_ENDED)
    assert (ended.detail["count"], ended.detail["reason"]) == (1, "نُشر")


def test_a_refused_share_link_is_recorded(reporter, reporters_draft):
    with pytest.raises(PermissionDenied):
        preview.share_link_create(article=reporters_draft, by=reporter)
    assert only(AuditEntry.PERMISSION_REFUSED).detail["move"] == "share_link_create"


def test_restoring_an_autosave_is_recorded(client_of, reporter, reporters_draft):
    client = client_of(reporter)
    url = reverse("admin:articles_article_autosave", args=[str(reporters_draft.pk)])
    client.post(url, {"headline": "عنوان لم يُحفظ"})
    response = client.post(url, {"_restored": "1"}, **ADDRESS)
    assert response.json()["restored"] is True
    entry = only(AuditEntry.AUTOSAVE_RESTORED)
    assert (entry.username, entry.remote_addr) == ("reporter", "198.51.100.23")
    assert entry.object_repr == f"خبر {reporters_draft.pk}: مسودة المراسلة"


# Reading, filtering, exporting; nobody edits; retention ------------------------------------------


def test_nobody_can_edit_or_delete_an_entry(client_of, chief_user):
    entry = AuditEntry.objects.create(kind=AuditEntry.SIGN_IN, username="desk")
    with pytest.raises(PermissionDenied):
        AuditEntry.objects.filter(pk=entry.pk).update(username="someone-else")
    with pytest.raises(PermissionDenied):
        AuditEntry.objects.all().delete()
    client = client_of(chief_user)
    change = reverse("admin:staff_auditentry_change", args=[entry.pk])
    assert client.post(change, {"username": "x"}).status_code == 403
    assert client.get(reverse("admin:staff_auditentry_add")).status_code == 403
    assert AuditEntry.objects.get(pk=entry.pk).username == "desk"


def test_django_auditlog_s_flush_command_deletes_nothing():
    from django.core.management.base import CommandError

    entry = AuditEntry.objects.create(kind=AuditEntry.SIGN_IN, username="desk")
    for options in ([], ["--truncate"]):
        with pytest.raises(CommandError, match="prune_audit_trail"):
            call_command("auditlogflush", "--yes", *options)
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_deleting_an_account_keeps_its_entries_under_its_name(reporter):
    AuditEntry.objects.create(kind=AuditEntry.SIGN_IN, actor=reporter, username="reporter")
    User.objects.filter(pk=reporter.pk).delete()
    entry = only(AuditEntry.SIGN_IN)
    assert (entry.actor, entry.username) == (None, "reporter")
    assert only(AuditEntry.DELETED, **about(User)).object_repr == "حساب: reporter"


def test_the_chief_filters_the_trail_by_action_person_and_address(client_of, chief_user):
    client = client_of(chief_user)
    trail_from_now()
    AuditEntry.objects.create(kind=AuditEntry.SIGN_IN, username="alpha", remote_addr="192.0.2.1")
    AuditEntry.objects.create(kind=AuditEntry.SIGN_IN, username="beta", remote_addr="192.0.2.2")
    AuditEntry.objects.create(kind=AuditEntry.DELETED, username="alpha", remote_addr="192.0.2.2")

    def shown(**query):
        response = client.get(TRAIL_URL, query)
        assert response.status_code == 200
        return {(e.kind, e.username) for e in response.context["cl"].result_list}

    assert shown(kind__exact="sign_in", username="alpha") == {("sign_in", "alpha")}
    assert shown(address="192.0.2.2") == {("sign_in", "beta"), ("deleted", "alpha")}
    today = timezone.localdate()
    assert ("deleted", "alpha") in shown(
        timestamp__year=today.year, timestamp__month=today.month, timestamp__day=today.day
    )


def test_the_chief_exports_the_filtered_trail_as_csv(client_of, chief_user):
    client = client_of(chief_user)
    trail_from_now()
    AuditEntry.objects.create(kind=AuditEntry.SIGN_IN, username="alpha", remote_addr="192.0.2.1")
    AuditEntry.objects.create(
        kind=AuditEntry.CHANGED,
        username="=HYPERLINK(1)",
        object_repr="قسم: اقتصاد",
        **about(Section),
        changes={"name": ["اقتصاد", "مال"]},
    )
    page = client.get(TRAIL_URL, {"kind__exact": "changed"})
    assert f'href="{EXPORT_URL}?kind__exact=changed"' in page.content.decode()
    response = client.get(EXPORT_URL, {"kind__exact": "changed"}, **ADDRESS)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["الوقت", "الحدث", "المستخدم"]
    assert len(rows) == 2
    assert rows[1][1:] == ["تعديل", "'=HYPERLINK(1)", "", "قسم: اقتصاد", "الاسم: اقتصاد → مال"]
    exported = only(AuditEntry.TRAIL_EXPORTED)
    assert (exported.username, exported.remote_addr, exported.detail["count"]) == (
        "chief",
        "198.51.100.23",
        1,
    )


def test_an_export_with_a_filter_the_list_cannot_apply_goes_back_to_the_list(client_of, chief_user):
    response = client_of(chief_user).get(EXPORT_URL, {"timestamp__gte": "not-a-date"})
    assert response.status_code == 302
    assert response["Location"] == f"{TRAIL_URL}?e=1"
    assert not entries(AuditEntry.TRAIL_EXPORTED)


def test_a_desk_editor_cannot_export_the_trail(client_of, desk_editor):
    assert client_of(desk_editor).get(EXPORT_URL).status_code == 403
    assert not entries(AuditEntry.TRAIL_EXPORTED)


def test_the_trail_list_costs_the_same_queries_for_few_or_many_entries(client_of, chief_user):
    client = client_of(chief_user)

    def queries() -> int:
        client.get(TRAIL_URL)  # the session's own bookkeeping settles first
        with CaptureQueriesContext(connection) as captured:
            assert client.get(TRAIL_URL).status_code == 200
        # The admin's header reads the masthead through its own cache, kept apart.
        return len([q for q in captured if "articles_masthead" not in q["sql"]])

    AuditEntry.objects.create(kind=AuditEntry.SIGN_IN, username="alpha")
    few = queries()
    for number in range(60):
        AuditEntry.objects.create(
            kind=AuditEntry.SIGN_IN, username=f"person{number}", remote_addr=f"192.0.2.{number}"
        )
    assert queries() == few


def test_entries_older_than_the_retention_are_removed(settings, time_machine):
    settings.NEWSROOM_AUDIT_RETENTION_DAYS = 30
    time_machine.move_to(timezone.now() - timedelta(days=31), tick=False)
    old = AuditEntry.objects.create(kind=AuditEntry.SIGN_IN, username="old")
    time_machine.move_to(timezone.now() + timedelta(days=31), tick=False)
    recent = AuditEntry.objects.create(kind=AuditEntry.SIGN_IN, username="recent")
    out = io.StringIO()
    call_command("prune_audit_trail", "--dry-run", stdout=out)
    assert "1 entries" in out.getvalue()
    assert AuditEntry.objects.filter(pk=old.pk).exists()
    call_command("prune_audit_trail", stdout=io.StringIO())
    assert not AuditEntry.objects.filter(pk=old.pk).exists()
    assert AuditEntry.objects.filter(pk=recent.pk).exists()
    assert only(AuditEntry.TRAIL_PRUNED).detail["count"] == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_on_postgresql_the_database_refuses_to_change_or_delete_an_entry(reporter):
    from django.db import DatabaseError, transaction

    entry = AuditEntry.objects.create(kind=AuditEntry.SIGN_IN, actor=reporter, username="r")
    table = AuditEntry._meta.db_table
    for sql in (
        f"UPDATE {table} SET username = 'x' WHERE id = %s",  # noqa: S608
        f"DELETE FROM {table} WHERE id = %s",  # noqa: S608
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [entry.pk])
    User.objects.filter(pk=reporter.pk).delete()  # the one update allowed: actor to NULL
    assert AuditEntry.objects.get(pk=entry.pk).username == "r"
    AuditEntry.objects.prune(before=timezone.now() + timedelta(seconds=1))
    assert not AuditEntry.objects.filter(pk=entry.pk).exists()


def test_masthead_made_on_the_first_public_page_is_not_an_entry(client):
    Masthead.objects.all().delete()
    assert client.get("/").status_code == 200
    assert not entries(AuditEntry.CREATED, **about(Masthead))


def test_a_refusal_the_service_recorded_is_not_recorded_again_for_its_403(
    rf, settings, reporter, reporters_draft
):
    from django.http import HttpResponseForbidden

    from staff.middleware import AuditRequestMiddleware

    def view_that_lets_the_refusal_through(request):
        try:
            workflow.article_publish(article=reporters_draft, by=request.user)
        except PermissionDenied:
            return HttpResponseForbidden()

    request = rf.post("/admin/articles/article/", **ADDRESS)
    request.COOKIES[settings.SESSION_COOKIE_NAME] = "signed-in"
    request.user = reporter
    assert AuditRequestMiddleware(view_that_lets_the_refusal_through)(request).status_code == 403
    entry = only(AuditEntry.PERMISSION_REFUSED)
    assert (entry.detail["move"], entry.remote_addr) == ("publish", "198.51.100.23")
