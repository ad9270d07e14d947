"""The three newsroom roles as groups with their permissions.

The lists are frozen here on purpose: a migration must not change meaning when code moves on.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

REPORTER = [
    "articles.add_article",
    "articles.change_article",
    "articles.view_article",
    "articles.submit_article",
    "articles.add_articleauthor",
    "articles.change_articleauthor",
    "articles.delete_articleauthor",
    "articles.view_articleauthor",
    "articles.view_section",
    "articles.view_editor",
]
DESK_EDITOR = REPORTER + [
    "articles.edit_others_article",
    "articles.publish_article",
    "articles.schedule_article",
    "articles.withdraw_article",
    "articles.send_back_article",
    "articles.manage_home_page",
    "articles.share_preview",
    "articles.view_articletransition",
]
EDITOR_IN_CHIEF = DESK_EDITOR + [
    "articles.delete_article",
    "articles.add_section",
    "articles.change_section",
    "articles.delete_section",
    "articles.add_editor",
    "articles.change_editor",
    "articles.delete_editor",
    "articles.change_masthead",
    "articles.view_masthead",
    "auth.view_user",
]
ROLES = {"مراسل": REPORTER, "محرر ديسك": DESK_EDITOR, "رئيس التحرير": EDITOR_IN_CHIEF}


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = []
        for perm in perms:
            app_label, codename = perm.split(".")
            wanted.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(wanted)


def delete_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0005_editorial_workflow"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, delete_roles)]
