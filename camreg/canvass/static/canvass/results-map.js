/* The results map of a canvass case: the searched area, the scene, and each camera found
   with its view cone and a numbered marker matching the list. Data come from the map
   element's data-map attribute; the list on the page holds everything without this script. */
(function () {
  "use strict";
  var el = document.getElementById("canvass-results-map");
  if (!el || typeof L === "undefined") { return; }
  var data = JSON.parse(el.dataset.map || "null");
  if (!data) { return; }

  function latLngs(ring) { return ring.map(function (p) { return [p[1], p[0]]; }); }

  var map = L.map(el, { keyboard: true, maxZoom: 20 });
  if (el.dataset.tileUrl) {
    L.tileLayer(el.dataset.tileUrl, { maxZoom: 19, attribution: el.dataset.tileAttribution }).addTo(map);
  }
  var area = L.polygon(latLngs(data.area), { color: "#1a4480", weight: 2, fillOpacity: 0.05, interactive: false }).addTo(map);
  L.circleMarker(data.scene, { radius: 6, color: "#b50909", fillColor: "#b50909", fillOpacity: 1, interactive: false }).addTo(map);
  map.fitBounds(area.getBounds(), { padding: [20, 20] });

  data.cameras.forEach(function (camera) {
    var color = camera.apart ? "#5c5c5c" : (camera.faces ? "#00703c" : "#1a4480");
    L.polygon(latLngs(camera.cone), { color: color, weight: 1, fillOpacity: 0.15, interactive: false }).addTo(map);
    var html = document.createElement("span");
    html.className = "canvass-marker" + (camera.apart ? " canvass-marker--apart" : (camera.faces ? " canvass-marker--faces" : ""));
    html.textContent = camera.marker;
    var marker = L.marker([camera.lat, camera.lon], {
      keyboard: true,
      title: camera.label,
      alt: camera.label,
      icon: L.divIcon({ html: html.outerHTML, className: "canvass-map-marker", iconSize: [32, 32], iconAnchor: [16, 16] })
    }).addTo(map);
    var element = marker.getElement();
    if (element) {
      element.setAttribute("aria-label", "Camera " + camera.label + ", go to it in the list");
      element.setAttribute("role", "button");
      element.dataset.cameraId = String(camera.id);
    }
    function openInList() {
      var item = document.getElementById("camera-" + camera.id);
      if (item) {
        item.setAttribute("tabindex", "-1");
        item.scrollIntoView({ block: "start" });
        item.focus();
      }
    }
    marker.on("click", openInList);
    if (element) {
      element.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          event.stopPropagation();
          openInList();
        }
      });
    }
  });
  el.dataset.ready = String(data.cameras.length);
}());
