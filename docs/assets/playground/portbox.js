// The paste-and-port box (overrides/includes/port-box.*.html) on Home and the mapping page: the reader
// pastes an optimizer line and gets the other framework's line, whether it trains the same, the notes
// that apply and links to their rows of the mapping table. The direction follows the pasted call
// (convert.js, sourceOf); a PyTorch call goes to the MindSpore optimizer the radio buttons choose.
//
// The page shows the answer for the example it holds without this script; the page imports it when
// the reader first touches the box, so that it costs nothing to a reader who only reads.

import { convert, sourceOf } from "./convert.js";
import { say } from "./messages.js";
import { parseCall } from "./pyliteral.js";
import { codeNodes, inlineMarkdown } from "./render.js";

const LANGUAGE = document.documentElement.lang.startsWith("zh") ? "zh" : "en";

function render(box) {
  const source = box.querySelector("textarea").value;
  const detected = sourceOf(source), from = detected ?? "torch";
  const target = box.querySelector('input[name="pb-target"]:checked')?.value ?? "mindspore";
  const result = convert(from === "torch" ? `torch->${target}` : `${from}->torch`, source);
  const other = detected === null && readable(source);
  if (other) result.error = {[LANGUAGE]: say("box-other-class", LANGUAGE, {callee: other.callee})};
  box.querySelector(".pb-target").hidden = detected !== "torch";
  const code = box.querySelector(".pb-code"), notes = box.querySelector(".pb-notes");
  const verdict = result.ok ? result.verdict : "error";
  for (const p of box.querySelectorAll("[data-verdict]")) p.hidden = p.dataset.verdict !== verdict;
  code.hidden = !result.ok;
  if (!result.ok) {
    box.querySelector('[data-verdict="error"]').replaceChildren(...inlineMarkdown(result.error[LANGUAGE]));
    notes.replaceChildren();
  } else {
    code.querySelector("code").replaceChildren(...codeNodes(result.code));
    notes.replaceChildren(...result.caveats.map((caveat) => {
      const item = document.createElement("li");
      item.append(...inlineMarkdown(caveat[LANGUAGE]));
      return item;
    }));
  }
  notes.hidden = !notes.childElementCount;
  const rows = new Set(result.ok ? result.rows : []);
  for (const link of box.querySelectorAll("[data-row]")) link.hidden = !rows.has(link.dataset.row);
  box.querySelector(".pb-rows").hidden = !rows.size;
}

// A call the reader of Python code can read but no constructor here is (`torch.optim.Adam(…)`): the box
// has no direction to blame, unlike the playground's converter.
function readable(source) {
  try { return parseCall(source); } catch { return null; }
}

export function mount(box) {
  if (box.dataset.mounted) return;
  box.dataset.mounted = "1";
  box.addEventListener("input", () => render(box));
  render(box);  // the example, or what the reader typed before the script arrived
}
