// Text the converter returns, as DOM nodes: shared by the playground (app.js) and the paste-and-port
// box (portbox.js). Nothing is parsed as HTML.

// The converter's texts are Markdown with `code` spans (which may quote the reader's input): built
// as text nodes and <code> elements, never parsed as HTML. An unpaired backtick stays as it is.
export function inlineMarkdown(text) {
  const parts = text.split("`");
  if (parts.length % 2 === 0) { const last = parts.pop(); parts.push(`${parts.pop()}\`${last}`); }  // unpaired
  return parts.map((part, i) => {
    if (i % 2 === 0) return document.createTextNode(part);
    const code = document.createElement("code");
    code.append(...codeNodes(part));
    return code;
  });
}

// The nodes of a piece of code (the converter's output, a note's `code` span): lines may break only
// after a space or an opening bracket, never inside a number or a name (`1e-06`,
// `net.trainable_params()`; playground.css). Their text is the code as it is, ready to copy.
export function codeNodes(code) {
  return code.split(/(\s+)/).filter(Boolean).flatMap((part) => (/^\s/.test(part) ? [document.createTextNode(part)]
    : part.split(/(?<=[([{](?![)\]}]))/).flatMap((piece, i) => [
      ...(i ? [document.createElement("wbr")] : []),
      Object.assign(document.createElement("span"), {className: "pg-nobr", textContent: piece})])));
}
