from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from articles.importer import ArticleFormatError, decode_article_file, parse_article_text
from articles.models import Article, Editor, Masthead

SEED = Path(__file__).resolve().parents[1] / "demo" / "seed-article.txt"
SEED_HEADLINE = "هيئة الأركان العسكرية للناتو تؤكد دعم التعاون العسكري المشترك مع باكستان"


def test_seed_page_parses_into_credit_headline_caption_and_paragraphs():
    parsed = parse_article_text(decode_article_file(SEED.read_bytes()))
    assert parsed.credits == [("رئيس مجلسى الإدارة والتحرير", "محمد الباز")]
    assert parsed.headline == SEED_HEADLINE
    assert parsed.caption == "للناتو"
    assert len(parsed.paragraphs) == 9
    assert parsed.paragraphs[0].startswith("أعرب المدير العام لهيئة الأركان")


def test_paragraph_text_is_escaped_not_trusted_as_html():
    parsed = parse_article_text("صفة\nاسم\n\nعنوان\n\nتعليق\n\n<script>x</script> نص\n")
    assert "<script>" not in parsed.body_html
    assert "&lt;script&gt;" in parsed.body_html


@pytest.mark.django_db
def test_import_command_creates_a_draft_by_the_credited_editor(section, chief):
    call_command("import_article", str(SEED), verbosity=0)
    article = Article.objects.get()
    assert article.headline == SEED_HEADLINE
    assert article.status == Article.Status.DRAFT
    assert article.lead_image_caption == "للناتو"
    assert list(article.authors.all()) == [chief]
    assert "<p>واتفق الجانبان" in article.body


@pytest.mark.django_db
def test_import_command_can_publish_with_chosen_authors(section, chief):
    other = Editor.objects.create(name="سارة")
    call_command("import_article", str(SEED), "--publish", "--author", other.slug, verbosity=0)
    article = Article.objects.published().get()
    assert article.ordered_authors() == [other]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "فارغ"),
        (b"   \n\n  ", "فارغ"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "ثنائي"),
        ("عنوان".encode("cp1256"), "UTF-8"),
        ("سطر واحد فقط بلا فقرات\n".encode(), "صيغة الملف"),
        ("صفة\n\nعنوان\n\nتعليق\n\nمتن\n".encode(), "الترويسة"),
        ("صفة\nاسم\n\nعنوان أول\nعنوان ثان\n\nتعليق\n\nمتن\n".encode(), "العنوان"),
    ],
    ids=[
        "empty",
        "blank",
        "binary",
        "not-utf8",
        "one-block",
        "credit-without-name",
        "two-headlines",
    ],
)
@pytest.mark.django_db
def test_bad_files_are_refused_with_a_clear_message_and_create_nothing(
    tmp_path, section, chief, content, message
):
    path = tmp_path / "article.txt"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        call_command("import_article", str(path), verbosity=0)
    assert not Article.objects.exists()


def test_unreadable_path_is_reported():
    with pytest.raises(CommandError, match="تعذر فتح الملف"):
        call_command("import_article", "/nonexistent/article.txt", verbosity=0)


def test_parser_rejects_body_missing():
    with pytest.raises(ArticleFormatError):
        parse_article_text("صفة\nاسم\n\nعنوان\n\n")


@pytest.mark.django_db
def test_load_demo_is_idempotent_and_names_the_chief():
    call_command("load_demo", verbosity=0)
    counts = Article.objects.count(), Editor.objects.count()
    call_command("load_demo", verbosity=0)
    assert (Article.objects.count(), Editor.objects.count()) == counts
    chief = Editor.objects.get(is_editor_in_chief=True)
    assert chief.name == "محمد الباز"
    assert Masthead.load().credit_line(chief) == "رئيس مجلسي الإدارة والتحرير: محمد الباز"
    seed = Article.objects.published().get(headline=SEED_HEADLINE)
    assert seed.lead_image and seed.lead_image_alt
