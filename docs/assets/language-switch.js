// Keep the reader's place when switching language: both languages use the same heading and
// table-row anchors, so the current #anchor is carried over to the other language's page.
document.addEventListener("click", (event) => {
  const link = event.target.closest("a.md-select__link[hreflang]");
  if (!link || !location.hash) return;
  const target = new URL(link.href, location.href);
  target.hash = location.hash;
  link.href = target.href;
});
