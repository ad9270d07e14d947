// The article form's safety net: autosave to the server, a warning before leaving with unsaved
// changes, an offer to restore the autosave on reopening, and who else has the story open.
// Served under the admin's CSP: no inline script, no framework.
// The admin loads it in <head>: it starts once the form exists.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var form = document.getElementById("article_form");
  if (!form) return;
  var match = location.pathname.match(/^(.*\/articles\/article\/)(?:(\d+)\/change|add)\/$/);
  if (!match) return;
  var base = match[1];
  var articleId = match[2] || null;
  var AUTOSAVE_EVERY_MS = 3000;
  var HEARTBEAT_EVERY_MS = 5000;

  // A new story is keyed by a token kept for this tab, so a reload finds its autosave.
  function storyKey() {
    if (articleId) return articleId;
    var token = sessionStorage.getItem("newsroom-new-story");
    if (!token) {
      token = "";
      var bytes = new Uint8Array(16);
      crypto.getRandomValues(bytes);
      bytes.forEach(function (b) { token += ("0" + b.toString(16)).slice(-2); });
      sessionStorage.setItem("newsroom-new-story", token);
    }
    return "new-" + token;
  }
  var key = storyKey();
  var autosaveUrl = base + "autosave/" + key + "/";
  var dirty = false;       // changed since the page loaded (the story itself is not saved)
  var pending = false;     // changed since the last autosave
  var submitting = false;

  var keyInput = document.createElement("input");
  keyInput.type = "hidden";
  keyInput.name = "_autosave_key";
  keyInput.value = key;
  form.appendChild(keyInput);

  function editors() {
    return window.CKEDITOR ? Object.values(window.CKEDITOR.instances) : [];
  }
  function formData() {
    editors().forEach(function (editor) { editor.updateElement(); });
    return new FormData(form);
  }
  function csrfToken() {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  function markChanged() { dirty = true; pending = true; }

  form.addEventListener("input", markChanged);
  form.addEventListener("change", markChanged);
  // CKEditor's script comes after this one (the widget's media follow the admin's): hook its
  // change event once the page has loaded, on editors ready now and on those still starting.
  function watchEditors() {
    if (!window.CKEDITOR) return;
    window.CKEDITOR.on("instanceReady", function (event) {
      event.editor.on("change", markChanged);
    });
    editors().forEach(function (editor) { editor.on("change", markChanged); });
  }
  if (document.readyState === "complete") watchEditors();
  else window.addEventListener("load", watchEditors);

  function autosave() {
    if (!pending || submitting) return;
    pending = false;
    fetch(autosaveUrl, {
      method: "POST", body: formData(), credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken() }, redirect: "manual"
    }).then(function (response) {
      if (!response.ok) pending = true;  // signed out or refused: try again later
    }).catch(function () { pending = true; });
  }
  setInterval(autosave, AUTOSAVE_EVERY_MS);

  function flush() {
    if (pending && !submitting && navigator.sendBeacon) {
      pending = false;
      navigator.sendBeacon(autosaveUrl, formData());
    }
  }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") flush();
  });
  window.addEventListener("pagehide", flush);

  form.addEventListener("submit", function () { submitting = true; });
  window.addEventListener("beforeunload", function (event) {
    if (dirty && !submitting) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // A bar above the form for the restore offer and the presence notices.
  function bar(id) {
    var node = document.getElementById(id);
    if (!node) {
      node = document.createElement("div");
      node.id = id;
      node.className = "newsroom-notice";
      node.setAttribute("role", "status");
      form.parentNode.insertBefore(node, form);
    }
    return node;
  }
  function button(label, name, onClick) {
    var node = document.createElement("button");
    node.type = "button";
    node.className = "button";
    node.name = name;
    node.textContent = label;
    node.addEventListener("click", onClick);
    return node;
  }

  function restore(fields) {
    Object.keys(fields).forEach(function (name) {
      // The inline forms' counts describe the rows on this page, not the saved ones.
      if (/-(TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS$/.test(name)) return;
      var values = fields[name];
      var inputs = form.querySelectorAll("[name='" + CSS.escape(name) + "']");
      inputs.forEach(function (input) {
        if (input.type === "checkbox" || input.type === "radio") {
          input.checked = values.indexOf(input.value) !== -1;
        } else if (input.type === "file" || input.type === "hidden" && name === "opened_at") {
          // neither a file nor the edit token can be restored: the token is the version opened now
        } else if (input.tagName === "SELECT" && input.multiple) {
          Array.from(input.options).forEach(function (o) { o.selected = values.indexOf(o.value) !== -1; });
        } else {
          input.value = values[0];
        }
      });
      var editor = window.CKEDITOR && window.CKEDITOR.instances["id_" + name];
      if (editor) editor.setData(values[0]);
    });
    markChanged();
  }

  // The server keeps no copy of what the form shows: it is told of a restore for the audit trail.
  function restored() {
    var data = new FormData();
    data.append("_restored", "1");
    fetch(autosaveUrl, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken() }
    });
  }

  function discard() {
    var data = new FormData();
    data.append("_discard", "1");
    fetch(autosaveUrl, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken() }
    });
  }

  fetch(autosaveUrl, { credentials: "same-origin" }).then(function (response) {
    return response.ok ? response.json() : {};
  }).then(function (saved) {
    if (!saved.saved_at) return;
    var offer = bar("newsroom-autosave-offer");
    var text = document.createElement("p");
    text.textContent = "لديك نسخة محفوظة تلقائيًا من " + saved.saved_at_display + ". هل تريد استعادتها؟";
    offer.appendChild(text);
    offer.appendChild(button("استعادة", "restore-autosave", function () {
      restore(saved.fields);
      restored();
      offer.remove();
    }));
    offer.appendChild(button("تجاهل", "discard-autosave", function () {
      discard();
      offer.remove();
    }));
  });

  if (!articleId) return;
  var presenceUrl = base + articleId + "/presence/";
  var openedAt = form.querySelector("input[name=opened_at]");
  function heartbeat() {
    var data = new FormData();
    data.append("opened_at", openedAt ? openedAt.value : "");
    fetch(presenceUrl, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken() }, redirect: "manual"
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (answer) {
      if (!answer) return;
      var node = bar("newsroom-presence");
      var lines = [];
      if (answer.others.length) lines.push("يفتح هذا الخبر الآن أيضًا: " + answer.others.join("، "));
      if (answer.notice) lines.push(answer.notice);
      node.textContent = lines.join(" — ");
      node.hidden = lines.length === 0;
    }).catch(function () {});
  }
  heartbeat();
  setInterval(heartbeat, HEARTBEAT_EVERY_MS);
  window.addEventListener("pagehide", function () {
    var data = new FormData();
    data.append("_leave", "1");
    data.append("csrfmiddlewaretoken", csrfToken());
    if (navigator.sendBeacon) navigator.sendBeacon(presenceUrl, data);
  });
});
