"use strict";
// Accessible names for the admin's autocompletes (select2 4.0, bundled with Django).
//
// select2 hides the <select> and labels its own combobox with the text of the current choice
// only: an empty one has no name at all, a filled one says its value but not which field it
// is. Here each combobox takes the name of its field (the <select>'s aria-label, else its
// <label>), and keeps the choice as its content, as in the ARIA "select-only combobox".
{
  const fieldName = (select) => {
    const named = select.getAttribute("aria-label");
    if (named) return named;
    const label = select.id && document.querySelector(`label[for="${CSS.escape(select.id)}"]`);
    return label ? label.textContent.trim().replace(/[:：]$/, "").trim() : "";
  };

  const nameAutocompletes = (root) => {
    for (const select of root.querySelectorAll("select.admin-autocomplete")) {
      const container = select.nextElementSibling;
      if (!container || !container.classList.contains("select2")) continue;
      const combobox = container.querySelector('.select2-selection[role="combobox"]');
      const name = fieldName(select);
      if (!combobox || !name) continue;
      combobox.setAttribute("aria-label", name);
      combobox.removeAttribute("aria-labelledby");
      const choice = container.querySelector(".select2-selection__rendered");
      if (choice) {
        choice.removeAttribute("role");
        choice.removeAttribute("aria-readonly");
      }
    }
  };

  // select2 builds its widgets after the page has loaded (on jQuery's ready, and for a byline
  // row added with «أضف كاتبًا آخر», on the formset's event): name each one as it appears.
  new MutationObserver((mutations) => {
    const built = mutations.some((mutation) =>
      [...mutation.addedNodes].some(
        (node) => node.nodeType === Node.ELEMENT_NODE && node.matches("span.select2"),
      ),
    );
    if (built) nameAutocompletes(document);
  }).observe(document.documentElement, { childList: true, subtree: true });
}
