/* @mentions in Markdown text areas (progressive enhancement; the page works without it).
 *
 * In a <textarea data-mention-url="...">, typing "@" and two or more letters asks that URL for
 * matching people (JSON: [{accountId, displayName, mention}]), shows them in a list under the text
 * area, and replaces the typed "@name" with the chosen person's mention Markdown,
 * "[@Display Name](mention:account-id)". Keys: up/down to move, Enter to choose, Escape to close.
 */
(function () {
  "use strict";

  var TYPED = /(?:^|[\s(])@([\p{L}][\p{L}\p{N}.'-]{1,39})$/u; // "@" and 2+ letters just before the caret
  var WAIT_MS = 200;
  var counter = 0;

  function enhance(area) {
    var list = document.createElement("ul");
    var listId = "mention-list-" + (++counter);
    var timer = null, asked = 0, people = [], active = -1, start = -1;

    list.id = listId;
    list.className = "mention-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "People to mention");
    list.hidden = true;
    area.insertAdjacentElement("afterend", list);
    area.setAttribute("aria-autocomplete", "list");
    area.setAttribute("aria-controls", listId);

    function close() {
      clearTimeout(timer);
      asked++; // an answer still on its way is no longer wanted
      people = [];
      active = -1;
      list.hidden = true;
      list.replaceChildren();
      area.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      active = index;
      Array.prototype.forEach.call(list.children, function (item, i) {
        item.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      if (index >= 0) area.setAttribute("aria-activedescendant", list.children[index].id);
    }

    function show(found) {
      people = found;
      list.replaceChildren();
      found.forEach(function (person, i) {
        var item = document.createElement("li");
        item.id = listId + "-" + i;
        item.setAttribute("role", "option");
        item.textContent = person.displayName; // never HTML: names come from Jira
        item.addEventListener("mousedown", function (event) { event.preventDefault(); }); // keep the caret
        item.addEventListener("click", function () { choose(i); });
        list.appendChild(item);
      });
      list.hidden = found.length === 0;
      highlight(found.length ? 0 : -1);
    }

    function ask(query) {
      var ticket = ++asked;
      var url = new URL(area.dataset.mentionUrl, document.baseURI);
      url.searchParams.set("q", query);
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : []; })
        .then(function (found) { if (ticket === asked) show(Array.isArray(found) ? found : []); })
        .catch(function () { if (ticket === asked) close(); });
    }

    function choose(index) {
      var person = people[index];
      var end = area.selectionStart;
      if (!person || start < 0) return close();
      area.setRangeText(person.mention + " ", start, end, "end");
      close();
      area.focus();
    }

    area.addEventListener("input", function () {
      var before = area.value.slice(0, area.selectionStart);
      var typed = area.selectionStart === area.selectionEnd ? TYPED.exec(before) : null;
      clearTimeout(timer);
      if (!typed) return close();
      start = before.length - typed[1].length - 1;
      timer = setTimeout(function () { ask(typed[1]); }, WAIT_MS);
    });

    area.addEventListener("keydown", function (event) {
      if (list.hidden) return;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        var step = event.key === "ArrowDown" ? 1 : people.length - 1;
        highlight((active + step) % people.length);
      } else if (event.key === "Enter" && active >= 0) {
        choose(active);
      } else if (event.key === "Escape") {
        close();
      } else {
        return;
      }
      event.preventDefault();
    });

    area.addEventListener("blur", close);
  }

  Array.prototype.forEach.call(document.querySelectorAll("textarea[data-mention-url]"), enhance);
})();
