"""The newsroom's domain: sections, staff, articles and the masthead."""

from .articles import Article, ArticleAuthor, ArticleQuerySet, ArticleTransition
from .editors import Editor
from .masthead import Masthead
from .readcounts import DailyReadCount
from .search import SearchDocument
from .sections import Section
from .share_links import SharePreviewLink
from .tags import Tag, TaggedArticle

__all__ = [
    "Article",
    "ArticleAuthor",
    "ArticleQuerySet",
    "ArticleTransition",
    "DailyReadCount",
    "Editor",
    "Masthead",
    "SearchDocument",
    "Section",
    "SharePreviewLink",
    "Tag",
    "TaggedArticle",
]
