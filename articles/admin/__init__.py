"""The desk: the admin of articles, editors, sections and the masthead, its forms, the history of
a story, the dashboard and the rich-text uploads. It writes through `articles.workflow`."""

from articles.admin import alerts, articles, live  # noqa: F401  (registers the model admins)
