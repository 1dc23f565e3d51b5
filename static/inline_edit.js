/* Editing in place, as a progressive enhancement of the ordinary form pages.
 *
 * An element with data-inline-form="URL" (the summary, the assignee, the priority, a detail) gets
 * a small "Edit" button. Pressing it fetches that URL, which is the ordinary form page, takes its
 * write form (form.write-form) and shows it in place of the value, focused. Sending it is the
 * ordinary form post, one-time token and CSRF included, so nothing differs from the page itself;
 * Escape or Cancel puts the value back. Without JavaScript the form pages are reached by links.
 */
(function () {
  "use strict";

  function fieldName(holder) {
    var term = holder.previousElementSibling;
    if (term && term.tagName === "DT") return term.textContent.trim();
    return holder.classList.contains("issue-summary") ? "summary" : "this field";
  }

  function restore(holder, saved, button) {
    holder.replaceChildren.apply(holder, saved);
    button.focus();
  }

  function open(holder, button) {
    var url = holder.getAttribute("data-inline-form");
    fetch(url, {credentials: "same-origin", headers: {"Accept": "text/html"}})
      .then(function (answer) { return answer.ok ? answer.text() : Promise.reject(answer.status); })
      .then(function (html) {
        var found = new DOMParser().parseFromString(html, "text/html").querySelector("form.write-form");
        if (!found) { window.location.assign(url); return; }
        var form = document.importNode(found, true);
        var saved = Array.prototype.slice.call(holder.childNodes);
        form.classList.add("inline-editor");
        form.querySelectorAll("a").forEach(function (link) {
          if (link.textContent.trim() === "Cancel") {
            link.addEventListener("click", function (event) { event.preventDefault(); restore(holder, saved, button); });
          }
        });
        form.addEventListener("keydown", function (event) {
          if (event.key === "Escape") { event.preventDefault(); restore(holder, saved, button); }
        });
        holder.replaceChildren(form);
        var first = form.querySelector("input:not([type=hidden]), select, textarea");
        if (first) first.focus();
      })
      .catch(function () { window.location.assign(url); });
  }

  document.querySelectorAll("[data-inline-form]").forEach(function (holder) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "link inline-edit";
    button.textContent = "Edit";
    button.setAttribute("aria-label", "Edit " + fieldName(holder) + " here");
    button.addEventListener("click", function () { open(holder, button); });
    holder.querySelectorAll('a[href="' + holder.getAttribute("data-inline-form") + '"]').forEach(function (link) {
      link.hidden = true;  // the same form, now offered in place
    });
    holder.appendChild(document.createTextNode(" "));
    holder.appendChild(button);
  });
})();
