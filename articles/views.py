from django.conf import settings
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import DetailView, ListView, TemplateView

from .caching import HOME, CachedPageMixin
from .models import Article, Editor, Section

HOME_LATEST_COUNT = 9
HOME_STORIES_PER_SECTION = 4


class HomeView(CachedPageMixin, TemplateView):
    template_name = "articles/home.html"

    def get_context_data(self, **kwargs):
        self.depends_on(HOME)
        context = super().get_context_data(**kwargs)
        published = Article.objects.published().for_listing()
        latest = list(published[: HOME_LATEST_COUNT + 1])
        blocks = {}
        for article in published.filter(section__show_in_nav=True).latest_per_section(
            HOME_STORIES_PER_SECTION
        ):
            blocks.setdefault(article.section, []).append(article)
        context.update(
            lead=latest[0] if latest else None,
            latest=latest[1:],
            section_blocks=list(blocks.items()),
        )
        return context


class SectionView(CachedPageMixin, ListView):
    template_name = "articles/section.html"
    context_object_name = "articles"

    def get_paginate_by(self, queryset):
        return settings.NEWSROOM_SECTION_PAGE_SIZE

    def get_queryset(self):
        self.section = get_object_or_404(Section, slug=self.kwargs["slug"])
        self.depends_on(f"section:{self.section.pk}")
        return self.section.articles.published().for_listing()

    def get_context_data(self, **kwargs):
        return super().get_context_data(section=self.section, **kwargs)


class ArticleView(CachedPageMixin, DetailView):
    template_name = "articles/article.html"
    context_object_name = "article"

    def get_queryset(self):
        return Article.objects.published().for_listing()

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.depends_on(f"article:{self.object.pk}", f"section:{self.object.section_id}")
        self.last_modified = self.object.updated_at
        # An old or mistyped slug still reaches the story, at its one canonical address.
        if self.kwargs["slug"] != self.object.slug:
            return redirect(self.object, permanent=True)
        return self.render_to_response(self.get_context_data(object=self.object))


class EditorView(CachedPageMixin, ListView):
    template_name = "articles/editor.html"
    context_object_name = "articles"
    paginate_by = 20

    def get_queryset(self):
        self.editor = get_object_or_404(Editor, slug=self.kwargs["slug"])
        self.depends_on(f"editor:{self.editor.pk}")
        return Article.objects.published().filter(authors=self.editor).for_listing()

    def get_context_data(self, **kwargs):
        return super().get_context_data(editor=self.editor, **kwargs)
