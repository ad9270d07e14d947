"""Rights that came with later features: tags for everyone who writes, sign-in locks for the chief.

Frozen lists, like 0006: a migration must not change meaning when code moves on.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "مراسل": ["articles.view_tag", "articles.add_tag"],
    "محرر ديسك": [
        "articles.view_tag",
        "articles.add_tag",
        "articles.change_tag",
        "articles.view_dailyreadcount",
    ],
    "رئيس التحرير": [
        "articles.view_tag",
        "articles.add_tag",
        "articles.change_tag",
        "articles.delete_tag",
        "articles.view_dailyreadcount",
        # Unlocking an account locked after failed sign-ins = deleting its attempt record.
        "axes.view_accessattempt",
        "axes.delete_accessattempt",
        "axes.view_accesslog",
    ],
}


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in GRANTS.items():
        group = Group.objects.get(name=name)
        for perm in perms:
            app_label, codename = perm.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in GRANTS.items():
        group = Group.objects.filter(name=name).first()
        if group is None:
            continue
        for perm in perms:
            app_label, codename = perm.split(".")
            group.permissions.remove(
                *Permission.objects.filter(content_type__app_label=app_label, codename=codename)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0006_newsroom_roles"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
