/* The results map of a canvass case: the searched area, the scene, and each camera found
   with its view cone and a numbered marker matching the list. Cameras at one site would
   stack on one point (ranks 1 to 5 hidden under 6), so they are spread in a small ring around
   their site, joined to it by a short line, in rank order. Data come from the map element's
   data-map attribute; the list on the page holds everything without this script. */
(function () {
  "use strict";
  var el = document.getElementById("canvass-results-map");
  if (!el || typeof L === "undefined") { return; }
  var data = JSON.parse(el.dataset.map || "null");
  if (!data) { return; }

  var MARKER = 32;        // px, the size of a numbered marker
  var RING_STEP = 38;     // px between neighbours on the ring

  function latLngs(ring) { return ring.map(function (p) { return [p[1], p[0]]; }); }

  var map = L.map(el, { keyboard: true, maxZoom: 20 });
  if (el.dataset.tileUrl) {
    L.tileLayer(el.dataset.tileUrl, { maxZoom: 19, attribution: el.dataset.tileAttribution }).addTo(map);
  }
  var area = L.polygon(latLngs(data.area), { color: "#1a4480", weight: 2, fillOpacity: 0.05, interactive: false }).addTo(map);
  L.circleMarker(data.scene, { radius: 6, color: "#b50909", fillColor: "#b50909", fillOpacity: 1, interactive: false }).addTo(map);
  // Start on the cameras and the scene (close enough to tell neighbours apart), or on the
  // whole area when nothing was found; zooming out shows the rest of the area.
  if (data.cameras.length) {
    var found = L.latLngBounds([data.scene]);
    data.cameras.forEach(function (camera) { found.extend([camera.lat, camera.lon]); });
    map.fitBounds(found, { padding: [MARKER * 2, MARKER * 2], maxZoom: 19 });
  } else {
    map.fitBounds(area.getBounds(), { padding: [20, 20] });
  }

  // Cameras by site, in list order (the data come best first); where markers of nearby
  // sites still overlap, the better-ranked one is drawn on top.
  var sites = {};
  data.cameras.forEach(function (camera, index) {
    camera.order = index;
    var key = camera.site + ":" + camera.lat.toFixed(6) + "," + camera.lon.toFixed(6);
    (sites[key] = sites[key] || []).push(camera);
  });

  // The pixel offset of the i-th of n markers around their site: none for a lone camera;
  // otherwise on a ring just wide enough for n markers, the best one at the top.
  function offset(i, n) {
    if (n < 2) { return [0, 0]; }
    var radius = Math.max(MARKER, (n * RING_STEP) / (2 * Math.PI));
    var angle = -Math.PI / 2 + (2 * Math.PI * i) / n;
    return [Math.round(radius * Math.cos(angle)), Math.round(radius * Math.sin(angle))];
  }

  function openInList(camera) {
    var item = document.getElementById("camera-" + camera.id);
    if (item) {
      item.setAttribute("tabindex", "-1");
      item.scrollIntoView({ block: "start" });
      item.focus();
    }
  }

  Object.keys(sites).forEach(function (key) {
    var group = sites[key];
    var n = group.length;
    if (n > 1) {
      // The site itself: a small dot the spread markers point back to.
      L.circleMarker([group[0].lat, group[0].lon], { radius: 4, color: "#1b1b1b", weight: 1, fillColor: "#fff", fillOpacity: 1, interactive: false }).addTo(map);
    }
    group.forEach(function (camera, i) {
      var color = camera.apart ? "#5c5c5c" : (camera.faces ? "#00703c" : "#1a4480");
      L.polygon(latLngs(camera.cone), { color: color, weight: 1, fillOpacity: 0.15, interactive: false }).addTo(map);
      var shift = offset(i, n);
      var html = document.createElement("span");
      html.className = "canvass-marker" + (camera.apart ? " canvass-marker--apart" : (camera.faces ? " canvass-marker--faces" : ""));
      html.textContent = camera.marker;
      var leader = n > 1 ? '<span class="canvass-leader"></span>' : "";
      var marker = L.marker([camera.lat, camera.lon], {
        keyboard: true,
        title: camera.label,
        alt: camera.label,
        riseOnHover: true,
        zIndexOffset: (data.cameras.length - camera.order) * 1000,
        icon: L.divIcon({
          html: leader + html.outerHTML,
          className: "canvass-map-marker",
          iconSize: [MARKER, MARKER],
          iconAnchor: [MARKER / 2 - shift[0], MARKER / 2 - shift[1]]
        })
      }).addTo(map);
      var element = marker.getElement();
      var line = element && element.querySelector(".canvass-leader");
      if (line) {
        // A line from the marker's centre back to the site, part of the icon so that it keeps
        // its length at every zoom (set through the DOM: the CSP allows no inline styles).
        line.style.width = Math.sqrt(shift[0] * shift[0] + shift[1] * shift[1]) + "px";
        line.style.transform = "rotate(" + (Math.atan2(-shift[1], -shift[0]) * 180 / Math.PI) + "deg)";
      }
      if (element) {
        element.setAttribute("aria-label", "Camera " + camera.label + ", go to it in the list");
        element.setAttribute("role", "button");
        element.dataset.cameraId = String(camera.id);
        element.addEventListener("keydown", function (event) {
          if (event.key === "Enter" || event.key === " ") {
            event.preventDefault();
            event.stopPropagation();
            openInList(camera);
          }
        });
      }
      marker.on("click", function () { openInList(camera); });
    });
  });
  el.dataset.ready = String(data.cameras.length);
}());
