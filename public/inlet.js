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
