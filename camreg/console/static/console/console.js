/* Small enhancements of console pages; every page works without them. */
(function () {
  "use strict";
  // "Select all on this page" for the review queue's checkboxes.
  document.querySelectorAll("[data-select-all]").forEach(function (button) {
    var form = button.closest("form");
    var boxes = form.querySelectorAll('input[type=checkbox][name="' + button.dataset.selectAll + '"]');
    button.hidden = false;
    button.addEventListener("click", function () {
      var all = Array.prototype.every.call(boxes, function (b) { return b.checked; });
      boxes.forEach(function (b) { b.checked = !all; });
      button.textContent = all ? "Select all on this page" : "Clear selection";
    });
  });
})();
