/**
 * The `httpd-mtls` command (bin, bundled as dist/cli.js). A small dispatch table: each
 * subcommand lives in its own `cli-<name>.ts` and returns its exit code (0 clean, 1 findings
 * at/above --fail-on, 2 usage or I/O error).
 */
import { version } from '../../package.json';
import { runCheck } from './cli-check';
import { runGenerate } from './cli-generate';
import { runVerify } from './cli-verify';
import type { CliIo, Subcommand } from './cli-io';

/** Subcommand name -> handler and one-line summary for --help. */
export const SUBCOMMANDS: Record<string, { run: Subcommand; summary: string }> = {
  check: { run: runCheck, summary: 'check configs against the certificate files they name' },
  verify: { run: runVerify, summary: 'the Verify mTLS chain report' },
  generate: { run: runGenerate, summary: 'generate mTLS certificates' },
};

export const USAGE = `Usage: httpd-mtls <command> [options]

Commands:
${Object.entries(SUBCOMMANDS)
  .map(([name, { summary }]) => `  ${name.padEnd(10)}${summary}`)
  .join('\n')}

Options:
  -h, --help     this help (also: httpd-mtls <command> --help)
  -v, --version  print the version
`;

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    (first === undefined ? io.stderr : io.stdout).write(USAGE);
    return first === undefined ? 2 : 0;
  }
  if (first === '--version' || first === '-v') {
    io.stdout.write(`${version}\n`);
    return 0;
  }
  const subcommand = Object.hasOwn(SUBCOMMANDS, first) ? SUBCOMMANDS[first] : undefined;
  if (subcommand === undefined) {
    io.stderr.write(`httpd-mtls: unknown command "${first}"\n\n${USAGE}`);
    return 2;
  }
  return subcommand.run(rest, io);
}

// Only when run as the bin, so tests and other entry points can import `main`.
if (require.main === module) {
  // A reader that closes early (`| head`) is not an error of ours: stop quietly.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw error;
    });
  }
  main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`httpd-mtls: internal error: ${String(error)}\n`);
      process.exitCode = 2;
    },
  );
}
