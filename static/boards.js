/* Moving cards on a board by drag and drop or by keys (progressive enhancement: the page works without it).
 *
 * Every card carries a small "Move to" form (a <select name="to"> whose options name the other
 * columns by data-column, and a one-time token). This script only fills that form in and submits
 * it, so a move goes through exactly the same server path as without JavaScript:
 *
 * - drag a card onto another column and drop it;
 * - or focus a card, press Space (or Enter) to pick it up, Left/Right to choose a column, Space
 *   (or Enter) to drop it there, Escape to put it back. An aria-live region says what happens.
 *
 * A column the card cannot go to (its own, or one with no status mapped) refuses the drop.
 */
(function () {
  "use strict";

  var board = document.querySelector("[data-board]");
  if (!board) return;
  var live = document.getElementById("board-live");
  var columns = Array.prototype.slice.call(board.querySelectorAll(".board-column"));
  var dragged = null;
  var grabbed = null;
  var target = -1;
  var sent = false;

  function say(text) {
    if (live) live.textContent = text;
  }

  function columnName(index) {
    return columns[index] ? columns[index].getAttribute("data-name") : "";
  }

  function optionFor(card, index) {
    var select = card.querySelector("select[name=to]");
    return select ? select.querySelector('option[data-column="' + index + '"]') : null;
  }

  function clearMarks() {
    columns.forEach(function (column) {
      column.classList.remove("drop-target", "drop-refused");
    });
  }

  function send(card, index) {
    var option = optionFor(card, index);
    if (!option) {
      say(card.getAttribute("data-key") + " cannot be moved to " + columnName(index) + ".");
      return false;
    }
    if (sent) return true; // one move per page: the server answers with the board again
    sent = true;
    var form = option.form;
    form.querySelector("select[name=to]").value = option.value;
    say("Moving " + card.getAttribute("data-key") + " to " + columnName(index) + "…");
    if (form.requestSubmit) form.requestSubmit(); else form.submit();
    return true;
  }

  // -- drag and drop --

  function columnOf(element) {
    return element && element.closest ? element.closest(".board-column") : null;
  }

  board.addEventListener("dragstart", function (event) {
    var card = event.target.closest && event.target.closest(".board-card");
    if (!card || !card.querySelector(".move-form")) return;
    dragged = card;
    card.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.getAttribute("data-key"));
  });

  board.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("dragging");
    dragged = null;
    clearMarks();
  });

  board.addEventListener("dragover", function (event) {
    var column = columnOf(event.target);
    if (!dragged || !column) return;
    var index = columns.indexOf(column);
    clearMarks();
    if (optionFor(dragged, index)) {
      event.preventDefault(); // allows the drop
      event.dataTransfer.dropEffect = "move";
      column.classList.add("drop-target");
    } else if (index !== Number(dragged.getAttribute("data-column"))) {
      column.classList.add("drop-refused");
    }
  });

  board.addEventListener("drop", function (event) {
    var column = columnOf(event.target);
    if (!dragged || !column) return;
    event.preventDefault();
    var card = dragged;
    clearMarks();
    if (send(card, columns.indexOf(column))) column.querySelector("ol.cards").appendChild(card);
  });

  // -- keys: pick up, choose a column, drop --

  function pickUp(card) {
    grabbed = card;
    target = Number(card.getAttribute("data-column"));
    card.classList.add("grabbed");
    card.setAttribute("aria-grabbed", "true");
    say("Picked up " + card.getAttribute("data-key") + " in " + columnName(target) +
        ". Use Left and Right to choose a column, Space to drop it there, Escape to cancel.");
  }

  function putBack(message) {
    if (!grabbed) return;
    grabbed.classList.remove("grabbed");
    grabbed.removeAttribute("aria-grabbed");
    grabbed = null;
    target = -1;
    clearMarks();
    if (message) say(message);
  }

  function aim(step) {
    var next = target + step;
    if (next < 0 || next >= columns.length) return;
    target = next;
    clearMarks();
    var fits = optionFor(grabbed, target);
    columns[target].classList.add(fits ? "drop-target" : "drop-refused");
    var own = target === Number(grabbed.getAttribute("data-column"));
    say(columnName(target) + (own ? ": where it is now." : fits ? "." : ": it cannot go there."));
  }

  board.addEventListener("keydown", function (event) {
    var card = event.target;
    if (!card.classList || !card.classList.contains("board-card") || !card.querySelector(".move-form")) return;
    var key = event.key;
    if (!grabbed) {
      if (key === " " || key === "Enter") {
        event.preventDefault();
        pickUp(card);
      }
      return;
    }
    if (grabbed !== card) return;
    if (key === "ArrowRight" || key === "ArrowLeft") {
      event.preventDefault();
      aim(key === "ArrowRight" ? 1 : -1);
    } else if (key === " " || key === "Enter") {
      event.preventDefault();
      if (target === Number(card.getAttribute("data-column"))) {
        putBack(card.getAttribute("data-key") + " stays where it was.");
      } else if (send(card, target)) {
        var chosen = columns[target];
        putBack("");
        chosen.querySelector("ol.cards").appendChild(card);
        card.focus();
      }
    } else if (key === "Escape") {
      event.preventDefault();
      putBack(card.getAttribute("data-key") + " stays where it was.");
    }
  });

  board.addEventListener("focusout", function (event) {
    if (grabbed && event.target === grabbed && !sent) putBack("");
  });

  Array.prototype.forEach.call(board.querySelectorAll(".board-card"), function (card) {
    if (card.querySelector(".move-form")) card.setAttribute("draggable", "true");
  });
})();
