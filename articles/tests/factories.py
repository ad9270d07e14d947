import io
from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from articles.models import Article, ArticleAuthor, Correction, Editor, Masthead, Section


def jpeg_upload(name="photo.jpg", size=(640, 360), color=(120, 30, 30)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")


class StaffUserFactory(UserFactory):
    """A newsroom account in one of the roles (groups) migration 0003 creates."""

    class Meta:
        skip_postgeneration_save = True

    is_staff = True

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create:
            self.save()  # keeps the password set above
            if extracted:
                self.groups.add(Group.objects.get(name=extracted))


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    name = factory.Sequence(lambda n: f"قسم {n}")
    nav_position = factory.Sequence(lambda n: n)


class EditorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Editor

    name = factory.Sequence(lambda n: f"محرر رقم {n}")
    job_title = "محرر"


class MastheadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Masthead
        django_get_or_create = ["id"]

    id = Masthead.SINGLETON_PK
    site_name = "الصحيفة"
    chief_role_label = "رئيس مجلسي الإدارة والتحرير"


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article
        skip_postgeneration_save = True

    headline = factory.Sequence(lambda n: f"عنوان الخبر رقم {n}")
    dek = "ملخص قصير للخبر"
    body = "<p>متن الخبر.</p>"
    section = factory.SubFactory(SectionFactory)
    status = Article.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))

    class Params:
        draft = factory.Trait(status=Article.Status.DRAFT, published_at=None)
        in_review = factory.Trait(status=Article.Status.REVIEW, published_at=None)
        scheduled = factory.Trait(
            status=Article.Status.SCHEDULED,
            published_at=factory.LazyFunction(lambda: timezone.now() + timedelta(hours=2)),
        )
        withdrawn = factory.Trait(status=Article.Status.WITHDRAWN)

    @factory.post_generation
    def authors(self, create, extracted, **kwargs):
        if not create:
            return
        for position, editor in enumerate(extracted or [EditorFactory()]):
            ArticleAuthor.objects.create(article=self, editor=editor, position=position)
        # Adding a byline dates the story as edited (articles/invalidation.py).
        self.refresh_from_db(fields=["updated_at"])


class CorrectionFactory(factory.django.DjangoModelFactory):
    """A note written straight to the table (the desk writes through `workflow.correction_add`)."""

    class Meta:
        model = Correction

    article = factory.SubFactory(ArticleFactory)
    kind = Correction.Kind.CORRECTION
    text = factory.Sequence(lambda n: f"<p>صُحّح الرقم في الفقرة {n}.</p>")
    placement = Correction.Placement.BOTTOM
    noted_at = factory.LazyFunction(timezone.now)
