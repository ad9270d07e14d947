// Live counters under the article form's fields: the headline's and the SEO fields' length
// against what search results show, and the body's words and reading time. The words are
// counted by the server's rule (articles/sanitize.py `body_word_count`, `reading_minutes`):
// tags become spaces, entities are decoded, and a word is a run without spaces holding a
// letter or a digit; WORDS_PER_MINUTE is the server's. Without JavaScript nothing is lost: the
// form works, only the counters are missing. Served under the admin's CSP: no inline script.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var form = document.getElementById("article_form");
  if (!form) return;
  var WORDS_PER_MINUTE = 200;
  var WORD = /[\p{L}\p{N}]/u;

  // Arabic counts nouns: «كلمة واحدة», «كلمتان», «5 كلمات», «11 كلمة», «100 كلمة».
  function counted(count, one, two, few, many) {
    if (count === 1) return one;
    if (count === 2) return two;
    var rest = count % 100;
    if (rest >= 3 && rest <= 10) return count + " " + few;
    return count + " " + many;
  }
  function characters(count) {
    if (count === 0) return "لا أحرف";
    return counted(count, "حرف واحد", "حرفان", "أحرف", count % 100 >= 11 ? "حرفًا" : "حرف");
  }
  function words(count) {
    if (count === 0) return "لا كلمات";
    return counted(count, "كلمة واحدة", "كلمتان", "كلمات", "كلمة");
  }
  function minutes(count) {
    return counted(count, "دقيقة واحدة", "دقيقتان", "دقائق", "دقيقة");
  }

  var decoder = document.createElement("textarea");
  function wordCount(html) {
    decoder.innerHTML = html.replace(/<[^>]*>/g, " ");
    return decoder.value.split(/\s+/).filter(function (token) { return WORD.test(token); }).length;
  }
  function readingMinutes(count) {
    return count ? Math.max(1, Math.ceil(count / WORDS_PER_MINUTE)) : 0;
  }

  function counterAfter(input, id) {
    var counter = document.createElement("div");
    counter.className = "newsroom-counter";
    counter.id = id;
    counter.setAttribute("aria-live", "polite");
    input.insertAdjacentElement("afterend", counter);
    var described = input.getAttribute("aria-describedby");
    input.setAttribute("aria-describedby", (described ? described + " " : "") + id);
    return counter;
  }

  // [field, good length, what the length is for]
  var LENGTHS = [
    ["headline", 70, "يُفضَّل ألا يتجاوز 70 حرفًا ليظهر كاملًا في نتائج البحث"],
    ["seo_title", 70, "يُفضَّل ألا يتجاوز 70 حرفًا"],
    ["seo_description", 160, "يُفضَّل ألا يتجاوز 160 حرفًا"],
    ["social_title", 70, "يُفضَّل ألا يتجاوز 70 حرفًا"],
  ];
  LENGTHS.forEach(function (entry) {
    var input = form.querySelector("[name=" + entry[0] + "]");
    if (!input) return;
    var counter = counterAfter(input, "counter-" + entry[0]);
    function update() {
      var length = Array.from(input.value.trim()).length;
      counter.textContent = characters(length) + " · " + entry[2];
      counter.classList.toggle("newsroom-counter--over", length > entry[1]);
    }
    input.addEventListener("input", update);
    update();
  });

  var body = form.querySelector("textarea[name=body]");
  if (!body) return;
  var bodyCounter = document.createElement("div");
  bodyCounter.className = "newsroom-counter newsroom-counter--body";
  bodyCounter.id = "counter-body";
  bodyCounter.setAttribute("aria-live", "polite");
  var row = body.closest(".form-row") || body.parentNode;
  row.appendChild(bodyCounter);
  function updateBody(html) {
    var count = wordCount(html);
    var time = readingMinutes(count);
    bodyCounter.textContent = words(count) + (time ? " · قراءة " + minutes(time) : "");
  }
  var timer = null;
  function soon(read) {
    clearTimeout(timer);
    timer = setTimeout(function () { updateBody(read()); }, 250);
  }
  updateBody(body.value);
  body.addEventListener("input", function () { soon(function () { return body.value; }); });
  function watch(editor) {
    if (editor.element && editor.element.$ !== body) return;
    var read = function () { return editor.getData(); };
    editor.on("change", function () { soon(read); });
    editor.on("key", function () { soon(read); });
    updateBody(read());
  }
  window.addEventListener("load", function () {
    if (!window.CKEDITOR) return;
    Object.values(window.CKEDITOR.instances).forEach(function (editor) {
      if (editor.status === "ready") watch(editor);
    });
    window.CKEDITOR.on("instanceReady", function (event) { watch(event.editor); });
  });
});
