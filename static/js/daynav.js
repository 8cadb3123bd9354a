// The arrow keys page through the day plan, unless someone is typing in a field.
// A plain listener rather than an htmx trigger filter: those need eval, which the
// Content-Security-Policy forbids.
document.addEventListener("keyup", (event) => {
  if (event.target.closest("input, select, textarea, [contenteditable]")) return;
  const rel = { ArrowLeft: "prev", ArrowRight: "next" }[event.key];
  const link = rel && document.querySelector(`.daynav a[rel=${rel}]`);
  if (link) link.click();
});
