// Paging through the day plan without inline handlers or htmx trigger filters: both
// need what the Content-Security-Policy forbids ('unsafe-inline', eval).

// The arrow keys show the previous or next day, unless someone is typing in a field.
document.addEventListener("keyup", (event) => {
  if (event.target.closest("input, select, textarea, [contenteditable]")) return;
  const rel = { ArrowLeft: "prev", ArrowRight: "next" }[event.key];
  const link = rel && document.querySelector(`.daynav a[rel=${rel}]`);
  if (link) link.click();
});

// Picking a date shows that day.
document.addEventListener("change", (event) => {
  if (event.target.matches(".daypick input[type=date]")) event.target.form.requestSubmit();
});
