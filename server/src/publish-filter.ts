/**
 * Which diagnostics to send again. A re-check at 1,000 vhosts used to publish every config
 * file of the tree although one vhost changed; the client keeps what it was last sent, so a
 * file whose list is the same as the last one sent needs no notification.
 */
import type { Diagnostic } from 'vscode-languageserver';

export class PublishFilter {
  /** Target URI -> the JSON of the list last sent for it. */
  private readonly sent = new Map<string, string>();

  /**
   * True when `diagnostics` differ from what was last sent for `uri`, or when `force` is set
   * (a first check after open, a close, the checked document itself). Records the list as
   * sent whenever it answers true.
   */
  shouldSend(uri: string, diagnostics: Diagnostic[], force: boolean): boolean {
    const text = JSON.stringify(diagnostics);
    if (!force && this.sent.get(uri) === text) return false;
    this.sent.set(uri, text);
    return true;
  }
}
