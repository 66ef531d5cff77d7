/**
 * What every `httpd-mtls` subcommand gets: where to print, and the working directory that
 * relative paths on its command line are resolved against. Subcommands return the exit code.
 */
export interface CliStream {
  write(text: string): unknown;
}

export interface CliIo {
  stdout: CliStream;
  stderr: CliStream;
  /** Default: process.cwd(). */
  cwd?: string;
  /** Where `${VAR}` falls back after Defines, as httpd's getenv does. Default: process.env. */
  env?: NodeJS.ProcessEnv;
}

/** One subcommand: its argv after the subcommand name; resolves to the exit code. */
export type Subcommand = (argv: string[], io: CliIo) => Promise<number>;
