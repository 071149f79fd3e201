// Every text the playground can show, per language, as JSON on stdout: {"en": [...], "zh": [...]}.
// For a language check (run from the repository root: `node tests/js/playground_texts.mjs`).
//
//   messages   docs/assets/playground/messages.js: the engine's and the page's messages, whole
//              templates with their {name} fields
//   page       docs/playground.{en,zh}.md: the labels, options, buttons, captions and aria-labels of
//              the playground's HTML
//   converter  docs/assets/playground/convert.js, groups.js and pyliteral.js keep each message as an English
//              and a Chinese literal side by side; listed here are their string and template
//              literals (${…} shown as {…}): with Chinese characters under zh, English prose (two
//              words or more, no Chinese) under en.

import { readFileSync } from "node:fs";
import { MESSAGES } from "../../docs/assets/playground/messages.js";

const ROOT = new URL("../../", import.meta.url);
const CJK = /[\u4e00-\u9fff]/;
const read = (path) => readFileSync(new URL(path, ROOT), "utf8");

function pageTexts(language) {
  const html = read(`docs/playground.${language}.md`).match(/<div id="pg-root"[\s\S]*?\n<\/div>\n|<div id="pg-converter"[\s\S]*?\n<\/div>\n/g).join("");
  const texts = [...html.matchAll(/>([^<>]+)</g)].map((m) => m[1]);
  const labels = [...html.matchAll(/aria-label="([^"]+)"/g)].map((m) => m[1]);
  return [...texts, ...labels].map((t) => t.trim()).filter((t) => /\p{L}/u.test(t));
}

// The string and template literals of a JS source: a small scanner that skips comments and keeps
// the text of each literal, with a template's ${…} parts replaced by {…}.
function literals(source) {
  const out = [];
  let i = 0;
  const quoted = (quote) => {
    let text = "";
    for (i++; i < source.length && source[i] !== quote; i++) {
      if (source[i] === "\\") { text += source[i + 1]; i++; } else text += source[i];
    }
    i++;
    return text;
  };
  const template = () => {
    let text = "";
    for (i++; i < source.length && source[i] !== "`"; i++) {
      if (source[i] === "\\") { text += source[i + 1]; i++; continue; }
      if (source[i] === "$" && source[i + 1] === "{") {
        i += 2;
        text += `{${expression()}}`;
        continue;
      }
      text += source[i];
    }
    i++;
    return text;
  };
  const expression = () => {  // up to the matching }, its literals collected too
    let depth = 0, text = "";
    while (i < source.length) {
      const c = source[i];
      if (c === "}" && depth === 0) return text.trim();
      if (c === "{") depth++;
      if (c === "}") depth--;
      if (c === "`" || c === "'" || c === '"') { const s = c === "`" ? template() : quoted(c); out.push(s); text += "…"; continue; }
      text += c;
      i++;
    }
    return text;
  };
  while (i < source.length) {
    const c = source[i];
    if (c === "/" && source[i + 1] === "/") i = source.indexOf("\n", i) + 1 || source.length;
    else if (c === "/" && source[i + 1] === "*") i = source.indexOf("*/", i) + 2;
    else if (c === "`") out.push(template());
    else if (c === "'" || c === '"') out.push(quoted(c));
    else i++;
  }
  return out;
}

const converter = ["convert.js", "groups.js", "pyliteral.js"].flatMap((file) => literals(read(`docs/assets/playground/${file}`)));
const strings = {};
for (const language of ["en", "zh"]) {
  const fromConverter = converter.filter((s) => (language === "zh" ? CJK.test(s) : !CJK.test(s) && /[A-Za-z]+ [A-Za-z]+/.test(s)));
  strings[language] = [...new Set([...Object.values(MESSAGES).map((m) => m[language]), ...pageTexts(language), ...fromConverter])];
}
console.log(JSON.stringify(strings, null, 1));
