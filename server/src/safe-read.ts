/**
 * Reading a file a config, a project file or a command names, the way httpd opens config
 * files: regular files only (plus /dev/null, which reads empty). A FIFO would block the
 * language server forever and /dev/zero would exhaust its memory, so neither is opened; a
 * regular file larger than MAX_TEXT_BYTES is refused too.
 */
import * as fs from 'node:fs';

/** Far above any real config, certificate bundle or project file. */
export const MAX_TEXT_BYTES = 256 * 1024 * 1024;

/** UTF-8 text of a regular file, or the reason it is not read (never throws). */
export function readRegularText(file: string): string | Error {
  if (file === '/dev/null') return '';
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) return new Error('not a regular file');
    if (stat.size > MAX_TEXT_BYTES) return new Error(`larger than ${MAX_TEXT_BYTES} bytes`);
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/** The same, with undefined for any file that cannot be read. */
export function readRegularTextOrNothing(file: string): string | undefined {
  const text = readRegularText(file);
  return typeof text === 'string' ? text : undefined;
}
