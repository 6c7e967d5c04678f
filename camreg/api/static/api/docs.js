/* The API reference: Swagger UI (npm swagger-ui-dist) on the OpenAPI schema, started from
   this file because the Content-Security-Policy allows no inline script. */
(function () {
  "use strict";
  var root = document.getElementById("api-reference");
  if (!root || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  // Swagger UI's markup lacks a few accessible names: give each select a label from its
  // parameter or role, and make code samples (which scroll) reachable by keyboard.
  function label(select) {
    if (select.getAttribute("aria-label") || select.labels.length) {
      return;
    }
    var row = select.closest("tr[data-param-name]");
    if (row) {
      select.setAttribute("aria-label", "Value of " + row.getAttribute("data-param-name"));
    } else if (select.classList.contains("examples-select-element")) {
      var answer = select.closest("tr[data-code]");
      select.setAttribute(
        "aria-label",
        "Example" + (answer ? " of answer " + answer.getAttribute("data-code") : "")
      );
    } else {
      select.setAttribute("aria-label", "Choose");
    }
  }
  function improve() {
    root.querySelectorAll("select").forEach(label);
    root.querySelectorAll("pre:not([tabindex])").forEach(function (pre) {
      pre.setAttribute("tabindex", "0");
    });
  }
  new MutationObserver(improve).observe(root, { childList: true, subtree: true });

  window.SwaggerUIBundle({
    url: root.getAttribute("data-schema-url"),
    domNode: root,
    // No link inside each operation's toggle button (a control nested in a control).
    deepLinking: false,
    // Nothing leaves the site: no schema validator badge fetched from swagger.io.
    validatorUrl: null,
    defaultModelsExpandDepth: 0,
    docExpansion: "list",
    tryItOutEnabled: false,
    syntaxHighlight: false,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
})();
