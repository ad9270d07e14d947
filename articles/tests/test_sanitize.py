"""Whatever reaches an article body, readers and editors get no script.

The attack corpus is data/xss-payload-list.txt (a public list of XSS vectors, MIT licence in
data/xss-payload-list.LICENSE). Each vector is saved through Article.save(), read back from the
database, rendered through the real article template, and the result is parsed the way a
browser parses it (html5lib) before anything is asserted.
"""

from pathlib import Path

import html5lib
import pytest
from django.template.loader import get_template
from django.templatetags.static import static
from django.test import RequestFactory
from django.urls import reverse

from articles.importer import decode_article_file, parse_article_text
from articles.models import Article
from articles.reading.queries import story_for_reader
from articles.sanitize import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, clean_body
from articles.tests.factories import ArticleFactory, EditorFactory
from articles.web import frame

DATA = Path(__file__).parent / "data"
PAYLOADS = (DATA / "xss-payload-list.txt").read_text(encoding="utf-8").splitlines()

URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "data", "poster", "background", "srcset", "lowsrc",
    "dynsrc", "cite", "longdesc", "usemap", "manifest", "ping", "codebase", "xlink:href",
}  # fmt: skip
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:")


def local_name(name: str) -> str:
    """html5lib writes namespaced names as {namespace}name; what a browser matches is name."""
    return name.rsplit("}", 1)[-1].lower()


def browser_url(value: str) -> str:
    """A URL as the browser reads it: tabs and newlines removed, controls and spaces trimmed."""
    for character in "\t\n\r":
        value = value.replace(character, "")
    return value.strip("".join(chr(code) for code in range(0x21))).lower()


def is_data_block(element) -> bool:
    """Structured data (JSON-LD) that the page itself adds: a browser never runs it."""
    return element.attrib.get("type") == "application/ld+json"


def without_the_sites_own_script(page):
    """The page with base.html's scripts (frame.SITE_SCRIPTS, from our static files, in the
    <head>, where no article body reaches) taken out: whatever script is left came from a body."""
    head = page.find("head")
    own = {static(name) for name in frame.SITE_SCRIPTS}
    for element in list(head if head is not None else []):
        if (
            element.tag == "script"
            and element.attrib.get("src") in own
            and not (element.text or "").strip()
        ):
            head.remove(element)
    return page


def dangers(tree) -> list[str]:
    found = []
    for element in tree.iter():
        if not isinstance(element.tag, str):  # comments
            continue
        tag = local_name(element.tag)
        if tag == "script" and not is_data_block(element):
            found.append("script element")
        for raw_name, value in element.attrib.items():
            name = local_name(raw_name)
            if name.startswith("on"):
                found.append(f"{tag}[{name}] event handler")
            if name == "srcdoc":
                found.append(f"{tag}[srcdoc]")
            if (name in URL_ATTRIBUTES or "src" in name or "href" in name) and browser_url(
                value
            ).startswith(DANGEROUS_SCHEMES):
                found.append(f"{tag}[{name}]={value!r}")
    return found


def outside_the_allowlist(fragment_tree) -> list[str]:
    found = []
    for element in fragment_tree.iter():
        if not isinstance(element.tag, str) or element is fragment_tree:
            continue
        tag = local_name(element.tag)
        if tag not in ALLOWED_TAGS:
            found.append(tag)
        allowed = ALLOWED_ATTRIBUTES.get(tag, set()) | ALLOWED_ATTRIBUTES["*"]
        allowed |= {"rel"} if tag == "a" else set()
        allowed |= {"class"} if tag == "figure" else set()
        found += [f"{tag}[{name}]" for name in element.attrib if local_name(name) not in allowed]
    return found


def parse_fragment(html: str):
    return html5lib.parseFragment(html, namespaceHTMLElements=False)


def store_every_payload(section) -> list[tuple[str, str]]:
    """Every vector saved as the body of its own story, the way any save path stores it, and
    read back from the database."""
    ids = []
    for number, payload in enumerate(PAYLOADS):
        article = Article(headline=f"اختبار {number}", body=payload, section=section)
        article.save()
        ids.append(article.pk)
    bodies = dict(Article.objects.filter(pk__in=ids).values_list("pk", "body"))
    return [(payload, bodies[pk]) for payload, pk in zip(PAYLOADS, ids, strict=True)]


def test_the_attack_corpus_and_its_licence_are_present():
    assert len(PAYLOADS) > 6000
    assert "MIT License" in (DATA / "xss-payload-list.LICENSE").read_text(encoding="utf-8")


def test_every_attack_vector_is_harmless_once_stored_and_once_rendered(section, masthead):
    stored_payloads = store_every_payload(section)

    stored_failures = {}
    for payload, stored in stored_payloads:
        tree = parse_fragment(stored)
        if problems := dangers(tree) + outside_the_allowlist(tree):
            stored_failures[payload] = problems
    assert not stored_failures, (
        f"{len(stored_failures)} vectors survived storage, e.g. {list(stored_failures.items())[:3]}"
    )

    # Rendered through the real article template; many vectors clean to the same body, so each
    # distinct stored body is rendered once.
    article = ArticleFactory(section=section)
    article = story_for_reader(article.pk)
    template = get_template("articles/article.html")
    rendered_failures = {}
    for stored in {body for _payload, body in stored_payloads}:
        article.body = stored
        page = without_the_sites_own_script(
            html5lib.parse(
                template.render(
                    {"article": article, "tags": article.tags, "masthead": masthead},
                    request=RequestFactory().get(article.get_absolute_url()),
                ),
                namespaceHTMLElements=False,
            )
        )
        scripts = [
            el
            for el in page.iter()
            if isinstance(el.tag, str) and el.tag == "script" and not is_data_block(el)
        ]
        problems = dangers(page) + [f"{len(scripts)} script elements"] * bool(scripts)
        if page.find(".//div[@class='article__body']") is None:
            problems.append("the body broke out of its container")
        if problems:
            rendered_failures[stored] = problems
    assert not rendered_failures, list(rendered_failures.items())[:3]

    # Saving a cleaned body again changes nothing.
    unstable = [stored for _p, stored in stored_payloads if clean_body(stored) != stored]
    assert not unstable, unstable[:3]


def test_a_vector_saved_through_the_admin_is_harmless_on_the_live_page(staff_client, section):
    editor = EditorFactory()
    vector = (
        "<p>نص الخبر</p>"
        '<img src=x onerror=alert(1)><svg/onload=alert(2)><a href="javascript:alert(3)">x</a>'
    )
    response = staff_client.post(
        reverse("admin:articles_article_add"),
        {
            "headline": "هجوم",
            "slug": "هجوم",
            "body": vector,
            "section": section.pk,
            "status": "published",
            "published_at_0": "",
            "published_at_1": "",
            "bylines-TOTAL_FORMS": "1",
            "bylines-INITIAL_FORMS": "0",
            "bylines-MIN_NUM_FORMS": "1",
            "bylines-MAX_NUM_FORMS": "1000",
            "bylines-0-editor": editor.pk,
            "bylines-0-position": "0",
        },
    )
    assert response.status_code == 302
    page = staff_client.get(Article.objects.get().get_absolute_url()).content.decode()
    tree = without_the_sites_own_script(html5lib.parse(page, namespaceHTMLElements=False))
    assert dangers(tree) == []
    assert all(
        el.tag != "script" or is_data_block(el) for el in tree.iter() if isinstance(el.tag, str)
    )


def test_a_body_with_nothing_left_after_cleaning_is_refused_and_kept_in_the_form(
    staff_client, section
):
    editor = EditorFactory()
    only_attack = '<script>alert(1)</script><svg/onload=alert(2)><img src="https://evil.example/x">'
    response = staff_client.post(
        reverse("admin:articles_article_add"),
        {
            "headline": "خبر بلا متن",
            "slug": "خبر-بلا-متن",
            "body": only_attack,
            "section": section.pk,
            "status": "draft",
            "published_at_0": "",
            "published_at_1": "",
            "bylines-TOTAL_FORMS": "1",
            "bylines-INITIAL_FORMS": "0",
            "bylines-MIN_NUM_FORMS": "1",
            "bylines-MAX_NUM_FORMS": "1000",
            "bylines-0-editor": editor.pk,
            "bylines-0-position": "0",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "لم يبقَ من المتن شيء يُعرض" in html
    assert "خبر بلا متن" in html  # the headline the editor typed is still in the form
    assert not Article.objects.exists()


def shape(html):
    """What a reader gets from a fragment: elements, attributes and text, in order."""
    return [
        (element.tag, sorted(element.attrib.items()), (element.text or "").strip())
        for element in parse_fragment(html).iter()
        if isinstance(element.tag, str)
    ]


# --- What news copy needs survives --------------------------------------------------------

UNCHANGED = [
    "<p>أكد الأمين العام لحلف الناتو، في مؤتمر صحفي عام 2024، دعم التعاون مع باكستان.</p>",
    '<p dir="ltr" lang="en">NATO Secretary-General</p><p>رقم 1٬250 و«اقتباس»&nbsp;هنا</p>',
    "<h2>عنوان فرعي</h2><h3>ثالث</h3><h4>رابع</h4><p><strong>مهم</strong> و<em>مائل</em></p>",
    "<blockquote><p>قال المتحدث: «لن نتراجع».</p></blockquote>",
    "<ul><li>أولًا</li><li>ثانيًا</li></ul><ol><li>واحد</li><li>اثنان</li></ol>",
    '<table><caption>نتائج الدوري</caption><thead><tr><th scope="col">الفريق</th>'
    '<th scope="col">النقاط</th></tr></thead><tbody><tr><td>الأهلي</td><td>45</td></tr>'
    '<tr><td colspan="2">تأجلت مباراة</td></tr></tbody></table>',
    '<figure class="image"><img src="/media/uploads/2026/05/nile.jpg" alt="النيل عند الغروب" '
    'width="800" height="450"><figcaption>النيل عند الغروب (تصوير الصحيفة)</figcaption></figure>',
    '<p><img src="/media/uploads/2026/05/chart.png" alt="رسم بياني" width="600" height="400"></p>',
]


@pytest.mark.parametrize("html", UNCHANGED)
def test_arabic_text_tables_and_our_images_survive_cleaning_unchanged(html):
    assert clean_body(html) == html


def test_the_seed_article_loses_nothing_in_cleaning():
    seed = Path(__file__).parents[1] / "demo" / "seed-article.txt"
    body = parse_article_text(decode_article_file(seed.read_bytes())).body_html
    assert shape(clean_body(body)) == shape(body)


def test_links_keep_safe_schemes_and_gain_noopener():
    cleaned = parse_fragment(
        clean_body(
            '<p><a href="https://example.com/x" target="_blank">موقع</a> '
            '<a href="mailto:desk@example.com">بريد</a> <a href="tel:+20212345">هاتف</a> '
            '<a href="/article/1/x/">داخلي</a> <a href="javascript:alert(1)">شر</a> '
            '<a href="data:text/html,<script>alert(1)</script>">شر</a> '
            '<a href="vbscript:msgbox(1)">شر</a></p>'
        )
    )
    links = cleaned.findall(".//a")
    assert [link.get("href") for link in links] == [
        "https://example.com/x",
        "mailto:desk@example.com",
        "tel:+20212345",
        "/article/1/x/",
        None,
        None,
        None,
    ]
    assert all(link.get("rel") == "noopener noreferrer" for link in links)
    assert all(link.get("target") is None for link in links)


@pytest.mark.parametrize(
    "source",
    [
        "https://evil.example/media/x.jpg",
        "//evil.example/media/x.jpg",
        "/\\evil.example/media/x.jpg",
        "data:image/png;base64,iVBORw0KGgo=",
        "javascript:alert(1)",
        "/media/../admin/logo.png",
        "/static/admin/img/icon.svg",
        "media/uploads/x.jpg",
        " \t//evil.example/media/x.jpg",
    ],
)
def test_images_from_anywhere_but_our_media_are_removed(source):
    assert "<img" not in clean_body(f'<p>قبل<img src="{source}" alt="x">بعد</p>')


def test_images_from_an_absolute_media_url_are_ours_too(settings):
    settings.MEDIA_URL = "https://cdn.example.com/media/"
    kept = '<img src="https://cdn.example.com/media/uploads/x.jpg" alt="">'
    assert clean_body(kept) == kept
    assert "<img" not in clean_body('<img src="/media/uploads/x.jpg" alt="">')
    assert "<img" not in clean_body('<img src="http://cdn.example.com/media/uploads/x.jpg">')


EMBED_ATTRIBUTES = (
    'sandbox="allow-scripts allow-same-origin allow-popups allow-presentation" '
    'loading="lazy" referrerpolicy="strict-origin-when-cross-origin"'
)


@pytest.mark.parametrize(
    "source",
    [
        "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
        "https://www.youtube.com/embed/dQw4w9WgXcQ?start=30",
        "https://player.vimeo.com/video/76979871",
    ],
)
def test_embeds_from_allowlisted_hosts_are_kept_and_sandboxed(source):
    cleaned = clean_body(
        f'<iframe src="{source}" width="560" height="315" title="فيديو" allowfullscreen '
        'sandbox="allow-top-navigation allow-forms" srcdoc="<script>x</script>" '
        'onload="alert(1)">نص بديل<script>alert(1)</script></iframe>'
    )
    src = source.replace("&", "&amp;")
    assert cleaned == (
        f'<iframe src="{src}" width="560" height="315" title="فيديو" allowfullscreen="" '
        f"{EMBED_ATTRIBUTES}></iframe>"
    )


@pytest.mark.parametrize(
    "source",
    [
        "https://evil.example/embed/x",
        "https://www.youtube.com.evil.example/embed/x",
        "https://www.youtube.com/watch?v=x",
        "https://www.youtube.com/embed/../redirect?q=https://evil.example",
        "http://www.youtube.com/embed/x",
        "https://user@www.youtube.com/embed/x",
        "https://www.youtube.com:8443/embed/x",
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "",
    ],
)
def test_embeds_from_anywhere_else_are_removed_entirely(source):
    assert clean_body(f'<p>قبل</p><iframe src="{source}"></iframe><p>بعد</p>') == (
        "<p>قبل</p><p>بعد</p>"
    )


def test_the_embed_allowlist_is_a_setting(settings):
    settings.NEWSROOM_EMBED_SOURCES = ["video.example.org/embed/"]
    assert "<iframe" in clean_body('<iframe src="https://video.example.org/embed/1"></iframe>')
    assert "<iframe" not in clean_body('<iframe src="https://www.youtube.com/embed/1"></iframe>')


def test_styles_classes_fonts_and_forms_are_stripped_but_their_text_kept():
    cleaned = clean_body(
        '<p style="color:red" class="x"><font color="red">ملون</font> <span>نص</span></p>'
        '<form action="/x"><input name="q"><button>أرسل</button></form><style>p{}</style>'
    )
    assert cleaned == "<p>ملون نص</p>أرسل"


def test_what_the_editor_produces_is_kept_as_is():
    """Output of CKEditor under the filter articles/richtext.py configures (from a browser)."""
    from_editor = (
        '<h2>عنوان</h2>\n\n<p dir="ltr"><strong>نص</strong> <em>مائل</em> '
        '<a href="https://example.com">رابط</a></p>\n\n<table>\n\t<thead>\n\t\t<tr>\n\t\t\t'
        '<th scope="col">أ</th>\n\t\t</tr>\n\t</thead>\n\t<tbody>\n\t\t<tr>\n\t\t\t<td>1</td>'
        "\n\t\t</tr>\n\t</tbody>\n</table>\n\n"
        '<figure class="image"><img alt="وصف" height="450" src="/media/uploads/2026/11/a.jpg" '
        'width="800" />\n<figcaption>تعليق</figcaption>\n</figure>\n\n'
        '<p><iframe loading="lazy" referrerpolicy="strict-origin-when-cross-origin" '
        'sandbox="allow-scripts allow-same-origin allow-popups allow-presentation" '
        'src="https://www.youtube-nocookie.com/embed/abc"></iframe></p>\n'
    )

    cleaned = clean_body(from_editor)
    assert shape(cleaned) == [
        item if item[0] != "a" else (item[0], [*item[1], ("rel", "noopener noreferrer")], item[2])
        for item in shape(from_editor)
    ]


# --- Direction and the editor's caption placeholder ---------------------------------------


@pytest.mark.parametrize("tag", ["p", "blockquote", "div"])
@pytest.mark.parametrize("direction", ["ltr", "rtl", "auto"])
def test_a_paragraph_quote_or_division_keeps_its_direction(tag, direction):
    html = f'<{tag} dir="{direction}">NATO said</{tag}>'
    assert clean_body(html) == html


@pytest.mark.parametrize(
    "html",
    [
        '<p dir="sideways">x</p>',
        '<p dir="ltr;color:red">x</p>',
        '<h2 dir="ltr">x</h2>',
        '<ul><li dir="ltr">x</li></ul>',
        '<p><strong dir="ltr">x</strong></p>',
    ],
)
def test_a_direction_elsewhere_or_with_another_value_is_dropped(html):
    assert "dir=" not in clean_body(html)


def test_a_caption_left_at_the_editors_placeholder_never_reaches_readers():
    photo = '<img src="/media/uploads/a.jpg" alt="النيل">'
    cleaned = clean_body(f'<figure class="image">{photo}\n<figcaption>تسمية</figcaption></figure>')
    assert "تسمية" not in cleaned
    assert cleaned == f'<figure class="image">{photo}\n</figure>'


def test_a_typed_caption_that_starts_like_the_placeholder_is_kept():
    html = (
        '<figure class="image"><img src="/media/uploads/a.jpg" alt="x">'
        "<figcaption>تسمية الشارع الجديد</figcaption></figure>"
    )
    assert clean_body(html) == html


def test_the_same_copy_written_again_by_the_editor_normalizes_equal():
    from articles.sanitize import normalized_body

    stored = "<p>«قال» الوزير&nbsp;اليوم</p><p>نص <strong>مهم</strong> هنا</p>"
    rewritten = (
        "<p>&laquo;قال&raquo; الوزير&nbsp;اليوم</p>\n\n<p>نص  <strong>مهم</strong>\n هنا</p>\n"
    )
    assert normalized_body(rewritten) == normalized_body(stored)
    assert normalized_body("<p>نص <strong>مهم</strong> هنا</p>") != normalized_body(
        "<p>نص<strong>مهم</strong> هنا</p>"
    )
