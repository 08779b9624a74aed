// Shows every <time data-local> in the viewer's own time zone. The server renders UTC (it
// cannot know the zone); this runs once the page has hydrated, and again whenever the
// application renders new times.
(function () {
  const format = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
  function localise() {
    document.querySelectorAll("time[data-local]").forEach(function (element) {
      const date = new Date(element.dateTime);
      if (isNaN(date) || element.dataset.shown === element.dateTime) return;
      element.title = element.textContent;
      element.textContent = format.format(date);
      element.dataset.shown = element.dateTime;
    });
  }
  function start() {
    localise();
    new MutationObserver(localise).observe(document.body, { subtree: true, childList: true });
  }
  // Wait for hydration so the page's own rendering is never disturbed.
  const wait = new MutationObserver(function () {
    if (document.body.dataset.hydrated) { wait.disconnect(); start(); }
  });
  if (document.body && document.body.dataset.hydrated) start();
  else wait.observe(document.body || document.documentElement, { attributes: true, subtree: true, attributeFilter: ["data-hydrated"] });
})();
