import pytest

from .factories import ArticleFactory, EditorFactory, MastheadFactory, SectionFactory


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Uploads go to a throwaway folder, so tests can see exactly which files remain."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Signing staff in is not what these tests measure; the real hasher costs ~1 s a user."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def chief(db):
    return EditorFactory(name="محمد الباز", job_title="رئيس التحرير", is_editor_in_chief=True)


@pytest.fixture
def masthead(db, chief):
    return MastheadFactory()


@pytest.fixture
def section(db):
    return SectionFactory(name="عربي ودولي")


@pytest.fixture
def published_article(db, section, masthead):
    return ArticleFactory(section=section)


@pytest.fixture
def draft_article(db, section, masthead):
    return ArticleFactory(section=section, draft=True, headline="مسودة سرية لم تنشر")


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("desk", "desk@example.com", "pw-123456789")
    client.force_login(user)
    return client


@pytest.fixture
def article_factory(db):
    return ArticleFactory
