import { main } from './cli.js';

main(process.argv.slice(2), process.env).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`plexus-chatops stopped: ${(e as Error).message}\n`);
    process.exitCode = 1;
  },
);
