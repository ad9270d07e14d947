/* Breaking alerts on this browser: the «تنبيهات الأخبار العاجلة» button in the footer.
 *
 * The button stays hidden where the browser has no service workers or Push API. Pressed, it asks
 * the browser's permission, registers the service worker (/sw.js; only then, so a reader who
 * never turns alerts on gets no worker), subscribes with this
 * install's public VAPID key (/alerts/key/) and gives the subscription to the site
 * (/alerts/subscribe/); pressed again, it unsubscribes (/alerts/unsubscribe/). Its status line
 * says which of three states the browser is in: enabled, disabled, or refused by the browser.
 * Served from this site (the Content-Security-Policy allows scripts from 'self' only).
 */
(function () {
  "use strict";

  var box = document.querySelector("[data-alerts]");
  if (!box) return;
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    return; // no Push API here: the button stays hidden
  }
  var button = box.querySelector("[data-alerts-toggle]");
  var status = box.querySelector("[data-alerts-status]");
  var STATES = {
    enabled: "التنبيهات العاجلة مفعّلة على هذا المتصفح.",
    disabled: "التنبيهات العاجلة غير مفعّلة على هذا المتصفح.",
    refused: "رفض المتصفح التنبيهات لهذا الموقع؛ اسمح بها من إعدادات الموقع في المتصفح.",
    working: "لحظة…",
  };

  function show(state, message) {
    box.setAttribute("data-state", state);
    button.setAttribute("aria-pressed", state === "enabled" ? "true" : "false");
    button.disabled = state === "refused" || state === "working";
    status.textContent = message || STATES[state];
  }

  function keyBytes(text) {
    var padded = (text + "===".slice((text.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = window.atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "omit",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    }).then(function (response) {
      return response.json().then(
        function (data) {
          if (!response.ok) throw new Error(data.error || "");
          return data;
        },
        function () {
          throw new Error("");
        }
      );
    });
  }

  var failed = "تعذّر تفعيل التنبيهات الآن؛ حاول بعد قليل.";

  function enable(registration) {
    return Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") return show("refused");
      return fetch("/alerts/key/", { credentials: "omit" })
        .then(function (response) {
          return response.json();
        })
        .then(function (key) {
          return registration.pushManager.subscribe({
            userVisibleOnly: true,
            applicationServerKey: keyBytes(key.publicKey),
          });
        })
        .then(function (subscription) {
          return post("/alerts/subscribe/", subscription.toJSON()).then(
            function (data) {
              show("enabled", data.message);
            },
            function (error) {
              subscription.unsubscribe();
              show("disabled", error.message || failed);
            }
          );
        });
    });
  }

  function disable(subscription) {
    return post("/alerts/unsubscribe/", { endpoint: subscription.endpoint })
      .catch(function () {}) // gone already: unsubscribing in the browser is what matters
      .then(function () {
        return subscription.unsubscribe();
      })
      .then(function () {
        show("disabled");
      });
  }

  // The worker is registered only when the reader turns alerts on: a reader who never does
  // gets no service worker, and no request for one.
  function registration() {
    return navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(function () {
      return navigator.serviceWorker.ready;
    });
  }

  button.addEventListener("click", function () {
    show("working");
    navigator.serviceWorker
      .getRegistration("/")
      .then(function (existing) {
        return existing ? existing.pushManager.getSubscription() : null;
      })
      .then(function (subscription) {
        return subscription ? disable(subscription) : registration().then(enable);
      })
      .catch(function () {
        show(Notification.permission === "denied" ? "refused" : "disabled", failed);
      });
  });

  box.hidden = false;
  if (Notification.permission === "denied") {
    show("refused");
  } else {
    show("disabled");
    navigator.serviceWorker
      .getRegistration("/")
      .then(function (existing) {
        return existing ? existing.pushManager.getSubscription() : null;
      })
      .then(function (subscription) {
        if (subscription) show("enabled");
      })
      .catch(function () {}); // no worker to ask (a private window): off, as shown
  }
})();
