"""Fixtures for the browser suite: Debian's Chromium driven by Playwright against a live server.

Every test in this folder is marked `e2e` (see `pytest_collection_modifyitems`), so `make test`
leaves it out and `make e2e` runs it. The building blocks, for the tests to come:

- `browser`: one headless Chromium for the whole run (`/usr/bin/chromium`, never a download);
- `page`: a fresh desktop page (1366x900) whose relative URLs go to the live server;
  `new_page(PHONE)` opens another one at another viewport;
- `admin_login(page, user)`: signs a user in through the two-factor sign-in form (the password,
  then the authenticator's code when the user has one, see `with_authenticator`);
- `screenshot(page, name)`: a full-page PNG under `e2e-screenshots/<test name>/`;
- `reporter_account`, `desk_account`: staff in the «مراسل» and «محرر ديسك» groups, each with a
  byline (Editor profile), signing in with `PASSWORD`.

Each page refuses and records any request to another host, and the test fails if there was one:
the site fetches no font, script or image from anywhere but itself.
"""

import importlib
import os
import re
import shutil
import time
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import sync_playwright

from articles import roles
from articles.tests.factories import (
    ArticleFactory,
    EditorFactory,
    MastheadFactory,
    SectionFactory,
    StaffUserFactory,
    jpeg_upload,
)

E2E_DIR = Path(__file__).resolve().parent
REPO_DIR = E2E_DIR.parents[2]
SCREENSHOTS_DIR = Path(os.environ.get("E2E_SCREENSHOTS_DIR", REPO_DIR / "e2e-screenshots"))
CHROMIUM = os.environ.get("NEWSROOM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",  # the machine has no internet: no phoning home
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
PASSWORD = "e2e-password-1234"

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if E2E_DIR in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(f"No Chromium at {CHROMIUM}: install it with `apt-get install -y chromium`.")
    # Playwright's synchronous API runs an event loop in this thread; Django would refuse the
    # tests' own ORM calls from it, though they are plain synchronous code.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def new_page(browser, live_server):
    """Open a page at a viewport, on a fresh context (its own cookies) bound to the live server."""
    contexts, foreign_requests, page_errors = [], [], []
    own_host = urlsplit(live_server.url).netloc

    def keep_to_own_host(route):
        if urlsplit(route.request.url).netloc == own_host:
            route.continue_()
        else:
            foreign_requests.append(route.request.url)
            route.abort()

    def open_page(viewport=DESKTOP, **context_options):
        context = browser.new_context(
            viewport=viewport,
            base_url=live_server.url,
            locale="ar-EG",
            timezone_id="Africa/Cairo",
            **context_options,
        )
        context.set_default_timeout(15_000)
        context.route(re.compile(r"^https?://"), keep_to_own_host)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: page_errors.append(str(error)))
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert not foreign_requests, f"requests to other hosts: {foreign_requests}"
    assert not page_errors, f"JavaScript errors: {page_errors}"


@pytest.fixture(autouse=True)
def fresh_cache():
    """The live server shares this process's cache; a page cached by the previous test (whose
    rows the flush removed) must not answer this one."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def page(new_page):
    return new_page(DESKTOP)


def with_authenticator(user):
    """Give `user` an enrolled authenticator (a TOTP device): `admin_login` types its code."""
    TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    return user


def authenticator_code(user) -> str:
    """The code the person's app shows now; for a second sign-in within the same 30 s, the
    next one (django-otp refuses a code twice and accepts the next step's)."""
    device = TOTPDevice.objects.get(user=user, name="default")
    step_now = int((time.time() - device.t0) // device.step)
    drift = max(0, device.last_t + 1 - step_now)
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift)
    return f"{code:06d}"


@pytest.fixture
def superuser(transactional_db, django_user_model):
    """An editor with every right, who signs in with `PASSWORD` and her authenticator."""
    return with_authenticator(
        django_user_model.objects.create_superuser("desk-chief", "desk-chief@example.com", PASSWORD)
    )


# The groups' permissions exactly as the data migrations grant them (frozen lists there).
ROLE_MIGRATIONS = {
    "articles.migrations.0006_newsroom_roles": "ROLES",
    "articles.migrations.0007_roles_for_tags_and_sign_in_locks": "GRANTS",
    "articles.migrations.0021_corrections_and_withdrawal_note": "GRANTS",
    "articles.migrations.0022_breaking_alerts": "GRANTS",
    "articles.migrations.0023_live_coverage": "GRANTS",
}


@pytest.fixture
def newsroom_roles(transactional_db):
    """The role groups. Migrations create them, but the flush that ends every browser test
    empties the table, so they are made again here from the migrations' own lists."""
    for module, attribute in ROLE_MIGRATIONS.items():
        for name, perms in getattr(importlib.import_module(module), attribute).items():
            group, _ = Group.objects.get_or_create(name=name)
            for perm in perms:
                app_label, codename = perm.split(".")
                group.permissions.add(
                    Permission.objects.get(content_type__app_label=app_label, codename=codename)
                )
    return roles


@pytest.fixture
def reporter_account(newsroom_roles):
    """A reporter («مراسل») with her own byline."""
    user = StaffUserFactory(username="salma", password=PASSWORD, role=roles.REPORTER)
    EditorFactory(name="سلمى المراسلة", job_title="مراسلة", user=user)
    return user


@pytest.fixture
def desk_account(newsroom_roles):
    """A desk editor («محرر ديسك») with her own byline and her authenticator (her role
    requires two-factor sign-in)."""
    user = StaffUserFactory(username="hala", password=PASSWORD, role=roles.DESK_EDITOR)
    EditorFactory(name="هالة محررة الديسك", job_title="محررة الديسك", user=user)
    return with_authenticator(user)


@pytest.fixture
def admin_login():
    """`admin_login(page, user)`: sign in through the admin's login form, as a person would."""

    def login(page, user, password=PASSWORD):
        page.goto("/admin/login/")
        page.get_by_label("اسم المستخدم").fill(user.get_username())
        page.get_by_label("كلمة المرور").fill(password)
        page.locator("input[type=submit]").click()
        if TOTPDevice.objects.filter(user=user, name="default").exists():
            page.get_by_label("رمز التحقق").fill(authenticator_code(user))
            page.locator("#login-form input[type=submit]").click()
        page.wait_for_url(re.compile(r"/admin/$"))
        return page

    return login


@pytest.fixture
def screenshot(request):
    """`screenshot(page, name)`: a numbered full-page PNG in this test's folder of screenshots."""
    folder = SCREENSHOTS_DIR / re.sub(r"[^\w.-]+", "_", request.node.name)
    shutil.rmtree(folder, ignore_errors=True)
    taken = []

    def take(page, name: str, full_page: bool = True) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        width = page.viewport_size["width"] if page.viewport_size else 0
        path = folder / f"{len(taken) + 1:02d}-{name}-{width}px.png"
        page.screenshot(path=path, full_page=full_page)
        taken.append(path)
        return path

    return take


@pytest.fixture
def paper(transactional_db):
    """A small paper with photos: the masthead, its staff, three sections, a dozen stories."""
    chief = EditorFactory(
        name="محمد الباز", job_title="رئيس مجلسي الإدارة والتحرير", is_editor_in_chief=True
    )
    MastheadFactory(tagline="جريدة يومية مستقلة")
    reporter = EditorFactory(name="سارة عبد الحميد", job_title="محررة الشؤون الدولية")
    sections = [
        SectionFactory(name=name, description=f"أخبار {name} كل يوم.")
        for name in ["أخبار مصر", "عربي ودولي", "اقتصاد"]
    ]
    now = timezone.now()
    stories = []
    for number, (headline, color) in enumerate(HEADLINES):
        stories.append(
            ArticleFactory(
                section=sections[number % len(sections)],
                authors=[reporter if number % 2 else chief],
                kicker="متابعة",
                headline=headline,
                dek="ملخص من سطرين يشرح للقارئ لماذا يهمه هذا الخبر، وما الذي تغير اليوم.",
                body="<p>فقرة أولى من متن الخبر.</p><p>فقرة فيها <strong>تفاصيل</strong>.</p>",
                lead_image=jpeg_upload(f"photo-{number}.jpg", size=(1200, 675), color=color),
                lead_image_alt=f"صورة توضيحية للخبر: {headline}",
                lead_image_caption="تعليق الصورة",
                lead_image_credit="أرشيف الصحيفة",
                published_at=now - timedelta(hours=number + 1),
            )
        )
    return SimpleNamespace(
        chief=chief, reporter=reporter, sections=sections, stories=stories, lead=stories[0]
    )


HEADLINES = [
    ("هيئة الأركان العسكرية للناتو تؤكد دعم التعاون العسكري المشترك مع باكستان", (31, 64, 104)),
    ("افتتاح المرحلة الجديدة من الخط الثالث لمترو القاهرة أمام الركاب", (120, 40, 40)),
    ("ارتفاع الصادرات غير البترولية 12% خلال الأشهر العشرة الأولى من العام", (30, 90, 60)),
    ("معرض الكتاب يعلن شخصية الدورة المقبلة ويستضيف 60 دولة", (110, 80, 30)),
    ("الأهلي يتصدر الدوري بعد فوز صعب على الزمالك في القمة", (100, 20, 30)),
    ("قمة المناخ تختتم أعمالها باتفاق على تمويل التكيف في الدول النامية", (40, 70, 90)),
    ("الحكومة تعلن خطة لتطوير المستشفيات الجامعية في المحافظات", (70, 70, 100)),
    ("البنك المركزي يبقي أسعار الفائدة دون تغيير في اجتماعه الأخير", (60, 60, 60)),
]
