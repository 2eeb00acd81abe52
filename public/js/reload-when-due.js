// Reloads the page when the time in its data-reload-in-seconds attribute has passed (the check-in
// code page, whose code changes on a schedule). Without JavaScript the page offers a link instead.
(function () {
  var marked = document.querySelector('[data-reload-in-seconds]');
  if (!marked) return;
  var seconds = Number(marked.getAttribute('data-reload-in-seconds'));
  if (!(seconds > 0)) return;
  setTimeout(function () {
    window.location.reload();
  }, seconds * 1000);
})();
