"""Fill a benchmark database with a large paper: 100,000 articles, 20 sections, 50 editors.

    DATABASE_URL=... MEDIA_ROOT=... .venv/bin/python bench/seed.py [--articles N] [--force]

Reuses the database when it already holds a seed of the requested size (--force re-seeds).
Re-seeding drops and recreates the database, so it refuses any database that is not a benchmark
one: a PostgreSQL name starting with `newsroom_bench`, or an SQLite file under `bench/.data/`.

Speed (target: 100,000 articles in under 3 minutes on 2 cores): rows go in with bulk_create in
batches inside transactions. bulk_create bypasses Article.save(), so this script sets the slug
itself, and the bodies it writes are already clean HTML (paragraphs of escaped text).
Lead images come from a pool of a dozen JPEGs generated once; articles share their file names.

The seed is a list of steps (`STEPS`); features that need their own data add a step there. Steps
that exist as management commands in some branches (the search index) run when present.
"""

import argparse
import json
import os
import random
import sys
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import django_setup

django_setup.setup()

import corpus
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management import call_command, get_commands
from django.db import connection, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from django.utils.html import escape
from tqdm import tqdm

from articles import images
from articles.arabic import arabic_slugify
from articles.importer import decode_article_file, parse_article_text
from articles.management.commands.load_demo import demo_photo
from articles.models import Article, ArticleAuthor, Editor, Masthead, Section, Tag, TaggedArticle

DATA_DIR = django_setup.ROOT / "bench" / ".data"
SEED_ARTICLE = django_setup.ROOT / "articles" / "demo" / "seed-article.txt"
DEFAULT_ARTICLES = int(os.environ.get("BENCH_ARTICLES", "100000"))
SECTION_COUNT = 20
EDITOR_COUNT = 50
IMAGE_POOL_SIZE = 12
IMAGE_SHARE = 0.85  # articles with a lead image
DRAFT_SHARE = 0.01  # articles still in draft: invisible to readers, but in the tables
TAG_COUNT = 200
TAGS_PER_ARTICLE = (0, 1, 2, 2, 3, 3, 4)  # drawn uniformly: about two and a quarter on average
SPREAD = timedelta(days=730)  # publication times over two years
# Stories the load test publishes carry this kicker; they are not part of the seed.
LOAD_TEST_KICKER = "اختبار تحميل"
# Management commands run after the rows are in, when the branch has them.
POST_SEED_COMMANDS = ["rebuild_search_index"]
POOL_COLORS = [
    [31, 64, 104], [120, 40, 40], [40, 110, 70], [150, 110, 30], [80, 60, 120], [30, 100, 110],
    [140, 70, 100], [60, 60, 60], [170, 90, 40], [50, 80, 150], [100, 120, 50], [130, 50, 70],
]  # fmt: skip


def pool_image_name(index: int) -> str:
    return f"bench/pool-{index:02d}.jpg"


def seeded_articles():
    return Article.objects.exclude(kicker=LOAD_TEST_KICKER)


def is_seeded(articles: int) -> bool:
    """The database already holds a seed of this size, on the current schema, all written."""
    try:
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            return False  # seeded by an older version of the code: seed again
        return (
            Section.objects.count() == SECTION_COUNT
            and Editor.objects.count() == EDITOR_COUNT
            and seeded_articles().count() == articles
            and Tag.objects.count() == TAG_COUNT
        )
    except Exception:  # no database or no tables yet
        return False
    finally:
        connections.close_all()


def reset_database() -> None:
    """Drop and recreate the benchmark database; refuses anything else."""
    db = settings.DATABASES["default"]
    connections.close_all()
    if db["ENGINE"].endswith("sqlite3"):
        path = Path(db["NAME"]).resolve()
        if DATA_DIR.resolve() not in path.parents:
            sys.exit(f"refusing to reset {path}: benchmark SQLite files live under {DATA_DIR}")
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
    elif db["ENGINE"].endswith("postgresql"):
        import psycopg
        from psycopg import sql

        name = db["NAME"]
        if not name.startswith("newsroom_bench"):
            sys.exit(f"refusing to reset database {name!r}: benchmark names start newsroom_bench")
        with psycopg.connect(
            dbname="postgres",
            user=db.get("USER") or None,
            password=db.get("PASSWORD") or None,
            host=db.get("HOST") or None,
            port=db.get("PORT") or None,
            autocommit=True,
        ) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    else:
        sys.exit(f"the seeder knows SQLite and PostgreSQL, not {db['ENGINE']}")


class Writer:
    """Random Arabic copy, reproducible from one seed.

    Paragraphs, deks and captions are drawn from pools generated once (a few thousand of each):
    drawing 100,000 bodies word by word would cost more than inserting them. Headlines are made
    word by word, so every story has its own.
    """

    POOL = 4000

    def __init__(self, rng: random.Random):
        self.rng = rng
        parsed = parse_article_text(decode_article_file(SEED_ARTICLE.read_bytes()))
        self.seed_paragraphs = [f"<p>{escape(p)}</p>" for p in parsed.paragraphs]
        self.word_slugs = {word: arabic_slugify(word) for word in corpus.WORDS}
        self.paragraphs = [f"<p>{self.words(30, 60)}.</p>" for _ in range(self.POOL)]
        self.deks = [self.words(14, 28) for _ in range(self.POOL)]
        self.captions = [self.words(8, 14) for _ in range(self.POOL)]
        self.alts = [self.words(6, 10) for _ in range(self.POOL)]

    def words(self, low: int, high: int) -> str:
        return " ".join(self.rng.choices(corpus.WORDS, k=self.rng.randint(low, high)))

    def headline(self) -> tuple[str, str]:
        """A headline and its slug (what arabic_slugify gives, built from per-word slugs)."""
        words = self.rng.choices(corpus.WORDS, k=self.rng.randint(6, 11))
        slug = "-".join(self.word_slugs[word] for word in words)[:255].strip("-")
        return " ".join(words), slug

    def body(self) -> str:
        generated = self.rng.sample(self.paragraphs, k=self.rng.randint(3, 6))
        quoted = self.rng.sample(self.seed_paragraphs, k=min(2, len(self.seed_paragraphs)))
        return "\n".join(generated[:1] + quoted + generated[1:])


@contextmanager
def explicit_timestamps():
    """Let bulk_create keep the created/updated times we give (auto_now would say "now")."""
    fields = [Article._meta.get_field("created_at"), Article._meta.get_field("updated_at")]
    saved = [(field.auto_now, field.auto_now_add) for field in fields]
    for field in fields:
        field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, (auto_now, auto_now_add) in zip(fields, saved, strict=True):
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def seed_frame(state: dict) -> None:
    """Masthead, 20 sections, 50 editors (the first one the editor-in-chief)."""
    Masthead.objects.update_or_create(
        pk=Masthead.SINGLETON_PK,
        defaults={
            "site_name": "الصحيفة",
            "tagline": "جريدة يومية مستقلة",
            "chief_role_label": "رئيس مجلسي الإدارة والتحرير",
        },
    )
    state["sections"] = Section.objects.bulk_create(
        Section(name=name, slug=arabic_slugify(name), description=description, nav_position=i)
        for i, (name, description) in enumerate(corpus.SECTIONS[:SECTION_COUNT], start=1)
    )
    rng = state["rng"]
    names = ["محمد الباز"]
    while len(names) < EDITOR_COUNT:
        last = rng.choice(corpus.LAST_NAMES).replace("-", " ")
        name = f"{rng.choice(corpus.FIRST_NAMES)} {last}"
        if name not in names:
            names.append(name)
    state["editors"] = Editor.objects.bulk_create(
        Editor(
            name=name,
            slug=arabic_slugify(name),
            job_title="رئيس مجلسي الإدارة والتحرير" if i == 0 else rng.choice(corpus.JOB_TITLES),
            bio=state["writer"].words(10, 25),
            is_editor_in_chief=i == 0,
        )
        for i, name in enumerate(names)
    )


def seed_image_pool(state: dict) -> None:
    """A dozen placeholder photos in MEDIA_ROOT, generated once and shared by every article."""
    for index, color in enumerate(POOL_COLORS[:IMAGE_POOL_SIZE]):
        if not default_storage.exists(pool_image_name(index)):
            default_storage.save(pool_image_name(index), demo_photo(color))
        # Renditions once per pool photo, as an upload would get them: pages link to these.
        field = Article(lead_image=pool_image_name(index)).lead_image
        images.renditions_generate(field_file=field, rendition_set=images.LEAD)
    state["images"] = [pool_image_name(i) for i in range(IMAGE_POOL_SIZE)]
    state["image_size"] = (1200, 675)  # demo_photo's size; stored so pages never open files


def seed_articles(state: dict) -> None:
    """The articles and their 1–2 bylines, in batches of `batch_size`, one transaction each."""
    rng, writer = state["rng"], state["writer"]
    sections, editors, pool = state["sections"], state["editors"], state["images"]
    width, height = state["image_size"]
    total, batch_size = state["articles"], state["batch_size"]
    now = timezone.now()
    spread = SPREAD.total_seconds()
    with explicit_timestamps(), tqdm(total=total, unit=" articles", smoothing=0.1) as progress:
        for start in range(0, total, batch_size):
            batch, authors = [], []
            for _ in range(min(batch_size, total - start)):
                headline, slug = writer.headline()
                draft = rng.random() < DRAFT_SHARE
                published_at = None if draft else now - timedelta(seconds=rng.random() * spread)
                stamp = published_at or now - timedelta(seconds=rng.random() * 86_400)
                has_image = rng.random() < IMAGE_SHARE
                batch.append(
                    Article(
                        headline=headline,
                        slug=slug,
                        kicker=writer.words(1, 3) if rng.random() < 0.4 else "",
                        dek=rng.choice(writer.deks),
                        body=writer.body(),
                        lead_image=rng.choice(pool) if has_image else "",
                        lead_image_width=width if has_image else None,
                        lead_image_height=height if has_image else None,
                        lead_image_caption=rng.choice(writer.captions) if has_image else "",
                        lead_image_credit=rng.choice(corpus.CREDITS) if has_image else "",
                        lead_image_alt=rng.choice(writer.alts) if has_image else "",
                        section=rng.choice(sections),
                        status=Article.Status.DRAFT if draft else Article.Status.PUBLISHED,
                        published_at=published_at,
                        created_at=stamp,
                        updated_at=stamp,
                    )
                )
                authors.append(rng.sample(editors, k=rng.choice((1, 1, 2))))
            with transaction.atomic():
                Article.objects.bulk_create(batch)
                ArticleAuthor.objects.bulk_create(
                    ArticleAuthor(article=article, editor=editor, position=position)
                    for article, bylines in zip(batch, authors, strict=True)
                    for position, editor in enumerate(bylines)
                )
            progress.update(len(batch))


def seed_tags(state: dict) -> None:
    """200 tags, a few of them on a large share of the paper (as «مصر» would be) and most on
    few stories: each article gets 0–4, drawn with weights 1/rank."""
    rng = state["rng"]
    by_slug = {arabic_slugify(word): word for word in sorted({*corpus.WORDS})}
    tags = Tag.objects.bulk_create(
        Tag(name=name, slug=slug) for slug, name in list(by_slug.items())[:TAG_COUNT] if slug
    )
    weights = [1 / rank for rank in range(1, len(tags) + 1)]
    article_ids = list(seeded_articles().values_list("pk", flat=True))
    rows = []
    for article_id in tqdm(article_ids, unit=" articles", smoothing=0.1):
        chosen = {tag.pk for tag in rng.choices(tags, weights, k=rng.choice(TAGS_PER_ARTICLE))}
        rows.extend(TaggedArticle(content_object_id=article_id, tag_id=pk) for pk in chosen)
    with transaction.atomic():
        TaggedArticle.objects.bulk_create(rows, batch_size=5000)


def run_post_seed_commands(state: dict) -> None:
    """Commands that build derived data (e.g. the search index), when this branch has them."""
    available = get_commands()
    state["post_seed_commands"] = [name for name in POST_SEED_COMMANDS if name in available]
    for name in state["post_seed_commands"]:
        call_command(name)


VACUUMED_TABLES = [
    "articles_article",
    "articles_articleauthor",
    "articles_taggedarticle",
    # The search index too: without statistics on its vectors, the planner guesses.
    "articles_searchdocument",
]


def analyze(state: dict) -> None:
    """Fresh planner statistics, as autovacuum would give a real site after a day."""
    vacuum(with_statistics=True)


def vacuum(*, with_statistics: bool = False) -> None:
    """On PostgreSQL, what autovacuum keeps true on a real site: pages marked all-visible, which
    index-only scans need (a reused database has had the load test's writes since)."""
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            if with_statistics:
                cursor.execute("ANALYZE")
            return
        # The seed commits asynchronously, and VACUUM marks a page all-visible only once the
        # commits of its rows are on disk: a synchronous commit flushes them all first.
        cursor.execute("SET synchronous_commit TO ON")
        with transaction.atomic():
            cursor.execute("SELECT txid_current()")
        for table in VACUUMED_TABLES:
            cursor.execute(f"VACUUM {'ANALYZE ' if with_statistics else ''}{table}")


STEPS = [seed_frame, seed_image_pool, seed_articles, seed_tags, run_post_seed_commands, analyze]


def main() -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=DEFAULT_ARTICLES)
    parser.add_argument("--batch-size", type=int, default=4000)
    parser.add_argument("--force", action="store_true", help="re-seed even if the size fits")
    parser.add_argument("--report", type=Path, help="write timings as JSON here")
    args = parser.parse_args()

    report = {"articles": args.articles, "database": connection.vendor, "reused": True}
    if args.force or not is_seeded(args.articles):
        started = time.perf_counter()
        reset_database()
        call_command("migrate", verbosity=0)
        state = {
            "rng": random.Random(20_251_124),
            "articles": args.articles,
            "batch_size": args.batch_size,
        }
        state["writer"] = Writer(state["rng"])
        with connection.cursor() as cursor:  # a benchmark database: speed over durability
            if connection.vendor == "postgresql":
                cursor.execute("SET synchronous_commit TO OFF")
            else:
                cursor.execute("PRAGMA synchronous = OFF")
        steps = {}
        for step in STEPS:
            step_started = time.perf_counter()
            step(state)
            steps[step.__name__] = round(time.perf_counter() - step_started, 2)
        report.update(
            reused=False,
            seconds=round(time.perf_counter() - started, 2),
            steps=steps,
            post_seed_commands=state.get("post_seed_commands", []),
        )
        print(f"seeded {args.articles} articles in {report['seconds']} s: {steps}")
    else:
        seed_image_pool({})  # a wiped media folder is cheap to refill
        vacuum()
        print(f"reusing the seeded {connection.vendor} database ({args.articles} articles)")
    if args.report:
        args.report.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    return report


if __name__ == "__main__":
    main()
