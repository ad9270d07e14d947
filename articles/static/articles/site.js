/* Newsroom's public pages: small enhancements over pages that work without them.
 *
 * - The site menu (<details class="site-menu">) says whether it is open (aria-expanded on its
 *   summary), and closes on Escape (focus back on its button) or a tap outside it.
 * - Sharing (includes/share.html): the copy-link and native share buttons appear only where the
 *   browser offers the clipboard and the share sheet.
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

  document.querySelectorAll("details.site-menu").forEach(enhanceMenu);
  document.querySelectorAll(".share [data-share]").forEach(enhanceShareButton);
})();
