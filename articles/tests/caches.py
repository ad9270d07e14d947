from articles.pagecache.pages import empty_every_cache

__all__ = ["empty_every_cache"]
