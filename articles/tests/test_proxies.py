"""Behind proxies, sign-in throttling sees each visitor's own address, and `check --deploy`
says when the app is proxied but the proxies are not declared."""

import pytest
from django.core.checks import run_checks
from django.core.management import call_command
from django.test import Client, RequestFactory

from newsroom.proxies import client_ip_address
from staff.tests.signin import password_step

BALANCER = "10.0.0.1"


@pytest.fixture
def reporter(django_user_model):
    return django_user_model.objects.create_user(
        "reporter", password="the-right-password-1", is_staff=True
    )


def sign_in(password, forwarded_for):
    """A sign-in through one load balancer, which appends the address it saw."""
    return password_step(
        Client(),
        "reporter",
        password,
        REMOTE_ADDR=BALANCER,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


@pytest.mark.django_db
def test_behind_a_declared_balancer_a_stranger_cannot_lock_an_editor_out(reporter, settings):
    settings.NEWSROOM_PROXY_COUNT = 1
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        sign_in("wrong", "203.0.113.7")
    assert sign_in("wrong", "203.0.113.7").status_code == 429  # the stranger is locked
    # ...even when he writes the editor's address into the header himself
    assert sign_in("wrong", "198.51.100.4, 203.0.113.7").status_code == 429
    assert sign_in("the-right-password-1", "198.51.100.4").status_code == 302  # she is not


@pytest.mark.django_db
def test_without_the_proxy_count_every_visitor_is_the_balancer(reporter, settings):
    """Why newsroom.W001 exists: the stranger's failures lock the editor out too."""
    settings.NEWSROOM_PROXY_COUNT = None
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        sign_in("wrong", "203.0.113.7")
    assert sign_in("the-right-password-1", "198.51.100.4").status_code == 429


@pytest.mark.parametrize(
    ("count", "header", "expected"),
    [
        (None, "198.51.100.4", BALANCER),  # not declared: the header is not believed
        (0, "198.51.100.4", BALANCER),
        (1, "198.51.100.4", "198.51.100.4"),
        (1, "1.1.1.1, 198.51.100.4", "198.51.100.4"),  # what the client wrote stays left
        (2, "198.51.100.4, 192.0.2.10", "198.51.100.4"),  # a CDN, then the balancer
        (2, "198.51.100.4", BALANCER),  # shorter than the proxies declared
        (1, "198.51.100.4:51234", "198.51.100.4"),
        (1, "[2001:db8::1]:443", "2001:db8::1"),
        (1, "not-an-address", BALANCER),
        (1, "", BALANCER),
    ],
)
def test_the_client_is_the_entry_the_outermost_proxy_added(settings, count, header, expected):
    settings.NEWSROOM_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR=BALANCER, HTTP_X_FORWARDED_FOR=header)
    assert client_ip_address(request) == expected


def proxy_warnings(deploy=True):
    return [
        message
        for message in run_checks(include_deployment_checks=deploy)
        if message.id == "newsroom.W001"
    ]


@pytest.mark.parametrize(
    "proxied",
    [{"PRODUCTION": True}, {"SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https")}],
)
def test_check_deploy_warns_when_proxied_without_a_proxy_count(settings, proxied):
    for name, value in proxied.items():
        setattr(settings, name, value)
    settings.NEWSROOM_PROXY_COUNT = None
    (warning,) = proxy_warnings()
    assert "AXES_PROXY_COUNT" in warning.msg and "lock any editor out" in warning.msg
    assert "README" in warning.hint
    assert not proxy_warnings(deploy=False)  # a deploy check only


@pytest.mark.parametrize("count", [0, 1, 2])
def test_a_declared_proxy_count_or_no_proxy_silences_the_warning(settings, count):
    settings.PRODUCTION = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.NEWSROOM_PROXY_COUNT = count
    assert not proxy_warnings()


def test_the_embedded_run_is_not_warned(settings):
    settings.PRODUCTION = False
    del settings.SECURE_PROXY_SSL_HEADER
    settings.NEWSROOM_PROXY_COUNT = None
    assert not proxy_warnings()


def test_ckeditor_w001_stays_silenced(settings, capsys):
    assert "ckeditor.W001" in settings.SILENCED_SYSTEM_CHECKS
    call_command("check", "--deploy")
    captured = capsys.readouterr()
    assert "ckeditor.W001" not in captured.out + captured.err
