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
