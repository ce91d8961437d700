/**
 * JSON numbers as they were written (issue 12). `JSON.parse` turns `100.0000000000000001`,
 * `1e2` and `100.00` alike into the double 100, so an amount judged after parsing cannot tell a
 * whole number from one whose digits went past double precision. `parseJsonWithNumberText`
 * parses as `JSON.parse` does (same value, same errors) and also keeps the source text of every
 * number by its path, so money can be judged by its digits (see `parseMpesaAmount`).
 */

export type JsonPath = readonly (string | number)[];

export interface JsonWithNumberText {
  value: unknown;
  /** The number's source text at `path` (array indices as numbers), or undefined when no number was written there. */
  numberText(path: JsonPath): string | undefined;
}

const number_token = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** Throws what `JSON.parse` throws for text that is not JSON. */
export function parseJsonWithNumberText(text: string): JsonWithNumberText {
  const value: unknown = JSON.parse(text);
  const texts = numberTexts(text);
  return {
    value,
    numberText: (path) => texts.get(JSON.stringify(path)),
  };
}

interface Frame {
  array: boolean;
  /** The key (object) or index (array) of the value being read in this container. */
  key: string | number;
  expecting_key: boolean;
}

/**
 * Walks text that `JSON.parse` accepted, keeping each number's text under its path. Iterative, so
 * deep nesting cannot overflow the stack. A repeated key keeps the last number written under it,
 * as `JSON.parse` keeps the last value (callers read a text only where the value is a number).
 */
function numberTexts(text: string): Map<string, string> {
  const found = new Map<string, string>();
  const stack: Frame[] = [];
  let at = 0;
  while (at < text.length) {
    const char = text[at] as string;
    const top = stack[stack.length - 1];
    if (char === '{' || char === '[') {
      stack.push({ array: char === '[', key: char === '[' ? 0 : '', expecting_key: char === '{' });
      at += 1;
    } else if (char === '}' || char === ']') {
      stack.pop();
      at += 1;
    } else if (char === ',') {
      if (top?.array) top.key = (top.key as number) + 1;
      else if (top) top.expecting_key = true;
      at += 1;
    } else if (char === '"') {
      const end = stringEnd(text, at);
      if (top && !top.array && top.expecting_key) {
        top.key = JSON.parse(text.slice(at, end)) as string;
        top.expecting_key = false;
      }
      at = end;
    } else if (char === '-' || (char >= '0' && char <= '9')) {
      number_token.lastIndex = at;
      const token = number_token.exec(text)?.[0] ?? char;
      found.set(JSON.stringify(stack.map((frame) => frame.key)), token);
      at += token.length;
    } else {
      // Whitespace, ':' and the letters of true, false and null.
      at += 1;
    }
  }
  return found;
}

/** The index just past the closing quote of the string starting at `start`. */
function stringEnd(text: string, start: number): number {
  let at = start + 1;
  while (at < text.length) {
    const char = text[at];
    if (char === '\\') at += 2;
    else if (char === '"') return at + 1;
    else at += 1;
  }
  return at;
}
