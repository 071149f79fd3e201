// Keep the reader's place when switching language: the links of the language switch lead to the
// same page in the other language; carry over its #anchor (both languages use the same heading
// and table-row anchors) and its query (the playground keeps its state there). Material's `h`
// (the search words to highlight) stays behind: they are words of the language being left.
document.addEventListener("click", (event) => {
  const link = event.target.closest("a.md-select__link[hreflang]");
  if (!link) return;
  const target = new URL(link.href, location.href);
  const query = new URLSearchParams(location.search);
  query.delete("h");
  target.search = query.toString();
  target.hash = location.hash;
  link.href = target.href;
});
