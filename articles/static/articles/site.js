/* Newsroom's public pages: small enhancements over pages that work without them.
 *
 * - The site menu (<details class="site-menu">) says whether it is open (aria-expanded on its
 *   summary), and closes on Escape (focus back on its button) or a tap outside it.
 * - Sharing (includes/share.html): the copy-link and native share buttons appear only where the
 *   browser offers the clipboard and the share sheet.
 * - Times of today's stories (<time data-relative-time>, on cards and the article's rail) read
 *   "منذ ساعتين", "منذ 5 دقائق", from the exact moment in their `datetime`, and follow the clock
 *   each minute; older stories keep their date and time, which is also what the page says
 *   without this script (the kept cards hold no relative time, so they never go stale).
 * Served from this site (the Content-Security-Policy allows scripts from 'self' only).
 */
(function () {
  "use strict";

  function enhanceMenu(menu) {
    var toggle = menu.querySelector("summary");
    if (!toggle) return;
    function sync() {
      toggle.setAttribute("aria-expanded", menu.open ? "true" : "false");
    }
    sync();
    menu.addEventListener("toggle", sync);
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.open) {
        event.preventDefault();
        menu.open = false;
        toggle.focus();
      }
    });
    document.addEventListener("click", function (event) {
      if (menu.open && !menu.contains(event.target)) menu.open = false;
    });
  }

  function say(button, message) {
    var share = button.closest(".share");
    var status = share && share.querySelector(".share__status");
    if (status) status.textContent = message;
  }

  function enhanceShareButton(button) {
    var url = button.getAttribute("data-share-url");
    var kind = button.getAttribute("data-share");
    if (kind === "native" && typeof navigator.share === "function") {
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator
          .share({ title: button.getAttribute("data-share-title") || document.title, url: url })
          .catch(function () {}); // the reader closed the sheet: nothing to say
      });
    } else if (kind === "copy" && navigator.clipboard && window.isSecureContext) {
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(url).then(
          function () {
            say(button, "نُسخ رابط الخبر.");
          },
          function () {
            say(button, "تعذّر نسخ الرابط؛ انسخه من السطر أعلاه.");
          }
        );
      });
    }
  }

  var INDIC_DIGITS = "٠١٢٣٤٥٦٧٨٩";
  // "2026-12-03T10:05:00+0200": the moment, and the paper's offset from UTC when it was written.
  var MOMENT = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)(?::(\d\d))?([+-])(\d\d):?(\d\d)$/;

  function parseMoment(text) {
    var parts = MOMENT.exec(text || "");
    if (!parts) return null;
    var offset = (parts[7] === "-" ? -1 : 1) * (Number(parts[8]) * 60 + Number(parts[9])) * 60000;
    var local = Date.UTC(+parts[1], +parts[2] - 1, +parts[3], +parts[4], +parts[5], +(parts[6] || 0));
    return { at: local - offset, offset: offset, day: parts[1] + parts[2] + parts[3] };
  }

  function paperDay(at, offset) {
    var local = new Date(at + offset);
    var month = local.getUTCMonth() + 1;
    var date = local.getUTCDate();
    return String(local.getUTCFullYear()) + (month < 10 ? "0" : "") + month + (date < 10 ? "0" : "") + date;
  }

  // Arabic counts: 1 and 2 have their own words, 3 to 10 take the plural, 11 and up the singular.
  function counted(number, one, two, few, many) {
    if (number === 1) return one;
    if (number === 2) return two;
    var lastTwo = number % 100;
    return number + " " + (lastTwo >= 3 && lastTwo <= 10 ? few : many);
  }

  function relativeTime(seconds) {
    if (seconds < 60) return "منذ لحظات";
    var minutes = Math.floor(seconds / 60);
    if (minutes < 60) return "منذ " + counted(minutes, "دقيقة", "دقيقتين", "دقائق", "دقيقة");
    return "منذ " + counted(Math.floor(minutes / 60), "ساعة", "ساعتين", "ساعات", "ساعة");
  }

  function sayWhen(element) {
    if (!element.hasAttribute("data-absolute")) {
      element.setAttribute("data-absolute", element.textContent);
    }
    var absolute = element.getAttribute("data-absolute");
    var moment = parseMoment(element.getAttribute("datetime"));
    var now = Date.now();
    var seconds = moment ? (now - moment.at) / 1000 : -1;
    // A moment a little ahead (a clock behind the server's) is "a moment ago"; further ahead,
    // or on another day than today in the paper's time zone, the date and time stay.
    var today = moment && seconds > -300 && paperDay(now, moment.offset) === moment.day;
    if (!today) {
      element.textContent = absolute;
      element.removeAttribute("title");
      return;
    }
    var text = relativeTime(Math.max(0, seconds));
    if (element.getAttribute("data-digits") === "arabic-indic") {
      text = text.replace(/[0-9]/g, function (digit) {
        return INDIC_DIGITS.charAt(Number(digit));
      });
    }
    element.textContent = text;
    element.setAttribute("title", absolute);
  }

  function sayAllTimes() {
    document.querySelectorAll("time[data-relative-time]").forEach(sayWhen);
  }

  sayAllTimes();
  window.setInterval(sayAllTimes, 60000);
  document.querySelectorAll("details.site-menu").forEach(enhanceMenu);
  document.querySelectorAll(".share [data-share]").forEach(enhanceShareButton);
})();
