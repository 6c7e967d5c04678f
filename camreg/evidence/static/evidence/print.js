// The bulletin's "Print" button (hidden without JavaScript: the browser's own print works).
(function () {
  "use strict";
  var button = document.getElementById("print-bulletin");
  if (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  }
})();
