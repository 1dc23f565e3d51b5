// Before an upload leaves the browser: say at once when a chosen file is over the limit, instead of
// sending megabytes the server must refuse. The server checks again; without JavaScript it alone does.
(function () {
  "use strict";
  for (const form of document.querySelectorAll("form.attachment-upload[data-limit]")) {
    const input = form.querySelector('input[type="file"]');
    const message = form.querySelector(".field-error");
    const limit = Number(form.dataset.limit);
    const check = function () {
      const over = Array.from(input.files || []).filter(function (file) { return file.size > limit; });
      message.hidden = over.length === 0;
      message.textContent = over.length
        ? "Too large to attach: " + over.map(function (file) { return file.name; }).join(", ") +
          ". Each file may be at most " + form.dataset.limitText + "."
        : "";
      return over.length === 0;
    };
    input.addEventListener("change", check);
    form.addEventListener("submit", function (event) {
      if (!check()) { event.preventDefault(); }
    });
  }
})();
