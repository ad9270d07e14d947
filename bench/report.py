"""Write bench/RESULTS.md from the raw figures in bench/results/*.json.

.venv/bin/python bench/report.py
"""

import json
import re
from pathlib import Path
from urllib.parse import unquote

RESULTS = Path(__file__).resolve().parent / "results"
OUTPUT = Path(__file__).resolve().parent / "RESULTS.md"
PAGES = ["home", "section", "article", "search", "feed"]
FULL_SIZE = 100_000
# Issue 6's targets on a 2-core machine.
WARM_RATIO = 0.75
COLD_RATIO = {"article": 0.06, "section": 0.06, "home": 0.04}
RENDER_P50_MS = 8
SEARCH_P50_MS = {"postgresql": 50, "sqlite": 150}
RSS_MB = 150


def _load(name: str) -> dict | None:
    path = RESULTS / name
    return json.loads(path.read_text()) if path.exists() else None


def _pct(ratio) -> str:
    return "n/a" if ratio is None else f"{ratio * 100:.1f}%"


def _verdict(ok) -> str:
    return {True: "met", False: "**not met**", None: "n/a"}[ok]


def _num(value, unit="") -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        value = f"{value:,.1f}" if value >= 100 else f"{value:.2f}"
    elif isinstance(value, int):
        value = f"{value:,}"
    return f"{value}{unit}"


def _page_rows(stack: dict) -> list[str]:
    inproc = stack["inprocess"]["pages"]
    cold, warm = stack["cold"]["pages"], stack["warm"]["pages"]
    rows = [
        "| page | bytes | SQL queries (cache empty / cached) | in-process render p50, ms "
        "(cache off / on) | cold req/s | cold p50 / p99 ms | cold ÷ ceiling "
        "| warm req/s | warm p50 / p99 ms | warm ÷ ceiling |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for page in [*PAGES, "ceiling"]:
        info = inproc.get(page) or {}
        label = "ceiling (article HTML as a static file)" if page == "ceiling" else page
        if not info.get("available"):
            status = info.get("status")
            why = f"{info.get('path')} answers {status}" if status else "no such page yet"
            rows.append(f"| {label} | n/a ({why}) | | | | | | | | |")
            continue
        c, w = cold.get(page, {}), warm.get(page, {})
        queries = (
            "0 (static)" if page == "ceiling" else f"{info['queries']} / {info['warm_queries']}"
        )
        render = (
            "—"
            if page == "ceiling"
            else f"{info['render_ms']['p50']:.1f} / {info['warm_render_ms']['p50']:.2f}"
        )
        spread = " ¹" if c.get("spread_over_articles") else ""
        rows.append(
            f"| {label} | {_num(info['bytes'])} | {queries} | {render} "
            f"| {_num(c.get('rps'))}{spread} | {_num(c.get('p50_ms'))} / {_num(c.get('p99_ms'))} "
            f"| {_pct(c.get('ratio_to_ceiling'))} | {_num(w.get('rps'))} "
            f"| {_num(w.get('p50_ms'))} / {_num(w.get('p99_ms'))} "
            f"| {_pct(w.get('ratio_to_ceiling'))} |"
        )
    return rows


def _targets(stack: dict) -> list[str]:
    inproc = stack["inprocess"]["pages"]
    cold, warm = stack["cold"]["pages"], stack["warm"]["pages"]
    articles = stack["inprocess"]["articles"]
    rows = ["| target (issue 6) | measured | |", "| --- | --- | --- |"]

    measured = [p for p in PAGES if p in warm and "ratio_to_ceiling" in warm[p]]
    ratios = {p: warm[p]["ratio_to_ceiling"] for p in measured}
    rows.append(
        f"| warm pages ≥ {WARM_RATIO:.0%} of the ceiling | "
        + ", ".join(f"{p} {_pct(r)}" for p, r in ratios.items())
        + f" | {_verdict(all(r >= WARM_RATIO for r in ratios.values()) if ratios else None)} |"
    )
    for page, target in COLD_RATIO.items():
        ratio = cold.get(page, {}).get("ratio_to_ceiling")
        ok = None if ratio is None else ratio >= target
        rows.append(
            f"| cold {page} ≥ {target:.0%} of the ceiling | {_pct(ratio)} | {_verdict(ok)} |"
        )
    renders = {
        p: inproc[p]["render_ms"]["p50"]
        for p in ("home", "section", "article")
        if inproc.get(p, {}).get("available")
    }
    full = articles >= FULL_SIZE
    ok = all(v < RENDER_P50_MS for v in renders.values()) if renders else None
    rows.append(
        f"| in-process render p50 < {RENDER_P50_MS} ms at {FULL_SIZE:,} articles | "
        + ", ".join(f"{p} {v:.1f} ms" for p, v in renders.items())
        + f" ({articles:,} articles) | {_verdict(ok) if full else _verdict(ok) + ' (small seed)'} |"
    )
    database = stack["inprocess"]["database"]
    search = inproc.get("search", {})
    limit = SEARCH_P50_MS.get(database)
    if search.get("available"):
        p50 = search["render_ms"]["p50"]
        rows.append(
            f"| search p50 < {limit} ms on {database} | {p50:.1f} ms in-process, "
            f"{_num(cold.get('search', {}).get('p50_ms'))} ms under load (cold) "
            f"| {_verdict(p50 < limit)} |"
        )
    else:
        rows.append(f"| search p50 < {limit} ms on {database} | n/a (no search page yet) | n/a |")
    rss = stack["cold"]["worker_rss_mb"] + stack["warm"]["worker_rss_mb"]
    rows.append(
        f"| each gunicorn worker < {RSS_MB} MB resident after the load | "
        f"cold run {stack['cold']['worker_rss_mb']} MB, "
        f"warm run {stack['warm']['worker_rss_mb']} MB "
        f"| {_verdict(all(v < RSS_MB for v in rss) if rss else None)} |"
    )
    return rows


def _sql_time(stack: dict) -> str:
    parts = []
    for page in PAGES:
        log = stack["inprocess"]["pages"].get(page, {}).get("query_log")
        if log:
            total = sum(q["ms"] for q in log)
            parts.append(
                f"{page} {total:.0f} ms (slowest query {max(q['ms'] for q in log):.0f} ms)"
            )
    return ", ".join(parts)


def _ceiling_runs(server: dict) -> str:
    ceiling = server["pages"].get("ceiling", {})
    runs = ceiling.get("rps_runs") or [
        ceiling.get("rps_before_pages"),
        ceiling.get("rps_after_pages"),
    ]
    return ", ".join(_num(rps) for rps in runs)


def _stack_section(stack: dict) -> list[str]:
    m = stack["machine"]
    seed = stack["seed"]
    seeded = (
        f"reused an existing seed of {seed['articles']:,} articles"
        if seed.get("reused")
        else f"seeded {seed['articles']:,} articles in {seed['seconds']:.0f} s"
    )
    errors = [
        f"{mode} {page}: {fig['non_2xx_3xx']} non-2xx/3xx, {fig['socket_errors']} socket errors"
        for mode in ("cold", "warm")
        for page, fig in stack[mode]["pages"].items()
        if fig["non_2xx_3xx"] or fig["socket_errors"]
    ]
    lines = [
        f"## {stack['label']}",
        "",
        f"- Run {stack['date']} at revision `{stack['revision']}`, {seeded}; "
        f"{stack['inprocess']['published']:,} of {stack['inprocess']['articles']:,} are published.",
        f"- Machine: {m['nproc']} CPUs ({m['cpu']}), {m['memory_gb']} GB memory, "
        f"Linux {m['kernel']}, "
        f"Python {m['python']}; load average before the run {m['loadavg_before']} (1/5/15 min)"
        + (
            f"; a fixed Python loop took {m['python_loop_ms']} ms (best of 5; `run.py`,"
            " `python_loop_ms`)."
            if "python_loop_ms" in m
            else "."
        ),
        f"- Load: wrk {stack['settings']['wrk']}; gunicorn {stack['settings']['gunicorn']}.",
        "",
        *_page_rows(stack),
        "",
        "¹ cold article: requests spread over "
        f"{stack['cold']['pages'].get('article', {}).get('spread_over_articles', 'n/a')} "
        "different published stories. The ceiling was run before the first page, between "
        "pages and after the last; each page's ratio is to the mean of the ceiling runs just "
        "before and after it, and the ceiling's req/s is the mean of all its runs (cold server "
        f"{_ceiling_runs(stack['cold'])}, warm server {_ceiling_runs(stack['warm'])} req/s).",
        "",
        f"Time in SQL for one page with the cache empty: {_sql_time(stack)}. Queries and "
        f"cProfiles: `bench/results/bench.json` (query_log) and "
        f"`bench/results/profile-{stack['name']}-*.txt`.",
        "",
        "Gunicorn workers' resident memory (VmRSS) after the load: cold run "
        f"{stack['cold']['worker_rss_mb']} MB, warm run {stack['warm']['worker_rss_mb']} MB.",
        "",
    ]
    if errors:
        lines += ["**Errors during the load:** " + "; ".join(errors), ""]
    lines += [*_targets(stack), ""]
    return lines


def _load_test_section(load: dict) -> list[str]:
    r, e = load["readers"], load["editor"]
    m = load["machine"]
    ok = load["verdict"]
    stories = r["paths"] - 1 - load["sections"]
    probe = e["commit_race_probe"]
    return [
        "## Load test: two app servers under readers while an editor publishes",
        "",
        f"- Run {load['date']} at revision `{load['revision']}` on PostgreSQL + Redis, "
        f"{load['articles']:,} seeded articles; {m['nproc']} CPUs, load average before "
        f"{m['loadavg_before']} (1/5/15 min).",
        f"- Two gunicorn app servers ({load['workers_per_server']} sync workers each, ports "
        f"{load['ports']}) sharing the database and the cache, for {load['seconds']} s; "
        f"{r['connections']} concurrent readers (wrk, half on each server) over "
        f"{r['paths']} pages (home, every section, {stories} stories; {r['mix']}), "
        "all in the shared cache when the readers start.",
        f"- An editor process (Django ORM, same settings; each change in one transaction, as "
        f"the admin saves) every {e['interval_s']} s published a new story or withdrew an earlier "
        "one; after each change it read the home page, the section page and the story's page "
        "through both servers until they showed the change. A stale read is an answer to a "
        "request sent after the change was committed that still shows the old state; a page is "
        "stale for as long as requests sent to it get the old state.",
        "",
        "| figure | value | |",
        "| --- | --- | --- |",
        f"| reader requests | {r['requests']:,} ({r['rps']:,.1f}/s); p50 {r['p50_ms']} ms, "
        f"p99 {r['p99_ms']} ms (worse server) | |",
        f"| reader answers by status | {r['status']} | |",
        f"| 5xx responses (readers + editor's checks) | {r['status_5xx'] + e['status_5xx']} "
        f"| {_verdict(ok['no_5xx'])} |",
        f"| socket errors or timeouts seen by readers | {r['socket_errors']} | |",
        f"| changes made (published / withdrawn) | {e['published']} / {e['withdrawn']} | |",
        f"| stale reads after a change | {e['stale_reads_within_deadline']} of {e['checks']} "
        f"checks | {_verdict(ok['no_stale'])} |",
        f"| pages that never showed the change (gave up after {e['deadline_s'] + 10:.0f} s) "
        f"| {e['never_showed']} | |",
        f"| how long a page stayed stale after a change (first request that got the new "
        f"state was sent after): p50 / max | {e['stale_for_ms']['p50']} / "
        f"{e['stale_for_ms']['max']} ms | |",
        f"| pages stale for longer than {e['deadline_s']} s "
        f"| {e['pages_late']} | {_verdict(ok['visible_within_deadline'])} |",
        f"| when that answer arrived (adds queueing behind the readers): p50 / max "
        f"| {e['answered_after_ms']['p50']} / {e['answered_after_ms']['max']} ms | |",
        f"| lost writes (changes not in the database at the end) / pages disagreeing with the "
        f"database at the end | {e['lost_writes']} / {e['final_state_disagreements']} "
        f"| {_verdict(ok['no_lost_writes'])} |",
        f"| forced race: home page read through one server between the purge (post_save, "
        f"inside the transaction) and the commit; servers still without the story 2 s after "
        f"the commit | {probe['servers_stale_2s_after_commit']} of {probe['servers']} "
        f"| {_verdict(ok['no_stale_when_read_mid_transaction'])} |",
        f"| workers' resident memory after the load | {load['worker_rss_mb']} MB | |",
        f"| tracebacks in the servers' logs | {load['server_tracebacks']} | |",
        "",
    ]


# Sections other tools write (bench/lighthouse) or people write (a summary of where the figures
# stand) live between `<!-- name:start -->` and `<!-- name:end -->`: a rewrite keeps them, the
# summary after the introduction, the rest at the end.
MARKED_BLOCK = re.compile(r"<!-- (?P<name>[a-z]+):start -->.*?<!-- (?P=name):end -->", re.S)
SUMMARY = "summary"
ADMIN_STACKS = {"sqlite": "SQLite", "postgres": "PostgreSQL"}


def _admin_section() -> list[str]:
    """The desk's admin pages (bench/admin_pages.py): p50 and queries per stack, with the
    figures before issue 21 (`admin-before-<stack>.json`) beside them when kept."""
    runs = {name: _load(f"admin-{name}.json") for name in ADMIN_STACKS}
    befores = {name: _load(f"admin-before-{name}.json") for name in ADMIN_STACKS}
    measured = [name for name, run in runs.items() if run]
    if not measured:
        return []
    target = runs[measured[0]]["target_p50_ms"]
    header = "| admin page | " + " | ".join(
        f"{ADMIN_STACKS[n]} before p50 ms (queries) | {ADMIN_STACKS[n]} p50 ms (queries)"
        for n in measured
    )
    lines = [
        "## Admin pages (issue 21)",
        "",
        f"Signed in as a superuser, in-process (`bench/admin_pages.py`, Django's test client, "
        f"p50 of {runs[measured[0]]['pages']['list'].get('renders', 'n/a')} renders after one "
        f"warm-up), on {runs[measured[0]]['articles']:,} articles. Target: p50 at most "
        f"{target} ms on every page, both stacks. «before» is the code of main before issue 21.",
        "",
        "Load average (1 min) before each run: "
        + ", ".join(
            f"{ADMIN_STACKS[n]} {runs[n].get('loadavg_before', ['n/a'])[0]}"
            + (f" (before: {befores[n].get('loadavg_before', ['n/a'])[0]})" if befores[n] else "")
            for n in measured
        )
        + ".",
        "",
        header + " |",
        "| --- |" + " ---: | ---: |" * len(measured),
    ]
    for page, entry in runs[measured[0]]["pages"].items():
        cells = []
        for name in measured:
            now = runs[name]["pages"].get(page, {})
            old = ((befores[name] or {}).get("pages") or {}).get(page, {})
            cells.append(
                f"{_num(old.get('p50_ms'))} ({old.get('queries', 'n/a')})" if old else "n/a"
            )
            p50 = now.get("p50_ms")
            mark = "" if p50 is None or p50 <= target else " **over**"
            cells.append(f"{_num(p50)}{mark} ({now.get('queries', 'n/a')})")
        lines.append(f"| {page} `{unquote(entry['path'])[:70]}` | " + " | ".join(cells) + " |")
    return [*lines, ""]


def _live_load_test_section(live: dict) -> list[str]:
    ok, seen, statuses = live["verdict"], live["seen_after_commit_s"], live["reader_requests"]
    m = live["machine"]
    cost_rows = [
        f"| {name} | {figures['rps']:,.1f} | {figures['p50_ms']} | "
        f"{live['cost_ratio_to_plain_page'][name]:.2f}× |"
        for name, figures in live["cost"].items()
    ]
    return [
        "## Live coverage under load: 64 readers follow a story while the desk posts",
        "",
        f"- Run {live['date']} at revision `{live['revision']}` on the {live['stack']}; "
        f"{m['nproc']} CPUs, load average before {m['loadavg_before']} (1/5/15 min); readers, "
        "desk and servers on the same machine.",
        f"- For {live['seconds']:.0f} s the desk posted an entry every "
        f"{live['entry_interval_seconds']:.0f} s through the live desk's service "
        f"({live['entries_posted']} entries) while {live['readers']} readers, each loading the "
        "story's page once, asked its endpoint as the page's script does (every poll, with "
        f"If-None-Match): {live['reader_polls']:,} polls, answers {statuses}.",
        "",
        "| figure | value | |",
        "| --- | --- | --- |",
        f"| 5xx (readers, wrk, server log tracebacks: {live['server_tracebacks']}) | "
        f"{statuses['5xx']} | {_verdict(ok['no_5xx'])} |",
        f"| an entry reaches a reader after its commit | p50 {seen['p50']} s, p99 {seen['p99']} s, "
        f"max {seen['max']} s over {live['entry_reader_pairs']:,} entry × reader pairs; "
        f"{live['missed_or_late']} missed or later than 15 s | "
        f"{_verdict(ok['every_entry_seen_by_every_reader_within_15_s'])} |",
        f"| the workers' CPU per request: following the live story (entries every "
        f"{live['entry_interval_seconds']:.0f} s) / the same readers on a plain cached story "
        f"({live['control_seconds']:.0f} s, answers {live['control_requests']}) | "
        f"{live['worker_cpu_ms_per_reader_request']} ms / "
        f"{live['worker_cpu_ms_per_control_request']} ms: "
        f"{live['following_cost_ratio_to_control']:.2f}× | |",
        "",
        "What one request costs (wrk, 16 connections, the two workers busy, one after the other "
        "on the same servers); the ratio is the plain page's requests a second over the row's:",
        "",
        "| request | requests/s | p50 ms | cost vs a plain cached story page |",
        "| --- | --- | --- | --- |",
        *cost_rows,
        "",
        "Within 2× of a plain cached story page: "
        f"{_verdict(ok['reader_requests_within_2x_of_a_plain_cached_page'])}.",
        "",
    ]


def _kept_blocks() -> dict[str, str]:
    if not OUTPUT.exists():
        return {}
    text = OUTPUT.read_text(encoding="utf-8")
    return {match["name"]: match[0] for match in MARKED_BLOCK.finditer(text)}


def write() -> None:
    kept = _kept_blocks()
    bench = _load("bench.json") or {"stacks": {}}
    load = _load("load-test.json")
    lines = [
        "# Benchmark results",
        "",
        "Written by `make bench` (and `make load-test`) from the raw figures in "
        "`bench/results/*.json`; see bench/README.md for how they are measured. Absolute "
        "numbers drift on a shared machine: the targets are the ratios to the ceiling, the "
        "article page's HTML served as a static file by the same stack in the same run.",
        "",
    ]
    if SUMMARY in kept:
        lines += [kept.pop(SUMMARY), ""]
    for name in ("sqlite", "postgres"):
        if name in bench["stacks"]:
            lines += _stack_section({"name": name, **bench["stacks"][name]})
    if load:
        lines += _load_test_section(load)
    if live := _load("live-load-test.json"):
        lines += _live_load_test_section(live)
    lines += _admin_section()
    for block in kept.values():
        lines += [block, ""]
    OUTPUT.write_text("\n".join(lines).rstrip() + "\n", encoding="utf-8")


if __name__ == "__main__":
    write()
