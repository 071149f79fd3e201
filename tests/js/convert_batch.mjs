// Runs the playground converter on a batch, for tests/test_converter.py: reads
// {"convert": [[direction, input], ...], "floats": [x, ...], "values": [text, ...]} as JSON on stdin
// and writes {"convert": [result, ...], "floats": [formatLiteral(float x), ...],
// "values": [{node, python: formatLiteral(node)} or {"error": message}, ...]} as JSON on stdout.

import { convert } from "../../docs/assets/playground/convert.js";
import { formatLiteral, parseValue } from "../../docs/assets/playground/pyliteral.js";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const batch = JSON.parse(Buffer.concat(chunks).toString("utf8"));

const result = {
  convert: (batch.convert ?? []).map(([direction, input]) => convert(direction, input)),
  floats: (batch.floats ?? []).map((value) => formatLiteral({type: "float", value})),
  values: (batch.values ?? []).map((text) => {
    try {
      const node = parseValue(text);
      return {node, python: formatLiteral(node)};
    } catch (error) {
      return {error: `${error.name}: ${error.message}`};
    }
  }),
};
process.stdout.write(JSON.stringify(result));
