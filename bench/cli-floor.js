/**
 * Child process of bench/cli.ts: the parse floor the CLI is measured against. Reads every file under a directory and
 * parses it with the YAML package the CLI uses, with the CloudFormation short forms as custom tags (so that `!Ref`
 * parses instead of warning). Plain Node on the compiled lib/.
 *
 *   node bench/cli-floor.js <dir>
 */
const fs = require('fs');
const path = require('path');
const YAML = require('yaml');
const { CLOUDFORMATION_TAGS } = require('../lib/template/tags');

function walk(dir, out) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

let parsed = 0;
for (const file of walk(process.argv[2], [])) {
  const value = YAML.parse(fs.readFileSync(file, 'utf8'), { customTags: CLOUDFORMATION_TAGS });
  if (typeof value === 'object' && value !== null) parsed++;
}
process.stdout.write(`${JSON.stringify({ parsed })}\n`);
