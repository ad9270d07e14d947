"""Two-factor sign-in and staff sessions cost a reader nothing: no cookie, no `Vary: Cookie`,
and not one query more on a public page (articles/tests/test_query_counts.py keeps the
budgets; here the same pages are rendered with and without the staff middleware)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from articles.tests.caches import empty_every_cache
from articles.tests.factories import ArticleFactory, MastheadFactory, SectionFactory

STAFF_MIDDLEWARE = (
    "django_otp.middleware.OTPMiddleware",
    "staff.middleware.AuditRequestMiddleware",
    "staff.middleware.StaffSessionMiddleware",
    "staff.middleware.TwoFactorRequiredMiddleware",
)


@pytest.fixture
def public_pages(db):
    MastheadFactory()
    section = SectionFactory(name="اقتصاد")
    story = ArticleFactory(section=section, headline="خبر منشور للقراء")
    return ["/", section.get_absolute_url(), story.get_absolute_url(), "/search/?q=خبر"]


@pytest.mark.django_db
def test_a_public_page_sets_no_cookie_for_an_anonymous_reader(public_pages):
    for address in public_pages:
        for attempt in ("cold", "cached"):
            response = Client().get(address)
            assert response.status_code == 200, (address, attempt)
            assert not response.cookies, (address, attempt, response.cookies)
            assert "Cookie" not in response.get("Vary", ""), (address, attempt)


def queries_for(address) -> int:
    empty_every_cache()
    with CaptureQueriesContext(connection) as queries:
        assert Client().get(address).status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_the_staff_middleware_adds_no_query_to_a_public_page(public_pages, settings):
    with_staff = [queries_for(address) for address in public_pages]
    settings.MIDDLEWARE = [name for name in settings.MIDDLEWARE if name not in STAFF_MIDDLEWARE]
    without_staff = [queries_for(address) for address in public_pages]
    assert with_staff == without_staff
