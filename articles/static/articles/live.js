/* A live story's page (includes/live_coverage.html) follows its coverage without a reload.
 *
 * The page already holds every published entry (the server renders them: without this script
 * nothing is missing). Every `data-poll-seconds` (10) the script asks the story's endpoint
 * (`data-live-url`, the same address for every reader, kept by the page cache and a CDN) with
 * `cache: "no-cache"`, so the browser revalidates with If-None-Match and an unchanged coverage
 * costs a 304. The answer lists every published entry, newest first: the page is reconciled with
 * it by entry id (new ones inserted, edited ones replaced, deleted ones removed, key points
 * rebuilt), so a failed or missed request loses nothing; the next one brings the whole state.
 * After a failure it retries sooner, then backs off (never more than a minute apart). New
 * entries are announced politely to screen readers (aria-live). When the coverage has ended it
 * keeps asking, once a minute, for late corrections of entries.
 * Served from this site (the Content-Security-Policy allows scripts from 'self' only).
 */
(function () {
  "use strict";

  var ENDED_POLL_MS = 60000;
  var MAX_BACKOFF_MS = 60000;

  function follow(root) {
    var url = root.getAttribute("data-live-url");
    if (!url || !window.fetch) return;
    var pollMs = (parseInt(root.getAttribute("data-poll-seconds"), 10) || 10) * 1000;
    var on = root.getAttribute("data-live-on") === "1";
    var list = root.querySelector("[data-live-entries]");
    var keyPoints = root.querySelector("[data-live-key-points]");
    var keyList = root.querySelector("[data-live-key-list]");
    var status = root.querySelector("[data-live-status]");
    var announcer = root.querySelector("[data-live-announcer]");
    var lastTag = null;
    var failures = 0;
    var timer = null;

    function entryNodes() {
      var found = {};
      Array.prototype.forEach.call(list.querySelectorAll(":scope > [data-entry-id]"), function (node) {
        found[node.getAttribute("data-entry-id")] = node;
      });
      return found;
    }

    function nodeFrom(html) {
      var holder = document.createElement("template");
      holder.innerHTML = html; // the server's own markup, cleaned by its allowlist on save
      return holder.content.firstElementChild;
    }

    function reconcile(data) {
      var existing = entryNodes();
      var fresh = [];
      var wanted = {};
      var previous = null;
      data.entries.forEach(function (entry) {
        var id = String(entry.id);
        wanted[id] = true;
        var node = existing[id];
        if (!node) {
          node = nodeFrom(entry.html);
          if (!node) return;
          node.classList.add("live-entry--new");
          fresh.push(entry);
        } else if (node.getAttribute("data-v") !== entry.v) {
          var replacement = nodeFrom(entry.html);
          if (replacement) {
            node.replaceWith(replacement);
            node = replacement;
          }
        }
        // Keep the server's order (newest first), moving only what is out of place.
        var expected = previous ? previous.nextElementSibling : list.firstElementChild;
        if (expected !== node) list.insertBefore(node, expected);
        previous = node;
      });
      Object.keys(existing).forEach(function (id) {
        if (!wanted[id]) existing[id].remove();
      });
      var empty = list.querySelector("[data-live-empty]");
      if (empty && data.entries.length) empty.remove();

      if (keyList) {
        var pinned = data.entries.filter(function (entry) { return entry.pinned; });
        keyList.replaceChildren.apply(keyList, pinned.map(function (entry) {
          var item = document.createElement("li");
          item.setAttribute("data-entry-id", entry.id);
          var link = document.createElement("a");
          link.href = "#entry-" + entry.id;
          link.textContent = entry.summary;
          item.appendChild(link);
          return item;
        }));
        if (keyPoints) keyPoints.hidden = pinned.length === 0;
      }
      if (status && typeof data.status === "string") {
        var statusNode = nodeFrom("<span>" + data.status + "</span>");
        if (statusNode) status.replaceChildren.apply(status, Array.prototype.slice.call(statusNode.childNodes));
      }
      if (data.on !== on) {
        on = data.on;
        root.setAttribute("data-live-on", on ? "1" : "0");
        Array.prototype.forEach.call(document.querySelectorAll(".live-badge"), function (badge) {
          badge.hidden = !on;
        });
      }
      if (announcer && fresh.length) {
        announcer.textContent = fresh.length === 1
          ? "تدوينة جديدة: " + fresh[0].summary
          : fresh.length + " تدوينات جديدة في التغطية المباشرة.";
      }
    }

    function schedule(ms) {
      window.clearTimeout(timer);
      timer = window.setTimeout(poll, ms);
    }

    function poll() {
      window.fetch(url, { cache: "no-cache", credentials: "omit", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) throw new Error("live endpoint answered " + response.status);
          var tag = response.headers.get("ETag");
          if (tag && tag === lastTag) return null;
          return response.json().then(function (data) {
            reconcile(data);
            lastTag = tag;
          });
        })
        .then(function () {
          failures = 0;
          schedule(on ? pollMs : ENDED_POLL_MS);
        })
        .catch(function () {
          failures += 1;
          // Soon after a first failure (a dropped connection), then further apart.
          schedule(Math.min(MAX_BACKOFF_MS, failures === 1 ? 2000 : pollMs * Math.pow(2, failures - 2)));
        });
    }

    document.addEventListener("visibilitychange", function () {
      // A tab brought back after a while catches up at once.
      if (document.visibilityState === "visible") schedule(0);
    });
    schedule(on ? pollMs : ENDED_POLL_MS);
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-live-url]"), follow);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
