// A small enhancement once the page is live (everything works without it): a button with
// data-copy="<id>" copies that element's value to the clipboard. It only listens for clicks
// and never changes what the application rendered, so hydration is never disturbed.
(function () {
  document.addEventListener("click", function (event) {
    const button = event.target.closest && event.target.closest("[data-copy]");
    if (!button) return;
    const source = document.getElementById(button.dataset.copy);
    if (!source) return;
    const text = source.value !== undefined ? source.value : source.textContent;
    const done = function (label) {
      button.setAttribute("aria-label", label);
      button.dataset.state = label;
      setTimeout(function () { button.removeAttribute("aria-label"); delete button.dataset.state; }, 2000);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { done("Copied"); }, function () { if (source.select) source.select(); done("Press Ctrl+C to copy"); });
    } else {
      if (source.select) source.select();
      done("Press Ctrl+C to copy");
    }
  });
})();

// The viewer's time zone, for the server to write times in (server/timezone.rs). Pages
// rendered before this cookie exists show UTC and say so; the next page is in this zone.
(function () {
  let zone;
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (error) { return; }
  // IANA names (Europe/Paris, America/Argentina/Buenos_Aires, Etc/GMT+5) are valid cookie text.
  if (!zone || !/^[A-Za-z0-9_+\-\/]+$/.test(zone)) return;
  const current = document.cookie.split("; ").find(function (pair) { return pair.indexOf("inlet_tz=") === 0; });
  if (current !== "inlet_tz=" + zone) {
    document.cookie = "inlet_tz=" + zone + "; path=/; max-age=31536000; samesite=lax";
  }
})();

// Exports (a[data-download]): without JavaScript the link downloads the file directly. With it,
// the file is fetched so the page can show that it is being prepared (a spinner on the button
// and "Preparing XLSX…"), then saved under the server's file name; errors are shown beside it.
(function () {
  document.addEventListener("click", function (event) {
    const link = event.target.closest && event.target.closest("a[data-download]");
    if (!link || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    if (link.getAttribute("aria-busy") === "true") return;
    const kind = link.dataset.download.toUpperCase();
    const status = link.parentElement && link.parentElement.querySelector(".export-status");
    const say = function (text) { if (status) status.textContent = text; };
    link.setAttribute("aria-busy", "true");
    link.setAttribute("aria-disabled", "true");
    say("Preparing " + kind + "…");
    fetch(link.href, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          return response.json().then(
            function (body) { throw new Error((body && body.error && body.error.message) || "Export failed (" + response.status + ")"); },
            function () { throw new Error("Export failed (" + response.status + ")"); });
        }
        const disposition = response.headers.get("content-disposition") || "";
        const match = /filename="?([^";]+)"?/.exec(disposition);
        const name = match ? match[1] : "export." + link.dataset.download;
        return response.blob().then(function (blob) {
          const url = URL.createObjectURL(blob);
          const save = document.createElement("a");
          save.href = url;
          save.download = name;
          save.hidden = true;
          document.body.appendChild(save);
          save.click();
          save.remove();
          setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
          say(kind + " downloaded: " + name);
        });
      })
      .catch(function (error) { say(error.message); })
      .finally(function () {
        link.removeAttribute("aria-busy");
        link.removeAttribute("aria-disabled");
      });
  });
})();
