"use strict";
// Suggest existing tags under the comma-separated tags box of the article form.
document.addEventListener("DOMContentLoaded", () => {
  for (const input of document.querySelectorAll("input[data-tag-autocomplete]")) {
    const list = document.createElement("datalist");
    list.id = `${input.id}-suggestions`;
    input.after(list);
    input.setAttribute("list", list.id);
    let timer;
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const cut = Math.max(input.value.lastIndexOf(","), input.value.lastIndexOf("،")) + 1;
        const typed = input.value.slice(0, cut);
        const term = input.value.slice(cut).trim();
        if (!term) {
          list.replaceChildren();
          return;
        }
        const url = new URL(input.dataset.tagAutocomplete, window.location.href);
        url.searchParams.set("term", term);
        const response = await fetch(url, { credentials: "same-origin" });
        if (!response.ok) return;
        const { results } = await response.json();
        list.replaceChildren(
          ...results.map(({ text }) => {
            const option = document.createElement("option");
            option.value = `${typed}${typed && !typed.endsWith(" ") ? " " : ""}${text}، `;
            option.label = text;
            return option;
          }),
        );
      }, 200);
    });
  }
});
