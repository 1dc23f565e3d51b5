/* The JQL box's suggestions (progressive enhancement: without this script it is a plain text area).
 *
 * As one types, the text before the caret is split into JQL tokens to tell what comes next: a
 * field, an operator for that field, a value (functions that fit the field, EMPTY, and values
 * Jira suggests for it), AND / OR / ORDER BY, or a sort field and its direction. The fields,
 * their operators and the functions come once from data-reference-url (Jira's
 * jql/autocompletedata); values come from data-values-url?field=&typed=, already quoted as JQL
 * needs ([{insert, text}]). Picking one replaces the word being typed.
 *
 * ARIA combobox (the ARIA 1.1 pattern, whose text box may have several lines), list autocomplete
 * without automatic selection: the box around the text area is the combobox, the text area points
 * at the listbox with aria-controls and at the highlighted option with aria-activedescendant.
 * Keys: Down/Up move through the list (Alt+Down or Ctrl+Space open it), Enter or Tab picks the
 * highlighted one, Escape closes; Enter with nothing highlighted runs the search, Shift+Enter
 * starts a new line. A query too long for a link is posted instead (with the form's CSRF token).
 */
(function () {
  "use strict";

  var WAIT_MS = 150;
  var MAX_SHOWN = 12;
  var OPERATORS = ["=", "!=", "~", "!~", ">", ">=", "<", "<=", "in", "not in", "is", "is not"];
  var JOINERS = ["AND", "OR", "ORDER BY"];
  var STOPS = " \t\r\n\f\v\"'(),=!<>~&|";
  var TWO_CHAR = ["!=", "<=", ">=", "!~", "&&", "||"];

  function isSpace(ch) { return /\s/.test(ch); }

  /* Split text into tokens {kind: word|string|op, text, start, closed}; an unclosed string runs to the end. */
  function tokenize(text) {
    var tokens = [], i = 0;
    while (i < text.length) {
      var ch = text[i];
      if (isSpace(ch)) { i++; continue; }
      if (ch === '"' || ch === "'") {
        var j = i + 1, closed = false;
        while (j < text.length) {
          if (text[j] === "\\") { j += 2; continue; }
          if (text[j] === ch) { closed = true; j++; break; }
          j++;
        }
        tokens.push({ kind: "string", text: text.slice(i, Math.min(j, text.length)), start: i, closed: closed });
        i = j;
      } else if (TWO_CHAR.indexOf(text.substr(i, 2)) >= 0) {
        tokens.push({ kind: "op", text: text.substr(i, 2), start: i }); i += 2;
      } else if (STOPS.indexOf(ch) >= 0) {
        tokens.push({ kind: "op", text: ch, start: i }); i++;
      } else {
        var start = i;
        while (i < text.length && STOPS.indexOf(text[i]) < 0 && !isSpace(text[i])) i++;
        tokens.push({ kind: "word", text: text.slice(start, i), start: start });
      }
    }
    return tokens;
  }

  function word(token, words) {
    return token && token.kind === "word" && words.indexOf(token.text.toLowerCase()) >= 0;
  }

  function unquote(text) {
    if (text.length && (text[0] === '"' || text[0] === "'")) {
      text = text.slice(1);
      if (text.length && text[text.length - 1] === '"') text = text.slice(0, -1);
    }
    return text.replace(/\\(.)/g, "$1");
  }

  /* Tell what the caret expects after the complete tokens: {state, field, operator, inList}. */
  function expectation(tokens) {
    var state = "field", field = "", operator = "", depth = 0;
    for (var n = 0; n < tokens.length; n++) {
      var t = tokens[n], lower = t.text.toLowerCase(), next = tokens[n + 1];
      switch (state) {
        case "field":
          if (word(t, ["not"]) || t.text === "!" || t.text === "(") break;
          if (word(t, ["order"])) { state = "order-by"; break; }
          field = unquote(t.text); state = "operator"; break;
        case "operator":
          if (t.kind === "op" && OPERATORS.indexOf(t.text) >= 0) { operator = t.text; state = "value"; }
          else if (lower === "in") { operator = "in"; state = "value"; }
          else if (lower === "not") { state = "not-in"; }
          else if (lower === "is") { operator = "is"; state = "is"; }
          else { state = "after"; }
          break;
        case "not-in": operator = "not in"; state = lower === "in" ? "value" : "after"; break;
        case "is":
          if (lower === "not") { operator = "is not"; state = "value"; } else { state = "after"; }
          break;
        case "value":
        case "list-value":
          if (t.text === "(" && state === "value") { state = "list-value"; break; }
          if (t.kind === "word" && next && next.text === "(") {  /* a function call: skip its arguments */
            depth = 0;
            for (n = n + 1; n < tokens.length; n++) {
              if (tokens[n].text === "(") depth++;
              if (tokens[n].text === ")" && --depth === 0) break;
            }
            if (n >= tokens.length) return { state: "none" };
          }
          state = state === "list-value" ? "list-after" : "after";
          break;
        case "list-after":
          if (t.text === ",") state = "list-value";
          else if (t.text === ")") state = "after";
          break;
        case "after":
          if (word(t, ["and", "or"]) || t.text === "&&" || t.text === "||") { state = "field"; field = ""; }
          else if (word(t, ["order"])) state = "order-by";
          break;
        case "order-by": state = lower === "by" ? "order-field" : "none"; break;
        case "order-field": field = unquote(t.text); state = "order-dir"; break;
        case "order-dir":
          if (t.text === ",") state = "order-field";
          else if (word(t, ["asc", "desc"])) state = "order-after";
          break;
        case "order-after": if (t.text === ",") state = "order-field"; break;
      }
    }
    return { state: state, field: field, operator: operator };
  }

  function enhance(area) {
    var form = area.form;
    var box = area.parentElement;
    var list = document.createElement("ul");
    var status = document.createElement("p");
    var listId = area.id + "-suggestions";
    var reference = null, asked = 0, timer = null, shown = [], active = -1, replaceFrom = 0;

    list.id = listId;
    list.className = "jql-suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "JQL suggestions");
    list.hidden = true;
    box.appendChild(list);
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    box.appendChild(status);
    box.setAttribute("role", "combobox");
    box.setAttribute("aria-haspopup", "listbox");
    box.setAttribute("aria-owns", listId);
    box.setAttribute("aria-expanded", "false");
    if (area.labels && area.labels[0] && area.labels[0].id) box.setAttribute("aria-labelledby", area.labels[0].id);
    area.setAttribute("aria-autocomplete", "list");
    area.setAttribute("aria-controls", listId);
    var keys = document.getElementById("jql-keys");
    if (keys) keys.hidden = false;

    function loadReference() {
      if (reference) return Promise.resolve(reference);
      return fetch(area.dataset.referenceUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          reference = data && Array.isArray(data.fields) ? data : { fields: [], functions: [], reserved: [] };
          return reference;
        })
        .catch(function () { return { fields: [], functions: [], reserved: [] }; });
    }

    function close() {
      clearTimeout(timer);
      asked++;
      shown = [];
      active = -1;
      list.hidden = true;
      list.replaceChildren();
      status.textContent = "";
      box.setAttribute("aria-expanded", "false");
      area.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      active = index;
      Array.prototype.forEach.call(list.children, function (item, i) {
        item.setAttribute("aria-selected", i === index ? "true" : "false");
        if (i === index) item.scrollIntoView({ block: "nearest" });
      });
      if (index >= 0) area.setAttribute("aria-activedescendant", list.children[index].id);
      else area.removeAttribute("aria-activedescendant");
    }

    function show(items) {
      var kept = active;
      shown = items.slice(0, MAX_SHOWN);
      list.replaceChildren();
      shown.forEach(function (item, i) {
        var option = document.createElement("li");
        var label = document.createElement("span");
        var kind = document.createElement("span");
        option.id = listId + "-" + i;
        option.setAttribute("role", "option");
        label.textContent = item.text;  /* never HTML: values come from Jira */
        kind.className = "kind";
        kind.textContent = item.kind;
        option.append(label, kind);
        option.addEventListener("mousedown", function (event) { event.preventDefault(); });
        option.addEventListener("click", function () { choose(i); });
        list.appendChild(option);
      });
      list.hidden = shown.length === 0;
      box.setAttribute("aria-expanded", shown.length ? "true" : "false");
      status.textContent = shown.length ? shown.length + " suggestion" + (shown.length === 1 ? "" : "s") : "";
      highlight(kept < shown.length ? kept : -1);  /* nothing is picked until the person moves to it */
    }

    function starts(text, typed) { return text.toLowerCase().indexOf(typed) === 0; }

    function fieldNamed(ref, name) {
      name = name.toLowerCase();
      return ref.fields.filter(function (f) {
        return f.value.toLowerCase() === name || f.name.toLowerCase() === name;
      })[0];
    }

    function localItems(ref, where, typed) {
      var lower = typed.toLowerCase(), field = fieldNamed(ref, where.field || "");
      var items = [];
      if (where.state === "field" || where.state === "order-field") {
        ref.fields.forEach(function (f) {
          if (where.state === "order-field" && !f.orderable) return;
          if (starts(f.value, lower) || starts(f.name, lower)) items.push({ insert: f.value, text: f.name, kind: "field" });
        });
      } else if (where.state === "operator") {
        var operators = field && field.operators.length ? field.operators : OPERATORS;
        operators.forEach(function (op) {
          if (starts(op, lower)) items.push({ insert: op, text: op, kind: "operator" });
        });
      } else if (where.state === "value" || where.state === "list-value" || where.state === "is") {
        if (/^is/.test(where.operator) || where.state === "is") {
          if (where.state === "is" && starts("not", lower)) items.push({ insert: "NOT", text: "NOT", kind: "operator" });
          if (starts("empty", lower)) items.push({ insert: "EMPTY", text: "EMPTY", kind: "keyword" });
          return items;
        }
        var types = field ? field.types : [];
        ref.functions.forEach(function (f) {
          var fits = !types.length || f.types.some(function (t) { return types.indexOf(t) >= 0; });
          if (fits && (starts(f.value, lower) || starts(f.name, lower))) items.push({ insert: f.value, text: f.name, kind: "function" });
        });
      } else if (where.state === "after") {
        JOINERS.forEach(function (joiner) {
          if (starts(joiner, lower)) items.push({ insert: joiner, text: joiner, kind: "keyword" });
        });
      } else if (where.state === "order-dir") {
        ["ASC", "DESC"].forEach(function (dir) {
          if (starts(dir, lower)) items.push({ insert: dir, text: dir, kind: "order" });
        });
      }
      return items;
    }

    function suggest() {
      var caret = area.selectionStart;
      if (caret !== area.selectionEnd) return close();
      var before = area.value.slice(0, caret);
      var tokens = tokenize(before);
      var last = tokens[tokens.length - 1];
      var typing = last && !isSpace(before[before.length - 1] || " ") && !(last.kind === "op" && "(),".indexOf(last.text) >= 0)
        && !(last.kind === "string" && last.closed);
      var partial = typing ? tokens.pop() : null;
      var where = expectation(tokens);
      var typed = partial ? unquote(partial.text) : "";
      replaceFrom = partial ? partial.start : caret;
      var ticket = ++asked;
      active = -1;
      loadReference().then(function (ref) {
        if (ticket !== asked) return;
        var items = localItems(ref, where, typed);
        var wantsValues = (where.state === "value" || where.state === "list-value") && where.field && !/^is/.test(where.operator);
        show(items);
        if (!wantsValues) return;
        clearTimeout(timer);
        timer = setTimeout(function () {
          var url = new URL(area.dataset.valuesUrl, document.baseURI);
          url.searchParams.set("field", where.field);
          url.searchParams.set("typed", typed);
          var opensList = where.state === "value" && (where.operator === "in" || where.operator === "not in");
          fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
            .then(function (response) { return response.ok ? response.json() : []; })
            .then(function (values) {
              if (ticket !== asked || !Array.isArray(values)) return;
              show(items.concat(values.map(function (v) {
                return { insert: (opensList ? "(" : "") + v.insert, text: v.text, kind: "value" };
              })));
            })
            .catch(function () {});
        }, WAIT_MS);
      });
    }

    function choose(index) {
      var item = shown[index];
      if (!item) return close();
      var caret = area.selectionStart;
      var after = area.value.slice(caret);
      var spacer = after && isSpace(after[0]) ? "" : " ";
      area.setRangeText(item.insert + spacer, replaceFrom, caret, "end");
      close();
      area.focus();
      suggest();  /* what may come next: an operator after a field, a value after an operator, ... */
    }

    area.addEventListener("input", suggest);
    area.addEventListener("blur", close);
    area.addEventListener("keydown", function (event) {
      if (list.hidden) {
        if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
          event.preventDefault();
          form.requestSubmit();
        } else if (event.key === "ArrowDown" && event.altKey || event.key === " " && event.ctrlKey) {
          event.preventDefault();
          suggest();
        }
        return;
      }
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        var step = event.key === "ArrowDown" ? 1 : shown.length - 1;
        highlight((active + step) % shown.length);
      } else if ((event.key === "Enter" || event.key === "Tab") && active >= 0 && !event.shiftKey) {
        choose(active);
      } else if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        close();
        form.requestSubmit();
      } else if (event.key === "Escape") {
        close();
      } else {
        return;
      }
      event.preventDefault();
    });

    form.addEventListener("submit", function () {
      var longest = parseInt(form.dataset.postOver || "0", 10);
      if (!longest || area.value.length <= longest || form.method === "post") return;
      form.method = "post";  /* a long query would not fit in a link */
      var token = document.createElement("input");
      token.type = "hidden";
      token.name = "csrf_token";
      token.value = form.dataset.csrf || "";
      form.appendChild(token);
    });
  }

  var area = document.querySelector("textarea[data-reference-url]");
  if (area && area.form) enhance(area);
})();
