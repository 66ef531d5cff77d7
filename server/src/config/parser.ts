/**
 * Per-file syntax tree of an httpd config, read with Apache 2.4's own rules
 * (server/config.c `ap_build_config`, `ap_build_config_sub`; server/util.c `ap_cfg_getline`,
 * `ap_getword_conf`). Ranges are 0-based LSP ranges with UTF-16 columns. Never throws; time
 * and stack use are linear in the input (sections are nested with an explicit stack).
 *
 * What Apache accepts and this parser therefore does not flag:
 * - an unterminated quote (the word runs to the end of the line);
 * - text after a closing tag (`</VirtualHost> </IfModule>` closes only the VirtualHost);
 * - text after the last `>` of an opening tag;
 * - an opening tag with no arguments and no `>` (`<Else`);
 * - a conditional section (`<IfModule>`, `<IfDefine>`, `<IfFile>`, `<IfDirective>`,
 *   `<IfSection>`) left open at the end of its file, and anything open inside it: httpd
 *   reads a true one to end of file silently. A false one is an error, which the loader
 *   reports because only it knows the condition.
 */
import { range, type Finding, type Range } from '../findings';
import { endPositionAt, positionAt, splitLogicalLines, type LogicalLine } from './logical-lines';
import type { ConfigNode, DirectiveNode, ParsedFile, SectionNode, Word } from './types';
import { readWord, readWords, type RawWord } from './words';

/** Lowercase names of the sections httpd evaluates while reading (EXEC_ON_READ). */
export const CONDITIONAL_SECTIONS: ReadonlySet<string> = new Set([
  'ifmodule',
  'ifdefine',
  'iffile',
  'ifdirective',
  'ifsection',
]);

interface OpenSection {
  node: SectionNode;
  /** Where the section's children go (the parent's children, or the file's nodes). */
  siblings: ConfigNode[];
}

class FileParser {
  readonly nodes: ConfigNode[] = [];
  readonly findings: Finding[] = [];
  private readonly open: OpenSection[] = [];

  constructor(private readonly file: string) {}

  parse(text: string): void {
    for (const logical of splitLogicalLines(text)) this.parseLine(logical);
    this.closeAtEndOfFile();
  }

  private parseLine(logical: LogicalLine): void {
    const first = readWord(logical.text, 0, logical.text.length);
    if (first === null || logical.text[first.start] === '#') return;

    if (first.value.startsWith('</')) this.closeSection(logical, first);
    else if (first.value.startsWith('<')) this.openSection(logical, first);
    else this.addDirective(logical, first);
  }

  private addDirective(logical: LogicalLine, first: RawWord): void {
    const args = readWords(logical.text, first.end, logical.text.length).map((word) =>
      toWord(logical, word),
    );
    const nameRange = wordRange(logical, first.start, first.end);
    const end = args.length > 0 ? args[args.length - 1].range.end : nameRange.end;
    const node: DirectiveNode = {
      kind: 'directive',
      name: first.value,
      nameRange,
      args,
      range: { start: nameRange.start, end },
      file: this.file,
    };
    this.siblings().push(node);
  }

  private openSection(logical: LogicalLine, first: RawWord): void {
    const text = logical.text;
    const tagEndsWord = first.value.endsWith('>') && first.value.length > 1;
    const name = tagEndsWord ? first.value.slice(1, -1) : first.value.slice(1);
    const nameStart = first.start + 1;
    const nameRange = wordRange(logical, nameStart, nameStart + name.length);

    // httpd hands the raw rest of the line to the section handler, which cuts it at the
    // last '>' and drops whatever follows.
    const rest = readWord(text, first.end, text.length);
    let argsEnd = text.length;
    let openEnd = first.end;
    let missingBracket = false;
    if (rest !== null) {
      const bracket = text.lastIndexOf('>');
      if (bracket >= rest.start) {
        argsEnd = bracket;
        openEnd = bracket + 1;
      } else {
        missingBracket = true;
      }
    }
    const args = readWords(text, first.end, argsEnd).map((word) => toWord(logical, word));
    const openRange = wordRange(logical, first.start, openEnd);
    if (missingBracket) {
      openRange.end = args[args.length - 1]?.range.end ?? openRange.end;
      this.report(openRange, `<${name}> directive missing closing '>'`);
    }

    const node: SectionNode = {
      kind: 'section',
      name,
      nameRange,
      args,
      openRange,
      closeRange: null,
      children: [],
      range: { start: openRange.start, end: openRange.end },
      file: this.file,
    };
    this.siblings().push(node);
    this.open.push({ node, siblings: node.children });
  }

  private closeSection(logical: LogicalLine, first: RawWord): void {
    const tagRange = wordRange(logical, first.start, first.end);
    const hasBracket = first.value.endsWith('>');
    const name = hasBracket ? first.value.slice(2, -1) : first.value.slice(2);
    const top = this.open[this.open.length - 1];

    if (top === undefined) {
      this.report(tagRange, `</${name}> without matching <${name}> section`);
      return;
    }
    if (!hasBracket) this.report(tagRange, `</${name}> directive missing closing '>'`);

    const lower = name.toLowerCase();
    if (top.node.name.toLowerCase() === lower) {
      this.finish(this.open.pop() as OpenSection, tagRange);
      return;
    }

    this.report(tagRange, `Expected </${top.node.name}> but saw </${name}>`);
    // Recovery for the editor: close up to a matching outer section, if there is one.
    const depth = this.findOpen(lower);
    if (depth < 0) return;
    while (this.open.length > depth + 1) this.finish(this.open.pop() as OpenSection, null);
    this.finish(this.open.pop() as OpenSection, tagRange);
  }

  private findOpen(lowerName: string): number {
    for (let index = this.open.length - 1; index >= 0; index--) {
      if (this.open[index].node.name.toLowerCase() === lowerName) return index;
    }
    return -1;
  }

  private finish(section: OpenSection, closeRange: Range | null): void {
    const node = section.node;
    node.closeRange = closeRange;
    const lastChild = node.children[node.children.length - 1];
    const end = closeRange?.end ?? lastChild?.range.end ?? node.openRange.end;
    node.range = { start: node.openRange.start, end };
  }

  private closeAtEndOfFile(): void {
    let insideConditional = false;
    for (const section of this.open) {
      insideConditional ||= CONDITIONAL_SECTIONS.has(section.node.name.toLowerCase());
      if (insideConditional) continue;
      this.report(section.node.openRange, `<${section.node.name}> was not closed.`);
    }
    while (this.open.length > 0) this.finish(this.open.pop() as OpenSection, null);
  }

  private siblings(): ConfigNode[] {
    const top = this.open[this.open.length - 1];
    return top === undefined ? this.nodes : top.siblings;
  }

  private report(at: Range, message: string): void {
    this.findings.push({ rule: 'syntax', file: this.file, range: at, message });
  }
}

function wordRange(logical: LogicalLine, start: number, end: number): Range {
  const from = positionAt(logical, start);
  const to = end > start ? endPositionAt(logical, end) : from;
  return range(from.line, from.character, to.line, to.character);
}

function toWord(logical: LogicalLine, word: RawWord): Word {
  return {
    value: word.value,
    raw: logical.text.slice(word.start, word.end),
    range: wordRange(logical, word.start, word.end),
    quoted: word.quoted,
  };
}

/**
 * Parses one file's text. `Word.raw` is the source text with continuations joined (the
 * backslash and line break removed); `Word.value` has quotes and escapes resolved but no
 * `${VAR}` substituted (that is the loader's job, as it depends on earlier Defines).
 */
export function parseConfig(text: string, file: string): ParsedFile {
  const parser = new FileParser(file);
  try {
    parser.parse(text);
  } catch (error) {
    // Defensive: a parser bug must not take the language server down.
    const cause = error instanceof Error ? error.message : String(error);
    const message = `Internal parser error: ${cause}`;
    parser.findings.push({ rule: 'syntax', file, range: range(0, 0, 0, 0), message });
  }
  return { file, nodes: parser.nodes, findings: parser.findings };
}
