/* The registry map. It asks the map data endpoint for what it shows: the viewport and zoom,
   with the page's own query string (the filters, so the filter form works without this
   script). Zoomed out, the answer is clusters counted on the server (a count per grid cell);
   zoomed in, the cameras themselves, clustered here where they overlap, each camera's view
   drawn as a cone from zoom level 17. Each move asks again; a list under the map names what
   it shows, for keyboard and screen-reader users. Decision 0020. */
(function () {
  "use strict";
  var el = document.getElementById("registry-map");
  var statusEl = document.getElementById("map-status");
  var listEl = document.getElementById("map-list");
  if (!el || typeof L === "undefined" || typeof L.markerClusterGroup !== "function") { return; }

  var CONE_ZOOM = 17;
  var MAX_CONES = 2000;
  var MAX_LISTED = 200;
  var EARTH = 6371008.8;
  var COLORS = { active: "#005ea2", pending_review: "#8a4b00", lapsed: "#5c5c5c" };
  var statusLabels = JSON.parse(el.dataset.statusLabels || "{}");
  var systemLabels = JSON.parse(el.dataset.systemLabels || "{}");
  var bounds = JSON.parse(el.dataset.bounds || "null");
  var registrantUrl = el.dataset.registrantUrl;
  var filters = new URLSearchParams(window.location.search);
  ["south", "west", "north", "east", "zoom"].forEach(function (name) { filters.delete(name); });

  function say(text) { if (statusEl) { statusEl.textContent = text; } }
  function plural(count, one, many) {
    return count.toLocaleString("en-US") + " " + (count === 1 ? one : many);
  }

  var map = L.map(el, { keyboard: true, minZoom: 4, maxZoom: 19 });
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
  function escapeHtml(text) {
    var span = document.createElement("span");
    span.textContent = text;
    return span.innerHTML;
  }

  function clusterIcon(count, extraClass) {
    var size = count < 100 ? 36 : count < 1000 ? 44 : count < 10000 ? 52 : 60;
    var html = "<span>" + escapeHtml(count.toLocaleString("en-US")) + '</span><span class="usa-sr-only">' +
      (count === 1 ? " camera" : " cameras") + "</span>";
    return L.divIcon({ html: html, className: "camera-cluster" + (extraClass || ""), iconSize: [size, size] });
  }

  // Cameras (zoomed in): clustered here only where they overlap at this zoom.
  var whenLoaded = null;
  var cameraLayer = L.markerClusterGroup({
    chunkedLoading: true,
    chunkProgress: function (processed, total) {
      if (processed === total && whenLoaded) { whenLoaded(); whenLoaded = null; }
    },
    showCoverageOnHover: false,
    maxClusterRadius: 40,
    disableClusteringAtZoom: 18,
    iconCreateFunction: function (cluster) { return clusterIcon(cluster.getChildCount()); }
  }).addTo(map);
  // Clusters counted on the server (zoomed out).
  var clusterLayer = L.layerGroup().addTo(map);
  var cones = L.layerGroup().addTo(map);
  var rows = [];
  var index = {};
  var mode = null;

  function field(name) { return index[name]; }
  function statusLabel(status) { return statusLabels[status] || status; }
  function ownerUrl(row) { return registrantUrl.replace(/0\/$/, row[field("registrant_id")] + "/"); }

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
    fact("Status", statusLabel(row[field("status")]));
    fact("System", systemLabels[row[field("system_type")]] || row[field("system_type")]);
    var direction = row[field("direction")];
    fact("Faces", direction + "° (" + compass(direction) + ")");
    fact("Field of view", row[field("field_of_view")] + "°");
    fact("Range", row[field("range_m")] + " m");
    box.appendChild(list);
    var link = document.createElement("a");
    link.href = ownerUrl(row);
    link.textContent = "Open registrant #" + row[field("registrant_id")];
    box.appendChild(link);
    return box;
  }

  function cameraMarker(row) {
    var status = row[field("status")];
    var label = "Camera #" + row[field("id")] + ", " + statusLabel(status);
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

  function zoomInto(lat, lon) {
    map.setView([lat, lon], Math.min(map.getMaxZoom(), map.getZoom() + 2));
  }

  function clusterMarker(cluster) {
    var lat = cluster[0], lon = cluster[1], count = cluster[2];
    var m = L.marker([lat, lon], {
      keyboard: true,
      title: plural(count, "camera", "cameras") + ": select to zoom in",
      icon: clusterIcon(count, " camera-cluster--area")
    });
    m.on("click", function () { zoomInto(lat, lon); });
    // A focused marker is a button: Enter or Space opens it (Leaflet does this only for
    // markers with a popup).
    m.on("keypress", function (e) {
      var key = e.originalEvent.key;
      if (key === "Enter" || key === " " || e.originalEvent.keyCode === 13) {
        e.originalEvent.preventDefault();
        zoomInto(lat, lon);
      }
    });
    return m;
  }

  function drawCones() {
    cones.clearLayers();
    if (mode !== "cameras" || map.getZoom() < CONE_ZOOM) { return; }
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

  // The list under the map: the same answer, without the map.
  function listClusters(clusters) {
    if (!listEl) { return; }
    listEl.textContent = "";
    if (!clusters.length) { return; }
    var intro = document.createElement("p");
    intro.textContent = "Areas in view, largest first. Select one to zoom the map to it.";
    listEl.appendChild(intro);
    var ul = document.createElement("ul");
    ul.className = "usa-list map-list__areas";
    clusters.slice().sort(function (a, b) { return b[2] - a[2]; }).slice(0, MAX_LISTED).forEach(function (cluster) {
      var li = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "usa-button usa-button--unstyled";
      button.textContent = plural(cluster[2], "camera", "cameras") + " around " +
        cluster[0].toFixed(4) + ", " + cluster[1].toFixed(4);
      button.addEventListener("click", function () {
        zoomInto(cluster[0], cluster[1]);
        el.focus();
      });
      li.appendChild(button);
      ul.appendChild(li);
    });
    listEl.appendChild(ul);
    if (clusters.length > MAX_LISTED) {
      var more = document.createElement("p");
      more.textContent = "And " + plural(clusters.length - MAX_LISTED, "smaller area", "smaller areas") + ".";
      listEl.appendChild(more);
    }
  }

  function listCameras() {
    if (!listEl) { return; }
    listEl.textContent = "";
    if (!rows.length) { return; }
    var table = document.createElement("table");
    table.className = "usa-table usa-table--stacked usa-table--compact usa-table--borderless map-list__cameras";
    var caption = document.createElement("caption");
    caption.textContent = "Cameras in view";
    table.appendChild(caption);
    var head = table.createTHead().insertRow();
    ["Camera", "Status", "System", "Faces", "Registrant"].forEach(function (text) {
      var th = document.createElement("th");
      th.scope = "col";
      th.textContent = text;
      head.appendChild(th);
    });
    var body = table.createTBody();
    rows.slice(0, MAX_LISTED).forEach(function (row) {
      var tr = body.insertRow();
      var direction = row[field("direction")];
      var cells = [["Camera", "#" + row[field("id")]], ["Status", statusLabel(row[field("status")])],
        ["System", systemLabels[row[field("system_type")]] || row[field("system_type")]],
        ["Faces", direction + "° (" + compass(direction) + ")"]];
      cells.forEach(function (pair) {
        var td = tr.insertCell();
        td.dataset.label = pair[0];  // the stacked table's label on a phone
        td.textContent = pair[1];
      });
      var link = document.createElement("a");
      link.href = ownerUrl(row);
      link.textContent = "#" + row[field("registrant_id")];
      var owner = tr.insertCell();
      owner.dataset.label = "Registrant";
      owner.appendChild(link);
    });
    listEl.appendChild(table);
    if (rows.length > MAX_LISTED) {
      var more = document.createElement("p");
      more.textContent = "And " + plural(rows.length - MAX_LISTED, "more camera", "more cameras") +
        ": zoom in to list them.";
      listEl.appendChild(more);
    }
  }

  function show(data) {
    mode = data.mode;
    // What is shown, for tests and for anyone debugging: the answer's mode and zoom.
    el.dataset.mode = data.mode;
    el.dataset.zoom = String(data.view.zoom);
    index = {};
    data.fields.forEach(function (name, i) { index[name] = i; });
    clusterLayer.clearLayers();
    cameraLayer.clearLayers();
    whenLoaded = null;
    if (data.mode === "clusters") {
      rows = [];
      drawCones();
      data.clusters.forEach(function (cluster) { clusterLayer.addLayer(clusterMarker(cluster)); });
      listClusters(data.clusters);
      say(data.count
        ? plural(data.count, "camera", "cameras") + " shown in " + plural(data.clusters.length, "cluster", "clusters") +
          ". Zoom in to see each camera."
        : "No cameras in view.");
      return;
    }
    rows = data.cameras;
    listCameras();
    var shown = rows.length ? plural(rows.length, "camera", "cameras") + " shown." : "No cameras in view.";
    if (rows.length) {
      whenLoaded = function () { drawCones(); say(shown); };
      cameraLayer.addLayers(rows.map(cameraMarker));
    } else {
      drawCones();
      say(shown);
    }
  }

  var pending = null;
  var sequence = 0;
  function load() {
    if (pending) { pending.abort(); }
    pending = typeof AbortController === "function" ? new AbortController() : null;
    var number = ++sequence;
    var view = map.getBounds();
    var query = new URLSearchParams(filters);
    query.set("south", view.getSouth().toFixed(5));
    query.set("west", view.getWest().toFixed(5));
    query.set("north", view.getNorth().toFixed(5));
    query.set("east", view.getEast().toFixed(5));
    query.set("zoom", String(map.getZoom()));
    say("Loading cameras…");
    fetch(el.dataset.dataUrl + "?" + query.toString(), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
      signal: pending ? pending.signal : undefined
    }).then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    }).then(function (data) {
      if (number === sequence) { show(data); }
    }).catch(function (error) {
      if (error && error.name === "AbortError") { return; }
      say("The camera data could not be loaded. Move the map or reload the page to try again.");
    });
  }

  var timer = null;
  map.on("moveend", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(load, 150);
  });
  map.on("zoomend", drawCones);
  load();
})();
