"""Corrections, clarifications and updates on published stories, and the explanation a
withdrawn story's page gives; the desk and the chief may publish notes, reporters only see them.

Frozen lists, like 0006: a migration must not change meaning when code moves on.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

_NOTES = [
    "articles.publish_correction",
    "articles.add_correction",
    "articles.change_correction",
    "articles.delete_correction",
    "articles.view_correction",
]
GRANTS = {
    "مراسل": ["articles.view_correction"],
    "محرر ديسك": _NOTES,
    "رئيس التحرير": _NOTES,
}


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in GRANTS.items():
        group = Group.objects.filter(name=name).first()
        if group is None:
            continue
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
        ('articles', '0020_search_words'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='article',
            name='withdrawal_note',
            field=models.TextField(blank=True, editable=False, help_text='يظهر للقراء على صفحة الخبر بعد سحبه.', verbose_name='توضيح السحب للقراء'),
        ),
        migrations.CreateModel(
            name='Correction',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('correction', 'تصحيح'), ('clarification', 'توضيح'), ('update', 'تحديث')], default='correction', max_length=20, verbose_name='النوع')),
                ('text', models.TextField(help_text='ما صُحّح أو وُضّح أو استجد، كما يقرؤه القراء. نص عادي أو HTML بسيط.', verbose_name='النص')),
                ('noted_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='التاريخ')),
                ('placement', models.CharField(choices=[('top', 'أعلى الخبر'), ('bottom', 'أسفل الخبر')], default='bottom', max_length=10, verbose_name='الموضع')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='أضيف في')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='آخر تعديل')),
                ('article', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='corrections', to='articles.article', verbose_name='الخبر')),
                ('created_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='أضافه')),
            ],
            options={
                'verbose_name': 'تصحيح أو توضيح',
                'verbose_name_plural': 'التصحيحات والتوضيحات',
                'ordering': ['-noted_at', '-pk'],
                'permissions': [('publish_correction', 'ينشر تصحيحًا أو توضيحًا أو تحديثًا على خبر منشور')],
                'indexes': [models.Index(fields=['-noted_at', '-id'], name='correction_newest_idx'), models.Index(fields=['article', 'noted_at'], name='correction_article_idx')],
            },
        ),
        migrations.RunPython(grant, revoke),
    ]
