/* The API reference: Swagger UI (npm swagger-ui-dist) on the OpenAPI schema, started from
   this file because the Content-Security-Policy allows no inline script. */
(function () {
  "use strict";
  var root = document.getElementById("api-reference");
  if (!root || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
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
