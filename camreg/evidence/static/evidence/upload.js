/* Resumable uploads of evidence files over tus (tus-js-client), on the owner's upload page
   and the staff intake page.

   The form carries the tus endpoint (data-endpoint) and, on the owner's page, the URL that
   stores the statements first (data-statements). Each file gets a row with a <progress>
   labelled by its name, a status text and a pause/resume button; a polite live region
   announces changes (not every percent). tus-js-client retries after a dropped connection
   (retryDelays) and remembers each upload's URL in localStorage, so choosing the same file
   again after closing the laptop carries on from the last byte the server has. */
(function () {
  "use strict";

  var form = document.getElementById("upload-form");
  if (!form || !window.tus || !window.tus.isSupported) {
    return;
  }
  var textsNode = document.getElementById("upload-texts");
  var T = textsNode ? JSON.parse(textsNode.textContent) : {};
  var list = document.getElementById("upload-list");
  var section = document.getElementById("upload-progress");
  var live = document.getElementById("upload-status");
  var finish = document.getElementById("upload-finish");
  var errorsBox = document.getElementById("upload-errors");
  var errorList = document.getElementById("upload-error-list");
  var input = document.getElementById("upload-files");
  var startButton = document.getElementById("upload-start");
  var maxFile = parseInt(form.getAttribute("data-max-file"), 10) || 0;
  var maxFiles = parseInt(form.getAttribute("data-max-files"), 10) || 0;
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]");
  var uploads = [];

  form.hidden = false;

  function fmt(text, values) {
    return String(text || "").replace(/\{(\w+)\}/g, function (_m, key) {
      return values[key] !== undefined ? values[key] : "";
    });
  }

  function size(bytes) {
    var units = ["B", "KB", "MB", "GB", "TB"];
    var i = 0;
    while (bytes >= 1000 && i < units.length - 1) {
      bytes /= 1000;
      i += 1;
    }
    return (i === 0 ? bytes : bytes.toFixed(1)) + " " + units[i];
  }

  function announce(text) {
    live.textContent = "";
    window.setTimeout(function () {
      live.textContent = text;
    }, 50);
  }

  function showErrors(messages) {
    errorList.textContent = "";
    messages.forEach(function (message) {
      var item = document.createElement("li");
      if (message.field) {
        var link = document.createElement("a");
        link.href = "#" + message.field;
        link.textContent = message.message;
        item.appendChild(link);
      } else {
        item.textContent = message.message;
      }
      errorList.appendChild(item);
    });
    errorsBox.hidden = messages.length === 0;
    if (messages.length) {
      errorsBox.focus();
    }
  }

  // The clock offset's amount only matters when the clock is ahead or behind.
  var amount = document.getElementById("clock-amount");
  function showAmount() {
    if (!amount) {
      return;
    }
    var chosen = form.querySelector("input[name=clock]:checked");
    amount.hidden = !chosen || (chosen.value !== "ahead" && chosen.value !== "behind");
  }
  Array.prototype.forEach.call(form.querySelectorAll("input[name=clock]"), function (radio) {
    radio.addEventListener("change", showAmount);
  });
  showAmount();

  function responseText(error) {
    var response = error && error.originalResponse;
    if (response) {
      var body = response.getBody && response.getBody();
      if (body) {
        return body;
      }
    }
    return T.network;
  }

  function allDone() {
    return uploads.length > 0 && uploads.every(function (item) {
      return item.state === "sent" || item.state === "failed";
    });
  }

  function checkFinished() {
    if (allDone()) {
      var sent = uploads.filter(function (item) {
        return item.state === "sent";
      }).length;
      announce(fmt(T.summary, { sent: sent, total: uploads.length }));
      if (finish && sent > 0) {
        finish.hidden = false;
      }
    }
  }

  function addRow(file, index) {
    var row = document.createElement("li");
    row.className = "upload-list__item";
    var nameId = "upload-name-" + index;
    var statusId = "upload-state-" + index;
    var name = document.createElement("p");
    name.className = "upload-list__name";
    name.id = nameId;
    name.textContent = file.name + " (" + size(file.size) + ")";
    var bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    bar.id = "upload-bar-" + index;
    bar.setAttribute("aria-labelledby", nameId);
    bar.setAttribute("aria-describedby", statusId);
    var state = document.createElement("p");
    state.className = "upload-list__state";
    state.id = statusId;
    state.textContent = T.waiting;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "usa-button usa-button--outline upload-list__toggle";
    button.textContent = T.pause;
    button.setAttribute("aria-describedby", nameId);
    row.appendChild(name);
    row.appendChild(bar);
    row.appendChild(state);
    row.appendChild(button);
    list.appendChild(row);
    return { row: row, bar: bar, state: state, button: button };
  }

  // One file at a time (kinder to a phone's connection); a paused file lets the next go.
  function startNext() {
    var busy = uploads.some(function (item) {
      return item.state === "sending";
    });
    if (busy) {
      return;
    }
    var next = uploads.filter(function (item) {
      return item.state === "waiting";
    })[0];
    if (next) {
      next.state = "sending";
      startOne(next);
    }
  }

  function startOne(item) {
    item.upload.findPreviousUploads().then(function (previous) {
      if (previous.length) {
        item.upload.resumeFromPreviousUpload(previous[0]);
        item.ui.state.textContent = T.resuming;
      }
      item.upload.start();
    });
  }

  function track(file, index) {
    var ui = addRow(file, index);
    var item = { file: file, ui: ui, state: "waiting", upload: null };
    var headers = {};
    if (!form.getAttribute("data-statements") && csrf) {
      headers["X-CSRFToken"] = csrf.value; // the staff endpoint: session and CSRF
    }
    item.upload = new window.tus.Upload(file, {
      endpoint: form.getAttribute("data-endpoint"),
      chunkSize: 64 * 1024 * 1024,
      retryDelays: [0, 1000, 3000, 5000, 10000, 20000, 30000, 60000, 60000, 120000],
      storeFingerprintForResuming: true,
      removeFingerprintOnSuccess: true,
      headers: headers,
      metadata: { filename: file.name, filetype: file.type || "" },
      onProgress: function (sent, total) {
        var percent = total ? Math.floor((sent / total) * 100) : 0;
        ui.bar.value = percent;
        if (item.state === "sending") {
          ui.state.textContent = fmt(T.sending, {
            done: size(sent),
            total: size(total),
            percent: percent,
          });
        }
      },
      onShouldRetry: function (error, attempt, options) {
        var status = error.originalResponse ? error.originalResponse.getStatus() : 0;
        if (status >= 400 && status < 500 && status !== 409 && status !== 423) {
          return false;
        }
        ui.state.textContent = T.retrying;
        return true;
      },
      onSuccess: function () {
        item.state = "sent";
        ui.bar.value = 100;
        ui.state.textContent = T.sent;
        ui.button.hidden = true;
        announce(fmt(T.file_sent, { name: file.name }));
        checkFinished();
        startNext();
      },
      onError: function (error) {
        item.state = "failed";
        ui.state.textContent = fmt(T.failed, { message: responseText(error) });
        ui.button.hidden = true;
        announce(ui.state.textContent);
        checkFinished();
        startNext();
      },
    });
    ui.button.addEventListener("click", function () {
      if (item.state === "paused") {
        item.state = "waiting";
        ui.button.textContent = T.pause;
        ui.state.textContent = T.waiting;
        announce(fmt(T.file_resumed, { name: file.name }));
        startNext();
      } else if (item.state === "sending" || item.state === "waiting") {
        var wasSending = item.state === "sending";
        item.state = "paused";
        item.upload.abort();
        ui.button.textContent = T.resume;
        ui.state.textContent = T.paused;
        announce(fmt(T.file_paused, { name: file.name }));
        if (wasSending) {
          startNext();
        }
      }
    });
    uploads.push(item);
    return item;
  }

  // Back online after the retries gave up: carry on with what was interrupted.
  window.addEventListener("online", function () {
    uploads.forEach(function (item) {
      if (item.state === "sending") {
        item.upload.start();
      }
    });
  });

  function checkFiles(files) {
    var problems = [];
    if (!files.length) {
      problems.push({ field: "upload-files", message: T.no_files });
    }
    if (maxFiles && files.length > maxFiles) {
      problems.push({ field: "upload-files", message: fmt(T.too_many, { count: maxFiles }) });
    }
    files.forEach(function (file) {
      if (maxFile && file.size > maxFile) {
        problems.push({
          field: "upload-files",
          message: fmt(T.too_big, { name: file.name, size: size(maxFile) }),
        });
      }
    });
    return problems;
  }

  function begin(files) {
    form.hidden = true;
    section.hidden = false;
    showErrors([]);
    files.forEach(function (file, index) {
      track(file, index);
    });
    announce(fmt(T.started, { count: files.length }));
    document.getElementById("upload-progress-heading").focus();
    startNext();
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var files = Array.prototype.slice.call(input.files || []);
    var problems = checkFiles(files);
    var statementsUrl = form.getAttribute("data-statements");
    if (!statementsUrl) {
      if (problems.length) {
        showErrors(problems);
        return;
      }
      begin(files);
      return;
    }
    var data = new FormData(form);
    data.delete("files");
    data.set("action", "statements");
    startButton.disabled = true;
    fetch(statementsUrl, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf ? csrf.value : "", Accept: "application/json" },
    })
      .then(function (response) {
        return response.json().then(function (body) {
          return { ok: response.ok, body: body };
        });
      })
      .then(function (result) {
        startButton.disabled = false;
        var all = (result.body.errors || []).concat(problems);
        if (!result.ok || all.length) {
          showErrors(all);
          return;
        }
        begin(files);
      })
      .catch(function () {
        startButton.disabled = false;
        showErrors([{ field: "", message: T.network }]);
      });
  });
})();
