"""Who the benchmark's requests come as: a phone's browser, so a page costs what a reader's view
costs (an article view is counted for "most read"; crawlers and tools, wrk's default included,
are not)."""

READER_USER_AGENT = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Mobile Safari/537.36"
)
WRK_AS_READER = ["-H", f"User-Agent: {READER_USER_AGENT}"]
