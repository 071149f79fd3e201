// The messages the playground can show, for tests/test_language.py: reads
// {"convert": [[direction, input], ...], "engine": [[convention, kwargs], ...]} as JSON on stdin and
// writes {"convert": [[text, ...], ...], "engine": [{en, zh} or null, ...]} on stdout: each converter
// result's verdict or error and caveats in both languages, and what each engine construction throws
// (as the page shows it: the message of messages.js the error names, in each language).

import { convert } from "../../docs/assets/playground/convert.js";
import { make } from "../../docs/assets/playground/rprop.js";
import { say } from "../../docs/assets/playground/messages.js";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const batch = JSON.parse(Buffer.concat(chunks).toString("utf8"));

const texts = (result) => result.ok
  ? result.caveats.map((c) => ({en: c.en, zh: c.zh}))
  : [{en: result.error.en, zh: result.error.zh}];

const engine = ([convention, kwargs]) => {
  try {
    make(convention, kwargs);
    return null;
  } catch (error) {
    return error.id ? {en: say(error.id, "en", error.values), zh: say(error.id, "zh", error.values)}
      : {en: error.message, zh: error.message};
  }
};

process.stdout.write(JSON.stringify({
  convert: (batch.convert ?? []).map(([direction, input]) => texts(convert(direction, input))),
  engine: (batch.engine ?? []).map(engine),
}));
