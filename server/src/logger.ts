/**
 * A levelled logger with a pluggable sink. The language server's sink is window/logMessage;
 * the server must never write to stdout, which carries the protocol. Callers log paths,
 * rule ids and counts, never file contents (a file may hold a private key).
 */
export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

const LEVEL_RANK: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

export type LogSink = (level: LogLevel, message: string) => void;

export interface Logger {
  error(message: string, cause?: unknown): void;
  warn(message: string, cause?: unknown): void;
  info(message: string): void;
  debug(message: string): void;
  setLevel(level: LogLevel): void;
}

/** Message and stack of a caught value, following `cause` chains. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const own = error.stack ?? `${error.name}: ${error.message}`;
  return error.cause === undefined ? own : `${own}\nCaused by: ${describeError(error.cause)}`;
}

/** Messages above `level` are dropped before they reach the sink. */
export function createLogger(sink: LogSink, level: LogLevel = 'info'): Logger {
  let threshold = LEVEL_RANK[level];
  const emit = (at: LogLevel, message: string, cause?: unknown): void => {
    if (LEVEL_RANK[at] > threshold) return;
    const text = cause === undefined ? message : `${message}: ${describeError(cause)}`;
    try {
      sink(at, `[${new Date().toISOString()}] ${text}`);
    } catch {
      // A logger that throws would take down the caller it is reporting for.
    }
  };
  return {
    error: (message, cause) => emit('error', message, cause),
    warn: (message, cause) => emit('warn', message, cause),
    info: (message) => emit('info', message),
    debug: (message) => emit('debug', message),
    setLevel: (next) => {
      threshold = LEVEL_RANK[next];
    },
  };
}
