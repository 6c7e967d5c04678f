/* The new-case form: shows only the fields for the kind of place chosen, and a map where a
   point can be selected and an area or route drawn (Leaflet-Geoman). Everything drawn is
   written into the form's own fields, which also work typed by hand without this script. */
(function () {
  "use strict";
  var form = document.querySelector(".canvass-case-form");
  if (!form) { return; }
  var radios = form.querySelectorAll('input[name="where"]');
  var sections = form.querySelectorAll(".canvass-where");
  var field = function (name) { return form.querySelector('[name="' + name + '"]'); };

  function chosen() {
    var value = "address";
    radios.forEach(function (r) { if (r.checked) { value = r.value; } });
    return value;
  }
  function choose(value) {
    radios.forEach(function (r) { r.checked = r.value === value; });
    show();
  }
  function show() {
    var value = chosen();
    sections.forEach(function (s) {
      s.hidden = s.dataset.where.split(" ").indexOf(value) === -1;
    });
    if (typeof preview === "function") { preview(); }
  }
  radios.forEach(function (r) { r.addEventListener("change", show); });
  show();

  var box = form.querySelector(".canvass-draw");
  var el = document.getElementById("canvass-draw-map");
  var statusEl = document.getElementById("draw-status");
  if (!box || !el || typeof L === "undefined") { return; }
  box.hidden = false;
  function say(text) { if (statusEl) { statusEl.textContent = text; } }

  var map = L.map(el, { keyboard: true, maxZoom: 20 });
  if (el.dataset.tileUrl) {
    L.tileLayer(el.dataset.tileUrl, { maxZoom: 19, attribution: el.dataset.tileAttribution }).addTo(map);
  }
  var lat0 = parseFloat(field("latitude").value), lon0 = parseFloat(field("longitude").value);
  if (isFinite(lat0) && isFinite(lon0)) {
    map.setView([lat0, lon0], 15);
  } else {
    map.fitBounds(JSON.parse(el.dataset.bounds));  // the agency's jurisdiction
  }
  var shown = L.layerGroup().addTo(map);

  function round(n) { return Math.round(n * 1e6) / 1e6; }
  function lines(latlngs) {
    return latlngs.map(function (p) { return round(p.lat) + ", " + round(p.lng); }).join("\n");
  }
  function parse(text) {
    var points = [];
    (text || "").split(/\n/).forEach(function (line) {
      var parts = line.trim().split(/[\s,;]+/).filter(Boolean);
      if (parts.length === 2 && isFinite(parseFloat(parts[0])) && isFinite(parseFloat(parts[1]))) {
        points.push([parseFloat(parts[0]), parseFloat(parts[1])]);
      }
    });
    return points;
  }

  var preview = function () {
    shown.clearLayers();
    var kind = chosen();
    if (kind === "point") {
      var lat = parseFloat(field("latitude").value), lon = parseFloat(field("longitude").value);
      var radius = parseFloat(field("radius_m").value) || 150;
      if (isFinite(lat) && isFinite(lon)) {
        L.circle([lat, lon], { radius: radius, color: "#1a4480", weight: 2, fillOpacity: 0.08 }).addTo(shown);
        L.circleMarker([lat, lon], { radius: 5, color: "#b50909", fillOpacity: 1 }).addTo(shown);
      }
    } else if (kind === "polygon" || kind === "route") {
      var text = field(kind).value.trim();
      if (text.charAt(0) === "{") { return; }
      var points = parse(text);
      if (kind === "polygon" && points.length >= 3) {
        L.polygon(points, { color: "#1a4480", weight: 2, fillOpacity: 0.08 }).addTo(shown);
      } else if (kind === "route" && points.length >= 2) {
        L.polyline(points, { color: "#1a4480", weight: 3 }).addTo(shown);
      }
    }
  };
  ["latitude", "longitude", "radius_m", "polygon", "route"].forEach(function (name) {
    field(name).addEventListener("change", preview);
  });
  preview();

  map.on("click", function (event) {
    if (map.pm && map.pm.globalDrawModeEnabled && map.pm.globalDrawModeEnabled()) { return; }
    var kind = chosen();
    if (kind !== "point" && kind !== "address") { return; }
    field("latitude").value = round(event.latlng.lat);
    field("longitude").value = round(event.latlng.lng);
    choose("point");
    say("Scene placed at " + round(event.latlng.lat) + ", " + round(event.latlng.lng) + ".");
  });

  if (map.pm) {
    map.pm.addControls({
      position: "topleft",
      drawMarker: false, drawCircleMarker: false, drawCircle: false, drawRectangle: false,
      drawText: false, cutPolygon: false, rotateMode: false, editMode: false,
      dragMode: false, removalMode: false, drawPolygon: true, drawPolyline: true
    });
    map.on("pm:create", function (event) {
      var layer = event.layer;
      if (event.shape === "Polygon") {
        field("polygon").value = lines(layer.getLatLngs()[0]);
        choose("polygon");
        say("Area drawn with " + layer.getLatLngs()[0].length + " corners.");
      } else if (event.shape === "Line") {
        field("route").value = lines(layer.getLatLngs());
        choose("route");
        say("Route drawn with " + layer.getLatLngs().length + " points.");
      }
      map.removeLayer(layer);
      preview();
    });
    // Name the drawing buttons for screen readers.
    el.querySelectorAll(".leaflet-pm-toolbar a.leaflet-buttons-control-button").forEach(function (a) {
      var title = a.getAttribute("title") || a.parentElement.getAttribute("title");
      if (title) { a.setAttribute("aria-label", title); }
      a.setAttribute("role", "button");
      if (!a.getAttribute("href")) { a.setAttribute("href", "#"); }
    });
  }
}());
