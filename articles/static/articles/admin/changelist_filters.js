// The article list's filter panel (templates/admin/articles/article/change_list.html): open on a
// wide screen, folded on a phone (its toggle says when a filter is on), unless the editor chose
// otherwise in this tab.
'use strict';
document.addEventListener('DOMContentLoaded', () => {
    const panel = document.getElementById('newsroom-filters');
    if (!panel) {
        return;
    }
    const KEY = 'newsroom.articleFilters';
    const chosen = sessionStorage.getItem(KEY);
    const wide = window.matchMedia('(min-width: 768px)').matches;
    panel.open = chosen ? chosen === 'open' : wide;
    panel.querySelector('summary').addEventListener('click', () => {
        // The click comes before the panel toggles: remember the state it is about to take.
        sessionStorage.setItem(KEY, panel.open ? 'closed' : 'open');
    });
});
