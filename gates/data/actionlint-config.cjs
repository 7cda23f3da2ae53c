// The part of actionlint's config that gates' runner (actionlint.cjs) honours: the labels of
// `self-hosted-runner:` in a project's .github/actionlint.yaml (else .yml, as actionlint reads
// them), which actionlint matches as globs against the labels of `runs-on:`.
//
// Node has no YAML parser, so this reads the part of the file where actionlint documents them,
// and refuses (a ConfigError) any other form there rather than guess:
//
//   self-hosted-runner:
//     labels:               # or: labels: [linux-gpu, "ubuntu-slim"]
//       - linux-gpu
//       - "ubuntu-slim"
//
// Labels are plain or quoted strings; comments may be anywhere; other keys are not read.
//
// For tests: node actionlint-config.cjs < cases.json prints, for each config text of the JSON
// list, its labels ({"labels": [...]}) or why it is refused ({"refused": "..."}), and for each
// {"glob": pattern, "labels": [...]} the labels that pattern matches (or why it is refused).
"use strict";

const fs = require("node:fs");
const path = require("node:path");

const NAMES = ["actionlint.yaml", "actionlint.yml"]; // actionlint reads the first it finds
const HINT =
  "write them as `self-hosted-runner:` with `labels:` indented under it and a list of " +
  "strings, one `- label` a line or `[a, b]`";

class ConfigError extends Error {}

function refuse(why) {
  throw new ConfigError(why);
}

// The config of the project at `root` (the folder holding .github/): {file, labels, matches}, or
// null when it has none. A config it cannot read throws a ConfigError naming the file, as
// `shown(path)` writes it.
function readConfig(root, shown = (file) => file) {
  for (const name of NAMES) {
    const where = path.join(root, ".github", name);
    const file = shown(where);
    let text;
    try {
      text = fs.readFileSync(where, "utf8");
    } catch (error) {
      if (error.code === "ENOENT") continue;
      throw new ConfigError(`cannot read ${file}: ${error.message}`);
    }
    try {
      const labels = labelsOf(text);
      const globs = labels.map(globOf);
      return { file, labels, matches: (label) => globs.some((glob) => glob.test(label)) };
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      throw new ConfigError(`cannot read the self-hosted-runner labels of ${file}: ${error.message}; ${HINT}`);
    }
  }
  return null;
}

// The self-hosted-runner labels of an actionlint config's text.
function labelsOf(text) {
  return sectionLabels(contentLines(text));
}

// The lines of the first YAML document that hold more than a comment: {line, indent, body, tab}.
function contentLines(text) {
  const lines = [];
  const all = text.replace(/^\uFEFF/, "").split(/\r\n|\n|\r/);
  for (let i = 0; i < all.length; i += 1) {
    const body = all[i].trimStart();
    if (body === "" || body.startsWith("#")) continue;
    const indent = all[i].length - body.length;
    if (indent === 0 && /^(---|\.\.\.)(\s|$)/.test(body)) {
      if (lines.length > 0) break; // the end of the first document, which actionlint reads
      continue;
    }
    if (indent === 0 && body.startsWith("%")) continue; // a directive
    lines.push({ line: i + 1, indent, body, tab: all[i].slice(0, indent).includes("\t") });
  }
  return lines;
}

// What follows `name:` on a line that is that key (plain or quoted), else null.
function keyRest(body, name) {
  for (const quote of ["", '"', "'"]) {
    const head = `${quote}${name}${quote}`;
    if (!body.startsWith(head)) continue;
    const after = body.slice(head.length).trimStart();
    if (after.startsWith(":") && (after.length === 1 || /\s/.test(after[1]))) {
      return after.slice(1).trim();
    }
  }
  return null;
}

const BLANK = /^(#.*)?$/; // nothing after the colon but a comment: a block follows
const NULL = /^(~|null|Null|NULL)\s*(#.*)?$/; // YAML's null

function sectionLabels(lines) {
  const top = lines.length > 0 ? lines[0].indent : 0;
  const keys = lines.filter((l) => l.indent === top && keyRest(l.body, "self-hosted-runner") !== null);
  if (keys.length === 0) {
    if (lines.some((l) => /(^|[\s{,"'])self-hosted-runner["']?\s*:/.test(l.body))) {
      refuse("`self-hosted-runner` is not a key of the top-level block mapping");
    }
    return [];
  }
  const key = keys[0];
  if (keys.length > 1) refuse(`\`self-hosted-runner\` is given twice (lines ${key.line} and ${keys[1].line})`);
  const rest = keyRest(key.body, "self-hosted-runner");
  const block = [];
  for (let i = lines.indexOf(key) + 1; i < lines.length && lines[i].indent > top; i += 1) {
    block.push(lines[i]);
  }
  if (BLANK.test(rest)) return block.length === 0 ? [] : labelsIn(block);
  if (block.length === 0 && (NULL.test(rest) || /^\{\s*\}\s*(#.*)?$/.test(rest))) return [];
  refuse(`line ${key.line}: \`self-hosted-runner:\` must be followed by an indented block`);
}

// The labels in the block under `self-hosted-runner:`.
function labelsIn(block) {
  const indent = block[0].indent;
  let labels = null;
  let list = false; // the lines are the `- item`s of the key before, a list at its indentation
  for (let i = 0; i < block.length; i += 1) {
    const line = block[i];
    if (line.indent < indent) refuse(`line ${line.line}: the indentation does not match line ${block[0].line}`);
    if (line.indent > indent) continue; // inside the value of a key
    if (line.tab) refuse(`line ${line.line}: a tab in the indentation`);
    if (isItem(line)) {
      if (!list) refuse(`line ${line.line}: \`self-hosted-runner\` must be a mapping, not a list`);
      continue;
    }
    const key = KEY.exec(line.body);
    if (key === null) refuse(`line ${line.line}: \`self-hosted-runner\` must be a mapping of keys`);
    list = BLANK.test(line.body.slice(key[0].length).trim());
    const rest = keyRest(line.body, "labels");
    if (rest === null) continue; // another key: not read
    if (labels !== null) refuse(`line ${line.line}: \`labels\` is given twice`);
    labels = labelsValue(rest, line, block.slice(i + 1));
  }
  return labels === null ? [] : labels;
}

// A key of a block mapping, plain or quoted, and its colon.
const KEY = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"[\]{},&*!|>%@`-][^#]*?|-[^\s#][^#]*?)\s*:(?=\s|$)/;

function isItem(line) {
  return line.body === "-" || /^-\s/.test(line.body);
}

// The value of `labels:`: a one-line flow list, or the block list on the lines after it.
function labelsValue(rest, key, after) {
  if (rest.startsWith("[")) {
    const { values, end } = flowList(rest, key.line);
    if (!/^\s*(#.*)?$/.test(rest.slice(end))) refuse(`line ${key.line}: text after the list`);
    return values;
  }
  const first = after[0];
  const none = first === undefined || (first.indent <= key.indent && !isItem(first));
  if (NULL.test(rest) && none) return [];
  if (!BLANK.test(rest)) refuse(`line ${key.line}: \`labels\` must be a list of strings`);
  if (none) return [];
  if (!isItem(first)) refuse(`line ${first.line}: \`labels\` must be a list of strings, one \`- label\` a line`);
  const labels = [];
  for (const line of after) {
    if (line.indent === first.indent && isItem(line)) {
      if (line.tab) refuse(`line ${line.line}: a tab in the indentation`);
      const { value, end } = scalar(line.body, line.body.slice(1).search(/\S|$/) + 1, false, line.line);
      if (!/^\s*(#.*)?$/.test(line.body.slice(end))) refuse(`line ${line.line}: text after the label`);
      labels.push(value);
    } else if (line.indent > first.indent) {
      refuse(`line ${line.line}: a label must be one string on its own line`);
    } else if (line.indent > key.indent) {
      refuse(`line ${line.line}: the indentation does not match line ${first.line}`);
    } else {
      break; // the next key
    }
  }
  return labels;
}

function flowList(text, line) {
  const values = [];
  let i = 1;
  for (;;) {
    while (/\s/.test(text[i] || "")) i += 1;
    if (text[i] === "]") return { values, end: i + 1 };
    const { value, end } = scalar(text, i, true, line);
    values.push(value);
    i = end;
    while (/\s/.test(text[i] || "")) i += 1;
    if (text[i] === ",") i += 1;
    else if (text[i] !== "]") refuse(`line ${line}: a flow list must close on the line it opens`);
  }
}

// One plain, 'single-quoted' or "double-quoted" string from text[start]: {value, end}.
function scalar(text, start, flow, line) {
  const first = text[start];
  if (first === "'") {
    let value = "";
    for (let i = start + 1; i < text.length; i += 1) {
      if (text[i] !== "'") {
        value += text[i];
      } else if (text[i + 1] === "'") {
        value += "'"; // '' is a quote
        i += 1;
      } else {
        return { value, end: i + 1 };
      }
    }
    refuse(`line ${line}: a quoted label must end on its line`);
  }
  if (first === '"') {
    let i = start + 1;
    while (i < text.length && text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
    if (i >= text.length) refuse(`line ${line}: a quoted label must end on its line`);
    try {
      return { value: JSON.parse(text.slice(start, i + 1)), end: i + 1 };
    } catch {
      refuse(`line ${line}: an escape in a double-quoted label that the runner does not read`);
    }
  }
  if (first === undefined || /[[\]{}&*!|>%@`#,]/.test(first) || /^[-?:](\s|$)/.test(text.slice(start, start + 2))) {
    if (first === undefined || first === "#") return { value: "", end: start }; // null
    refuse(`line ${line}: a label must be a plain or quoted string`);
  }
  let end = start;
  for (; end < text.length; end += 1) {
    const c = text[end];
    if (c === "#" && /\s/.test(text[end - 1])) break;
    if (flow && /[,[\]{}]/.test(c)) break;
    if (c === ":" && (end + 1 === text.length || /\s/.test(text[end + 1]) || (flow && /[,\]]/.test(text[end + 1])))) {
      refuse(`line ${line}: a label must be a string, not \`key: value\``);
    }
  }
  const value = text.slice(start, end).trimEnd();
  return { value: /^(~|null|Null|NULL)$/.test(value) ? "" : value, end };
}

// A label pattern as actionlint matches it (Go's path.Match): `*` any run of characters but
// `/`, `?` one such character, `[a-z]` `[^a-z]` classes, `\` escapes the next character.
function globOf(pattern) {
  const runes = Array.from(pattern);
  const outside = (c) => c.replace(/[\\^$.*+?()[\]{}|]/g, "\\$&");
  const inside = (c) => c.replace(/[\\\]^[-]/g, "\\$&");
  const bad = () => refuse(`the label ${JSON.stringify(pattern)} is not a valid glob`);
  let i = 0;
  const rune = () => {
    // Go's getEsc: a character of a class, never `-` or `]` unescaped, never the last one
    if (i >= runes.length || runes[i] === "-" || runes[i] === "]") bad();
    if (runes[i] === "\\") i += 1;
    if (i + 1 >= runes.length) bad();
    i += 1;
    return runes[i - 1];
  };
  let source = "";
  while (i < runes.length) {
    const c = runes[i];
    i += 1;
    if (c === "*") source += "[^/]*";
    else if (c === "?") source += "[^/]";
    else if (c === "\\") {
      if (i >= runes.length) bad();
      source += outside(runes[i]);
      i += 1;
    } else if (c === "[") {
      const negated = runes[i] === "^";
      if (negated) i += 1;
      let ranges = "";
      for (let n = 0; !(runes[i] === "]" && n > 0); n += 1) {
        const low = rune();
        let high = low;
        if (runes[i] === "-") {
          i += 1;
          high = rune();
        }
        if (low.codePointAt(0) <= high.codePointAt(0)) ranges += `${inside(low)}-${inside(high)}`;
      }
      i += 1;
      source += `[${negated ? "^" : ""}${ranges}]`;
    } else source += outside(c);
  }
  return new RegExp(`^${source}$`, "u");
}

function selfTest(input) {
  const attempt = (run) => {
    try {
      return run();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      return { refused: error.message };
    }
  };
  return JSON.parse(input).map((item) =>
    typeof item === "string"
      ? attempt(() => ({ labels: labelsOf(item) }))
      : attempt(() => {
          const glob = globOf(item.glob);
          return { labels: item.labels.filter((label) => glob.test(label)) };
        }),
  );
}

module.exports = { ConfigError, readConfig, labelsOf, globOf };

if (require.main === module) {
  process.stdout.write(`${JSON.stringify(selfTest(fs.readFileSync(0, "utf8")))}\n`);
}
