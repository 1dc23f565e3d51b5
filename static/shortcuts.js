/* Keyboard shortcuts as in Jira: c create, e edit, a assign, i assign to me, m comment,
 * j / k next and previous in a list, / search, ? the list of shortcuts.
 *
 * A page names its targets with data-shortcut="<key>" (a link or a button, which the key clicks);
 * j and k move the focus through the rows of an issue list. Nothing fires while one types in a
 * field, or with Ctrl, Alt or Meta held.
 */
(function () {
  "use strict";

  var ROWS = "table.issues tbody tr, .board-card, .related-issues li";

  function typing(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }

  function focusField(selector) {
    var field = document.querySelector(selector);
    if (!field) return false;
    field.focus();
    if (field.scrollIntoView) field.scrollIntoView({block: "center"});
    return true;
  }

  function move(step) {
    var rows = Array.prototype.slice.call(document.querySelectorAll(ROWS));
    if (!rows.length) return false;
    var now = rows.findIndex(function (row) { return row.contains(document.activeElement); });
    var next = rows[Math.min(Math.max(now + step, 0), rows.length - 1)];
    var link = next.querySelector("a") || next;
    if (!link.hasAttribute("href") && !link.hasAttribute("tabindex")) link.setAttribute("tabindex", "-1");
    link.focus();
    link.scrollIntoView({block: "nearest"});
    return true;
  }

  function help() {
    var dialog = document.getElementById("shortcuts");
    if (!dialog || typeof dialog.showModal !== "function") return false;
    if (dialog.open) dialog.close(); else dialog.showModal();
    return true;
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    var key = event.key, done = false;
    if (key === "?") done = help();
    else if (key === "/") done = focusField("#quick-search") || focusField("#top-jql") || focusField("#jql");
    else if (key === "m") done = focusField(".comment-form textarea");
    else if (key === "j" || key === "k") done = move(key === "j" ? 1 : -1);
    else if (/^[a-z]$/.test(key)) {
      var target = document.querySelector('[data-shortcut="' + key + '"]');
      if (target) { target.click(); done = true; }
    }
    if (done) event.preventDefault();
  });
})();
