// Material's search dialog has no accessible name (axe-core: aria-dialog-name); give it the
// label of its own search field, which is already in the page's language.
document.querySelectorAll(".md-search[role=dialog]").forEach((dialog) => {
  const input = dialog.querySelector("input[aria-label], input[placeholder]");
  if (input && !dialog.hasAttribute("aria-label")) {
    dialog.setAttribute("aria-label", input.getAttribute("aria-label") || input.placeholder);
  }
});
