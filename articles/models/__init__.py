"""The newsroom's domain: sections, staff, articles and the masthead."""

from .articles import Article, ArticleAuthor, ArticleQuerySet, ArticleTransition
from .editors import Editor
from .masthead import Masthead
from .sections import Section

__all__ = [
    "Article",
    "ArticleAuthor",
    "ArticleQuerySet",
    "ArticleTransition",
    "Editor",
    "Masthead",
    "Section",
]
