/* Enhances the registration form with a map per place: drag the pin, see and aim each
   camera's view. The form works without this script; the map works without tiles.

   Loaded deferred. Leaflet (script and stylesheet, named by this script tag's
   data-leaflet-js and data-leaflet-css) is fetched only when a map is about to come into
   view, so the form is usable first on a slow phone; a page that loads Leaflet itself gets
   its maps at once. */
(function () {
  "use strict";
  var form = document.querySelector("form.registration-form");
  if (!form) { return; }
  var sites = form.querySelectorAll(".site-fieldset");
  if (!sites.length) { return; }
  var script = document.currentScript;
  var tileUrl = form.dataset.tileUrl;
  var bounds = null;
  var center = null;
  var EARTH = 6371008.8;

  // The space each map takes is kept from the start, so nothing moves when it arrives.
  sites.forEach(function (fieldset) {
    var wrapper = fieldset.querySelector(".site-map-wrapper");
    if (wrapper) { wrapper.hidden = false; }
  });

  function withLeaflet(callback) {
    if (typeof L !== "undefined") { callback(); return; }
    var js = script && script.dataset.leafletJs;
    var css = script && script.dataset.leafletCss;
    if (!js) { return; }
    var waiting = css ? 2 : 1;
    function arrived() { waiting -= 1; if (waiting === 0 && typeof L !== "undefined") { callback(); } }
    if (css) {
      var link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = css;
      link.onload = arrived;
      link.onerror = arrived;
      document.head.appendChild(link);
    }
    var tag = document.createElement("script");
    tag.src = js;
    tag.onload = arrived;
    document.head.appendChild(tag);
  }

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

    // The range field is in feet (data-unit="ft"); the cone is drawn in meters.
    function rangeMeters(input) {
      var value = num(input, 100);
      return input && input.dataset.unit === "ft" ? value * 0.3048 : value;
    }

    function redraw() {
      var p = marker.getLatLng();
      cameras.forEach(function (c) {
        var pts = cone(p.lat, p.lng, num(c.direction, 0), num(c.fov, 90), rangeMeters(c.range));
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
        aiming.direction.dispatchEvent(new CustomEvent("camreg:direction-set", { bubbles: true }));
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
    // The pin follows the typed address while the person has not placed it themselves:
    // the server looks the address up (registry:locate) when a field of it changes.
    function showFound(lat, lon) {
      if (placedInput.value === "1" || !isFinite(lat) || !isFinite(lon)) { return; }
      marker.setLatLng([lat, lon]);
      map.setView([lat, lon], 18);
      redraw();
    }
    var locateUrl = form.dataset.locateUrl;
    var lookup = null;
    function lookUpAddress() {
      if (!locateUrl || placedInput.value === "1") { return; }
      var params = new URLSearchParams();
      ["street", "unit", "city", "postcode"].forEach(function (name) {
        var input = fieldset.querySelector("[name$='-" + name + "']");
        params.set(name, input ? input.value : "");
      });
      if (!params.get("street")) { return; }
      window.clearTimeout(lookup);
      lookup = window.setTimeout(function () {
        fetch(locateUrl + "?" + params.toString(), { credentials: "same-origin", headers: { "Accept": "application/json" } })
          .then(function (response) { return response.ok ? response.json() : null; })
          .then(function (found) { if (found && found.found) { showFound(found.latitude, found.longitude); } })
          .catch(function () { /* the server checks the address on saving anyway */ });
      }, 400);
    }
    ["street", "unit", "city", "postcode"].forEach(function (name) {
      var input = fieldset.querySelector("[name$='-" + name + "']");
      if (input) { input.addEventListener("change", lookUpAddress); }
    });
    fieldset.addEventListener("camreg:address-found", function (event) {
      showFound(event.detail.lat, event.detail.lon);
    });
    if (!start) { lookUpAddress(); }

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

  function start() {
    withLeaflet(function () {
      // The agency's jurisdiction, [[south, west], [north, east]]: where a map without a pin
      // starts.
      bounds = L.latLngBounds(JSON.parse(form.dataset.bounds));
      center = bounds.getCenter();
      sites.forEach(setupSite);
    });
  }

  // Leaflet comes when a map is about to scroll into view, so a phone that fills in the
  // contact details first spends nothing on it (nor on map tiles) until then.
  if (typeof L !== "undefined") {
    start();
  } else if ("IntersectionObserver" in window) {
    var observer = new IntersectionObserver(function (entries) {
      if (entries.some(function (entry) { return entry.isIntersecting; })) {
        observer.disconnect();
        start();
      }
    }, { rootMargin: "400px 0px" });
    sites.forEach(function (fieldset) {
      var wrapper = fieldset.querySelector(".site-map-wrapper");
      if (wrapper) { observer.observe(wrapper); }
    });
  } else if (document.readyState === "complete") {
    start();
  } else {
    window.addEventListener("load", start);
  }
})();
