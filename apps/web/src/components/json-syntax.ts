/**
 * JSON syntax checks and tokens for the JSON editor, on top of jsonc-parser's scanner and parser
 * (strict JSON: no comments, no trailing commas).
 */
import { createScanner, parse, printParseErrorCode, type ParseError } from "jsonc-parser";

export type JsonSyntaxError = {
  message: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  offset: number;
  length: number;
};

export type JsonTokenKind = "key" | "string" | "number" | "keyword" | "punctuation" | "comment" | "text";
export type JsonToken = { kind: JsonTokenKind; text: string; offset: number };

const MESSAGES: Partial<Record<ReturnType<typeof printParseErrorCode>, string>> = {
  InvalidSymbol: "unexpected character",
  InvalidNumberFormat: "invalid number",
  PropertyNameExpected: "property name expected (in double quotes), or a trailing comma to remove",
  ValueExpected: "value expected, or a trailing comma to remove",
  ColonExpected: '":" expected',
  CommaExpected: '"," expected',
  CloseBraceExpected: '"}" expected',
  CloseBracketExpected: '"]" expected',
  EndOfFileExpected: "unexpected content after the end of the document",
  InvalidCommentToken: "comments are not allowed in JSON",
  UnexpectedEndOfComment: "unterminated comment",
  UnexpectedEndOfString: "unterminated string",
  UnexpectedEndOfNumber: "incomplete number",
  InvalidUnicode: "invalid unicode escape",
  InvalidEscapeCharacter: "invalid escape character",
  InvalidCharacter: "invalid character in string (control characters must be escaped)",
};

// jsonc-parser's SyntaxKind is a `const enum`, which `verbatimModuleSyntax` cannot inline;
// these are its published values.
const KIND = {
  OpenBrace: 1,
  CloseBrace: 2,
  OpenBracket: 3,
  CloseBracket: 4,
  Comma: 5,
  Colon: 6,
  Null: 7,
  True: 8,
  False: 9,
  String: 10,
  Number: 11,
  LineComment: 12,
  BlockComment: 13,
  LineBreak: 14,
  Trivia: 15,
  EOF: 17,
} as const;

/** 1-based line and column of `offset` in `text`. */
export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === "\n") {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** The first syntax error of `text` as strict JSON, or null when it parses (empty text is an error). */
export function findJsonSyntaxError(text: string): JsonSyntaxError | null {
  if (text.trim() === "") {
    return { message: "empty document", line: 1, column: 1, offset: 0, length: 0 };
  }
  const errors: ParseError[] = [];
  parse(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  if (!first) return null;
  return {
    message: MESSAGES[printParseErrorCode(first.error)] ?? "syntax error",
    ...lineColumnAt(text, first.offset),
    offset: first.offset,
    length: first.length,
  };
}

const PUNCTUATION = new Set<number>([
  KIND.OpenBrace,
  KIND.CloseBrace,
  KIND.OpenBracket,
  KIND.CloseBracket,
  KIND.Colon,
  KIND.Comma,
]);

function kindOf(kind: number): JsonTokenKind {
  if (kind === KIND.String) return "string";
  if (kind === KIND.Number) return "number";
  if (kind === KIND.True || kind === KIND.False || kind === KIND.Null) return "keyword";
  if (kind === KIND.LineComment || kind === KIND.BlockComment) return "comment";
  if (PUNCTUATION.has(kind)) return "punctuation";
  return "text";
}

/** Tokens covering all of `text` (whitespace included), strings before a colon marked as keys. */
export function tokenizeJson(text: string): JsonToken[] {
  const scanner = createScanner(text, false);
  const tokens: (JsonToken & { syntax: number })[] = [];
  for (let kind: number = scanner.scan(); kind !== KIND.EOF; kind = scanner.scan()) {
    const offset = scanner.getTokenOffset();
    tokens.push({
      kind: kindOf(kind),
      syntax: kind,
      offset,
      text: text.slice(offset, offset + scanner.getTokenLength()),
    });
  }
  // Walk backwards so each string knows the next significant token (a colon makes it a key).
  const result: JsonToken[] = [];
  let nextSignificant: number | null = null;
  for (let i = tokens.length - 1; i >= 0; i--) {
    const { syntax, ...token } = tokens[i]!;
    const isKey = token.kind === "string" && nextSignificant === KIND.Colon;
    result.push(isKey ? { ...token, kind: "key" } : token);
    if (syntax !== KIND.Trivia && syntax !== KIND.LineBreak) nextSignificant = syntax;
  }
  return result.reverse();
}
