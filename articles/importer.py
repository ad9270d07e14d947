"""Reading articles from the plain-text page format the paper's archive uses.

A page is blocks separated by blank lines: the masthead credit lines (role, then name, often
repeated by the scraper), the headline, the photo caption, then the body, one paragraph a line.
`../shared/seed-article.txt`, copied to `articles/demo/seed-article.txt`, is the reference.
"""

from dataclasses import dataclass, field

import reversion
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape

from articles.models import Article, ArticleAuthor, Editor, Section

MAX_CAPTION_LINE = 150
MAX_FILE_BYTES = 2 * 1024 * 1024


class ArticleFormatError(ValueError):
    """The file is not an article in the page format; the message says why, in Arabic."""


@dataclass
class ParsedArticle:
    headline: str
    paragraphs: list[str]
    caption: str = ""
    credits: list[tuple[str, str]] = field(default_factory=list)

    @property
    def body_html(self) -> str:
        return "\n".join(f"<p>{escape(paragraph)}</p>" for paragraph in self.paragraphs)

    @property
    def credited_names(self) -> list[str]:
        return [name for _role, name in self.credits]


def _distinct_lines(block: list[str]) -> list[str]:
    """Scraped pages repeat credit and caption lines; keep each line once, in order."""
    seen: list[str] = []
    for line in block:
        if line not in seen:
            seen.append(line)
    return seen


def _blocks(text: str) -> list[list[str]]:
    blocks, current = [], []
    for raw_line in text.splitlines():
        line = raw_line.strip()
        if line:
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def decode_article_file(data: bytes) -> str:
    if not data.strip():
        raise ArticleFormatError("الملف فارغ: لا يحتوي على أي نص.")
    if len(data) > MAX_FILE_BYTES:
        raise ArticleFormatError("الملف أكبر من أن يكون خبرًا نصيًا (الحد 2 ميجابايت).")
    if b"\x00" in data:
        raise ArticleFormatError("الملف ثنائي وليس نصًا؛ استورد ملفًا نصيًا بترميز UTF-8.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ArticleFormatError(
            "تعذرت قراءة الملف: الترميز ليس UTF-8 أو أن الملف ليس نصًا."
        ) from error


def parse_article_text(text: str) -> ParsedArticle:
    blocks = _blocks(text)
    if len(blocks) < 3:
        raise ArticleFormatError(
            "صيغة الملف غير صحيحة: المتوقع أسطر الترويسة، ثم العنوان، ثم تعليق الصورة، ثم "
            "فقرات المتن، تفصل بينها أسطر فارغة."
        )
    credit_lines = _distinct_lines(blocks[0])
    if len(credit_lines) % 2:
        raise ArticleFormatError("أسطر الترويسة غير مكتملة: كل صفة يجب أن يليها سطر فيه الاسم.")
    credits = list(zip(credit_lines[::2], credit_lines[1::2], strict=True))

    headline_lines = _distinct_lines(blocks[1])
    if len(headline_lines) != 1:
        raise ArticleFormatError("العنوان يجب أن يكون سطرًا واحدًا يليه سطر فارغ.")
    headline = headline_lines[0]
    if len(headline) > Article._meta.get_field("headline").max_length:
        raise ArticleFormatError("العنوان أطول من 255 حرفًا؛ هل الملف بالصيغة الصحيحة؟")

    rest = blocks[2:]
    caption = ""
    caption_lines = _distinct_lines(rest[0])
    if len(rest) > 1 and all(len(line) <= MAX_CAPTION_LINE for line in caption_lines):
        caption = " ".join(caption_lines)
        rest = rest[1:]
    paragraphs = [line for block in rest for line in block]
    if not paragraphs:
        raise ArticleFormatError("لا يوجد متن للخبر بعد العنوان.")
    return ParsedArticle(headline=headline, paragraphs=paragraphs, caption=caption, credits=credits)


@transaction.atomic
def article_create_from_import(
    *,
    parsed: ParsedArticle,
    section: Section,
    authors: list[Editor],
    publish: bool = False,
    kicker: str = "",
    dek: str = "",
    published_at=None,
) -> Article:
    if not authors:
        raise ArticleFormatError("لا بد من كاتب واحد على الأقل للخبر.")
    article = Article(
        headline=parsed.headline,
        kicker=kicker,
        dek=dek,
        body=parsed.body_html,
        lead_image_caption=parsed.caption,
        section=section,
        status=Article.Status.PUBLISHED if publish else Article.Status.DRAFT,
        published_at=(published_at or timezone.now()) if publish else None,
    )
    article.full_clean()
    with reversion.create_revision():
        reversion.set_comment("استُورد من ملف نصي")
        article.save()
        ArticleAuthor.objects.bulk_create(
            ArticleAuthor(article=article, editor=editor, position=position)
            for position, editor in enumerate(authors)
        )
        reversion.add_to_revision(article)  # with its bylines, now that they exist
    return article
