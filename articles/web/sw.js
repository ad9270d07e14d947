/* Newsroom's service worker, served at /sw.js (articles/web/alerts.py): breaking alerts only.
 *
 * It caches nothing and answers no request: pages come from the site as before. On a push it
 * shows the alert the desk sent (articles/alerts.py `payload`: title, body, story address,
 * icon); a tap on it opens the story, or brings forward a tab that already shows it.
 */
"use strict";

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
});

self.addEventListener("push", function (event) {
  var data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (error) {
    data = {};
  }
  var url = new URL(data.url || "/", self.location.origin);
  if (url.origin !== self.location.origin) url = new URL("/", self.location.origin);
  event.waitUntil(
    self.registration.showNotification(data.title || "عاجل", {
      body: data.body || "",
      icon: data.icon || undefined,
      tag: data.tag || undefined,
      dir: "rtl",
      lang: "ar",
      data: { url: url.href },
    })
  );
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var url = (event.notification.data && event.notification.data.url) || "/";
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (tabs) {
      for (var i = 0; i < tabs.length; i++) {
        if (tabs[i].url === url && "focus" in tabs[i]) return tabs[i].focus();
      }
      return self.clients.openWindow(url);
    })
  );
});
