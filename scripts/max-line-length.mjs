// Biome's formatter wraps code at 140 columns but cannot wrap a long string or comment; this catches those.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const LIMIT = 140;
const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.ts', '*.mjs', '*.js'], { encoding: 'utf8' })
  .split('\n')
  .filter((f) => f && !f.startsWith('test/fixtures/'));
let long = 0;
for (const file of files) {
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if ([...line].length > LIMIT) {
        long++;
        console.log(`${file}:${i + 1}: ${[...line].length} characters (at most ${LIMIT})`);
      }
    });
}
if (long > 0) process.exitCode = 1;
