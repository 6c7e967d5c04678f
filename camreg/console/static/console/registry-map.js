/* The registry map: every camera matching the filters, clustered; each camera's view
   drawn as a cone from zoom level 17. Data comes from the map data endpoint with the
   page's own query string (the filters), so the filter form works without this script. */
(function () {
  "use strict";
  var el = document.getElementById("registry-map");
  var statusEl = document.getElementById("map-status");
  if (!el || typeof L === "undefined" || typeof L.markerClusterGroup !== "function") { return; }

  var CONE_ZOOM = 17;
  var MAX_CONES = 2000;
  var EARTH = 6371008.8;
  var COLORS = { active: "#005ea2", pending_review: "#8a4b00", lapsed: "#5c5c5c" };
  var statusLabels = JSON.parse(el.dataset.statusLabels || "{}");
  var systemLabels = JSON.parse(el.dataset.systemLabels || "{}");
  var bounds = JSON.parse(el.dataset.bounds || "null");

  function say(text) { if (statusEl) { statusEl.textContent = text; } }

  var map = L.map(el, { keyboard: true, minZoom: 6, maxZoom: 19 });
  if (bounds) {
    map.fitBounds([[bounds[0], bounds[1]], [bounds[2], bounds[3]]]);
  } else {
    map.fitWorld();
  }
  if (el.dataset.tileUrl) {
    L.tileLayer(el.dataset.tileUrl, { maxZoom: 19, attribution: el.dataset.tileAttribution }).addTo(map);
  }

  function toRad(d) { return d * Math.PI / 180; }
  function toDeg(r) { return r * 180 / Math.PI; }
  function destination(lat, lon, bearing, distance) {
    var d = distance / EARTH, b = toRad(bearing), p1 = toRad(lat), l1 = toRad(lon);
    var p2 = Math.asin(Math.sin(p1) * Math.cos(d) + Math.cos(p1) * Math.sin(d) * Math.cos(b));
    var l2 = l1 + Math.atan2(Math.sin(b) * Math.sin(d) * Math.cos(p1), Math.cos(d) - Math.sin(p1) * Math.sin(p2));
    return [toDeg(p2), toDeg(l2)];
  }
  function cone(lat, lon, direction, fov, range) {
    var points = [];
    if (fov < 360) { points.push([lat, lon]); }
    var start = direction - fov / 2, steps = Math.max(8, Math.round(fov / 5));
    for (var i = 0; i <= steps; i++) {
      points.push(destination(lat, lon, start + (fov * i) / steps, range));
    }
    return points;
  }
  function compass(degrees) {
    return ["N", "NE", "E", "SE", "S", "SW", "W", "NW"][Math.round(degrees / 45) % 8];
  }

  var whenLoaded = null;
  var clusters = L.markerClusterGroup({
    chunkedLoading: true,
    chunkProgress: function (processed, total) {
      if (processed === total && whenLoaded) { whenLoaded(); whenLoaded = null; }
    },
    showCoverageOnHover: false,
    maxClusterRadius: 60,
    disableClusteringAtZoom: 18,
    iconCreateFunction: function (cluster) {
      var count = cluster.getChildCount();
      var size = count < 100 ? 36 : count < 1000 ? 44 : 52;
      var html = document.createElement("span");
      var visible = document.createElement("span");
      visible.textContent = String(count);
      var hidden = document.createElement("span");
      hidden.className = "usa-sr-only";
      hidden.textContent = count === 1 ? " camera" : " cameras";
      html.appendChild(visible);
      html.appendChild(hidden);
      return L.divIcon({ html: html.innerHTML, className: "camera-cluster", iconSize: [size, size] });
    }
  }).addTo(map);
  var cones = L.layerGroup().addTo(map);
  var rows = [];
  var index = {};
  var registrantUrl = el.dataset.registrantUrl;

  function field(name) { return index[name]; }

  function escapeHtml(text) {
    var span = document.createElement("span");
    span.textContent = text;
    return span.innerHTML;
  }

  function popupContent(row) {
    var box = document.createElement("div");
    var title = document.createElement("p");
    title.className = "popup-title";
    title.textContent = "Camera #" + row[field("id")];
    box.appendChild(title);
    var list = document.createElement("dl");
    list.className = "popup-facts";
    function fact(label, value) {
      var dt = document.createElement("dt"); dt.textContent = label;
      var dd = document.createElement("dd"); dd.textContent = value;
      list.appendChild(dt); list.appendChild(dd);
    }
    var status = row[field("status")];
    fact("Status", statusLabels[status] || status);
    fact("System", systemLabels[row[field("system_type")]] || row[field("system_type")]);
    var direction = row[field("direction")];
    fact("Faces", direction + "° (" + compass(direction) + ")");
    fact("Field of view", row[field("field_of_view")] + "°");
    fact("Range", row[field("range_m")] + " m");
    box.appendChild(list);
    var link = document.createElement("a");
    link.href = registrantUrl.replace(/0\/$/, row[field("registrant_id")] + "/");
    link.textContent = "Open registrant #" + row[field("registrant_id")];
    box.appendChild(link);
    return box;
  }

  function marker(row) {
    var status = row[field("status")];
    var label = "Camera #" + row[field("id")] + ", " + (statusLabels[status] || status);
    var m = L.marker([row[field("lat")], row[field("lon")]], {
      keyboard: true,
      title: label,
      icon: L.divIcon({
        className: "camera-marker camera-marker--" + status,
        html: '<span class="usa-sr-only">' + escapeHtml(label) + "</span>",
        iconSize: [16, 16]
      })
    });
    m.bindPopup(function () { return popupContent(row); });
    return m;
  }

  function drawCones() {
    cones.clearLayers();
    if (map.getZoom() < CONE_ZOOM) { return; }
    var view = map.getBounds().pad(0.2);
    var drawn = 0;
    for (var i = 0; i < rows.length && drawn < MAX_CONES; i++) {
      var row = rows[i];
      var lat = row[field("lat")], lon = row[field("lon")];
      if (!view.contains([lat, lon])) { continue; }
      var color = COLORS[row[field("status")]] || COLORS.active;
      L.polygon(cone(lat, lon, row[field("direction")], row[field("field_of_view")], row[field("range_m")]), {
        color: color, weight: 1, fillColor: color, fillOpacity: 0.15, interactive: false
      }).addTo(cones);
      drawn++;
    }
  }

  function load() {
    say("Loading cameras…");
    fetch(el.dataset.dataUrl + window.location.search, {
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    }).then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    }).then(function (data) {
      index = {};
      data.fields.forEach(function (name, i) { index[name] = i; });
      rows = data.cameras;
      clusters.clearLayers();
      if (rows.length) {
        var pointBounds = L.latLngBounds(rows.map(function (r) { return [r[field("lat")], r[field("lon")]]; }));
        map.fitBounds(pointBounds.pad(0.05), { maxZoom: 16, animate: false });
      }
      var shown = rows.length === 1 ? "1 camera shown." : rows.length.toLocaleString("en-US") + " cameras shown.";
      if (rows.length) {
        whenLoaded = function () { drawCones(); say(shown); };
        clusters.addLayers(rows.map(marker));
      } else {
        drawCones();
        say(shown);
      }
    }).catch(function () {
      say("The camera data could not be loaded. Reload the page to try again.");
    });
  }

  map.on("moveend zoomend", drawCones);
  load();
})();
