/* Enhances the registration form with a map per place: drag the pin, see and aim each
   camera's view. The form works without this script; the map works without tiles. */
(function () {
  "use strict";
  if (typeof L === "undefined") { return; }
  var form = document.querySelector("form.registration-form");
  if (!form) { return; }
  var tileUrl = form.dataset.tileUrl;
  // The agency's jurisdiction, [[south, west], [north, east]]: where a map without a pin starts.
  var bounds = L.latLngBounds(JSON.parse(form.dataset.bounds));
  var center = bounds.getCenter();
  var EARTH = 6371008.8;

  function toRad(d) { return d * Math.PI / 180; }
  function toDeg(r) { return r * 180 / Math.PI; }

  function destination(lat, lon, bearing, distance) {
    var d = distance / EARTH, b = toRad(bearing), p1 = toRad(lat), l1 = toRad(lon);
    var p2 = Math.asin(Math.sin(p1) * Math.cos(d) + Math.cos(p1) * Math.sin(d) * Math.cos(b));
    var l2 = l1 + Math.atan2(Math.sin(b) * Math.sin(d) * Math.cos(p1), Math.cos(d) - Math.sin(p1) * Math.sin(p2));
    return [toDeg(p2), toDeg(l2)];
  }

  function bearing(a, b) {
    var p1 = toRad(a.lat), p2 = toRad(b.lat), dl = toRad(b.lng - a.lng);
    var y = Math.sin(dl) * Math.cos(p2);
    var x = Math.cos(p1) * Math.sin(p2) - Math.sin(p1) * Math.cos(p2) * Math.cos(dl);
    return (Math.round(toDeg(Math.atan2(y, x))) + 360) % 360;
  }

  function cone(lat, lon, direction, fov, range) {
    var points = [];
    var full = fov >= 360;
    if (!full) { points.push([lat, lon]); }
    var start = direction - fov / 2, steps = Math.max(8, Math.round(fov / 5));
    for (var i = 0; i <= steps; i++) {
      points.push(destination(lat, lon, start + (fov * i) / steps, range));
    }
    return points;
  }

  function num(input, fallback) {
    var v = parseFloat(input && input.value);
    return isFinite(v) ? v : fallback;
  }

  function setupSite(fieldset) {
    var wrapper = fieldset.querySelector(".site-map-wrapper");
    var mapEl = fieldset.querySelector(".site-map");
    var latInput = fieldset.querySelector("[data-role=latitude]");
    var lonInput = fieldset.querySelector("[data-role=longitude]");
    var placedInput = fieldset.querySelector("[data-role=pin-placed]");
    wrapper.hidden = false;

    var start = null;
    if (latInput.value && lonInput.value) {
      start = [parseFloat(latInput.value), parseFloat(lonInput.value)];
    } else if (fieldset.dataset.lat && fieldset.dataset.lon) {
      start = [parseFloat(fieldset.dataset.lat), parseFloat(fieldset.dataset.lon)];
    }
    var map = L.map(mapEl, { keyboard: true });
    if (start) { map.setView(start, 18); } else { map.fitBounds(bounds); }
    if (tileUrl) {
      L.tileLayer(tileUrl, { maxZoom: 19, attribution: form.dataset.tileAttribution }).addTo(map);
    }
    var marker = L.marker(start || center, { draggable: true, keyboard: true, title: mapEl.getAttribute("aria-label") }).addTo(map);

    var cameras = [];
    var aiming = null;

    function placePin(latlng) {
      marker.setLatLng(latlng);
      latInput.value = latlng.lat.toFixed(6);
      lonInput.value = latlng.lng.toFixed(6);
      placedInput.value = "1";
      redraw();
    }

    function redraw() {
      var p = marker.getLatLng();
      cameras.forEach(function (c) {
        var pts = cone(p.lat, p.lng, num(c.direction, 0), num(c.fov, 90), num(c.range, 30));
        c.layer.setLatLngs(pts);
      });
    }

    fieldset.querySelectorAll(".camera-fieldset").forEach(function (camFieldset) {
      var c = {
        direction: camFieldset.querySelector("[data-role=direction]"),
        fov: camFieldset.querySelector("[data-role=field-of-view]"),
        range: camFieldset.querySelector("[data-role=range]"),
        button: camFieldset.querySelector(".aim-button"),
        layer: L.polygon([], { color: "#005ea2", weight: 2, fillOpacity: 0.2 }).addTo(map)
      };
      [c.direction, c.fov, c.range].forEach(function (input) {
        if (input) { input.addEventListener("input", redraw); }
      });
      if (c.button) {
        c.button.hidden = false;
        c.button.setAttribute("aria-pressed", "false");
        c.button.addEventListener("click", function () {
          aiming = aiming === c ? null : c;
          cameras.forEach(function (other) {
            other.button.setAttribute("aria-pressed", other === aiming ? "true" : "false");
          });
          if (aiming) { mapEl.focus(); }
        });
      }
      cameras.push(c);
    });

    marker.on("dragend", function () { placePin(marker.getLatLng()); });
    map.on("click", function (e) {
      if (aiming) {
        aiming.direction.value = bearing(marker.getLatLng(), e.latlng);
        aiming.button.setAttribute("aria-pressed", "false");
        aiming.button.focus();
        aiming = null;
        redraw();
      } else {
        placePin(e.latlng);
      }
    });
    // Keyboard: with the map focused, Enter puts the pin at the centre of the map.
    mapEl.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && e.target === mapEl) {
        e.preventDefault();
        placePin(map.getCenter());
      }
    });
    [latInput, lonInput].forEach(function (input) {
      input.addEventListener("change", function () {
        var lat = parseFloat(latInput.value), lon = parseFloat(lonInput.value);
        if (isFinite(lat) && isFinite(lon)) {
          marker.setLatLng([lat, lon]);
          map.setView([lat, lon], Math.max(map.getZoom(), 16));
          placedInput.value = "1";
          redraw();
        }
      });
    });
    redraw();
  }

  form.querySelectorAll(".site-fieldset").forEach(setupSite);
})();
