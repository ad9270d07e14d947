"""The newsroom's domain: sections, staff, articles and the masthead."""

from articles.models.alerts import Alert, PushKeys, PushSubscription
from articles.models.articles import Article, ArticleAuthor, ArticleQuerySet, ArticleTransition
from articles.models.autosave import Autosave, EditingPresence
from articles.models.corrections import Correction
from articles.models.editors import Editor
from articles.models.live import LiveEntry
from articles.models.masthead import Masthead
from articles.models.readcounts import DailyReadCount
from articles.models.search import SearchDocument, SearchWord
from articles.models.sections import Section
from articles.models.share_links import SharePreviewLink
from articles.models.tags import Tag, TaggedArticle

__all__ = [
    "Alert",
    "Article",
    "ArticleAuthor",
    "ArticleQuerySet",
    "ArticleTransition",
    "Autosave",
    "Correction",
    "DailyReadCount",
    "EditingPresence",
    "Editor",
    "LiveEntry",
    "Masthead",
    "PushKeys",
    "PushSubscription",
    "SearchDocument",
    "SearchWord",
    "Section",
    "SharePreviewLink",
    "Tag",
    "TaggedArticle",
]
