// Validates a CycloneDX 1.6 JSON document with the npm CycloneDX library's
// strict validator (unknown fields are errors).
//   node tests/validate/cyclonedx-strict.mjs FILE
// Exit 0 valid, 1 invalid (the errors are printed), 3 the library (or its
// optional ajv dependencies) is missing: scripts/setup.sh installs them
// globally, so they are looked up in npm's global folder as well.
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
let lib;
try {
  lib = require('@cyclonedx/cyclonedx-library');
} catch {
  try {
    const root = execFileSync('npm', ['root', '-g'], { encoding: 'utf8' }).trim();
    lib = require(join(root, '@cyclonedx/cyclonedx-library'));
  } catch (e) {
    console.log(`@cyclonedx/cyclonedx-library is not installed (${e.message.split('\n')[0]})`);
    process.exit(3);
  }
}
const { Spec, Validation } = lib;
const validator = new Validation.JsonStrictValidator(Spec.Version.v1dot6);
try {
  const errors = await validator.validate(readFileSync(process.argv[2], 'utf8'));
  if (errors === null) {
    process.exit(0);
  }
  console.log(JSON.stringify(errors).slice(0, 2000));
  process.exit(1);
} catch (e) {
  if (e instanceof Validation.MissingOptionalDependencyError) {
    console.log(`a validator dependency is missing: ${e.message}`);
    process.exit(3);
  }
  throw e;
}
