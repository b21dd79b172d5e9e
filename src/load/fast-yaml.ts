import {
  boolCoreTag,
  COLLECTION_STYLE,
  constructFromEvents,
  defineScalarTag,
  EVENT_ID,
  getScalarValue,
  mapTag,
  NOT_RESOLVED,
  nullCoreTag,
  parseEvents,
  SCALAR_STYLE,
  Schema,
  seqTag,
  strTag,
  type Event,
  type ScalarEvent,
} from 'js-yaml';

/**
 * The fast path of the loader: js-yaml reads a document several times faster
 * than the position-keeping parser (parse-yaml.ts), and keeps no positions.
 * It answers only for documents where both read the same values and report
 * the same problems — plain block and flow mappings, sequences and scalars.
 * For anything else (a syntax error, anchors, aliases, tags, directives,
 * several documents, keys that are not plain strings, flow collections over
 * several lines, tabs and unusual characters, numbers JSON cannot hold) it
 * answers undefined and the file goes through the full parser, which is the
 * reference: tests/fast-path.test.ts compares both over every fixture.
 */
export function fastParseYaml(text: string): { data: unknown } | undefined {
  if (UNUSUAL.test(text)) return undefined;
  let events: Event[];
  try {
    events = parseEvents(text, {});
  } catch {
    return undefined;
  }
  if (!plainDocument(text, events)) return undefined;
  unsafeNumber = false;
  let documents: unknown[];
  try {
    documents = constructFromEvents(events, { source: text, schema: SCHEMA });
  } catch {
    return undefined; // a duplicate key, for one: the full parser reports it with its position
  }
  return unsafeNumber ? undefined : { data: documents[0] };
}

// Tabs (indentation rules differ in edge cases), control and line-separator
// characters, a byte-order mark, and a carriage return that does not end a line.
const UNUSUAL = /[\0-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]|\r(?!\n)/;

/*
 * Plain scalars resolve as the YAML 1.2 core schema of the `yaml` package
 * (yaml/dist/schema/core) does, tag for tag: js-yaml's own core tags differ
 * for numbers too large to be finite. NaN, infinities and -0 do not survive
 * JSON (the parse cache), so a document holding one takes the full path.
 */
const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT = /^[-+]?[0-9]+$/;
const INT_OCT = /^0o[0-7]+$/;
const INT_HEX = /^0x[0-9a-fA-F]+$/;
const FLOAT_NAN = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;

let unsafeNumber = false;

function number(value: number): number {
  if (!Number.isFinite(value) || Object.is(value, -0)) unsafeNumber = true;
  return value;
}

const DIGITS = [...'0123456789'];
const intTag = defineScalarTag('tag:yaml.org,2002:int', {
  implicit: true,
  implicitFirstChars: ['-', '+', ...DIGITS],
  resolve: (s) => (isInt(s) ? number(s[1] === 'o' ? parseInt(s.slice(2), 8) : s[1] === 'x' ? parseInt(s.slice(2), 16) : parseInt(s, 10)) : NOT_RESOLVED),
  identify: () => false,
});
const floatTag = defineScalarTag('tag:yaml.org,2002:float', {
  implicit: true,
  implicitFirstChars: ['-', '+', '.', ...DIGITS],
  // .inf and .nan are flagged like other numbers JSON cannot hold: the full parser reads them.
  resolve: (s) => (FLOAT.test(s) || FLOAT_EXP.test(s) ? number(parseFloat(s)) : FLOAT_NAN.test(s) ? number(NaN) : NOT_RESOLVED),
  identify: () => false,
});
const SCHEMA = new Schema([strTag, seqTag, mapTag, nullCoreTag, boolCoreTag, intTag, floatTag]);

// The second character picks the one integer form a scalar can have (0o17, 0x1F, 42).
const isInt = (s: string) => (s[1] === 'o' ? INT_OCT.test(s) : s[1] === 'x' ? INT_HEX.test(s) : INT.test(s));

/** A plain scalar the core schema reads as something other than a string. */
function notAString(plain: string): boolean {
  const c = plain[0];
  // Most keys start with a letter no null, boolean or number starts with.
  if (c !== undefined && /[a-zA-Z_]/.test(c) && !'nNtTfF'.includes(c)) return false;
  return NULL.test(plain) || BOOL.test(plain) || isInt(plain) || FLOAT.test(plain) || FLOAT_EXP.test(plain) || FLOAT_NAN.test(plain);
}

/** The longest implicit key the full parser takes. */
const MAX_KEY = 1024;

interface Frame {
  mapping: boolean;
  /** Inside a flow collection: its line was checked where it opened. */
  flow: boolean;
  /** For a mapping: the next node is a key. */
  atKey: boolean;
}

/** One document of mappings, sequences and scalars whose keys are plain strings: nothing the two parsers treat apart. */
function plainDocument(text: string, events: readonly Event[]): boolean {
  let documents = 0;
  const stack: Frame[] = [];
  for (const event of events) {
    const top = stack.at(-1);
    switch (event.type) {
      case EVENT_ID.DOCUMENT:
        if (++documents > 1 || event.directives.length > 0 || event.explicitStart || event.explicitEnd) return false;
        stack.push({ mapping: false, flow: false, atKey: false });
        break;
      case EVENT_ID.ALIAS:
        return false;
      case EVENT_ID.SCALAR:
        if (event.anchorStart !== -1 || event.tagStart !== -1) return false;
        if (top?.mapping) {
          if (top.atKey && !stringKey(text, event)) return false;
          top.atKey = !top.atKey;
        }
        break;
      case EVENT_ID.SEQUENCE:
      case EVENT_ID.MAPPING: {
        if (event.anchorStart !== -1 || event.tagStart !== -1) return false;
        if (top?.mapping && top.atKey) return false; // a collection as a key
        const flow = event.style === COLLECTION_STYLE.FLOW;
        // The full parser warns about a flow collection over several lines that is not indented enough.
        if (flow && !top?.flow && !flowEndsOnItsLine(text, event.start)) return false;
        stack.push({ mapping: event.type === EVENT_ID.MAPPING, flow, atKey: true });
        break;
      }
      case EVENT_ID.POP: {
        stack.pop();
        const parent = stack.at(-1);
        if (parent?.mapping) parent.atKey = !parent.atKey;
        break;
      }
    }
  }
  return documents === 1;
}

/** A key both parsers read as the same string: a plain one the core schema leaves a string, or a quoted one, on one line after no `?`. */
function stringKey(text: string, key: ScalarEvent): boolean {
  if (key.valueStart === -1 || key.valueEnd - key.valueStart > MAX_KEY) return false;
  const newline = text.indexOf('\n', key.valueStart);
  if (newline !== -1 && newline < key.valueEnd) return false;
  const value = getScalarValue(text, key);
  if (value === '<<' || value === '__proto__') return false;
  if (key.style === SCALAR_STYLE.PLAIN && notAString(value)) return false;
  if (key.style !== SCALAR_STYLE.PLAIN && key.style !== SCALAR_STYLE.SINGLE_QUOTED && key.style !== SCALAR_STYLE.DOUBLE_QUOTED) return false;
  // An explicit key (`? key`): rare in records, and its rules are the subtle ones.
  let i = key.valueStart - 1;
  if (key.style !== SCALAR_STYLE.PLAIN) i--; // the opening quote
  while (i >= 0 && text[i] === ' ') i--;
  return text[i] !== '?';
}

/**
 * Whether the flow collection opening at `start` closes on the same line.
 * Quoted runs are skipped; a quote inside a plain word or a comment ends the
 * scan early, which only sends the file to the full parser.
 */
function flowEndsOnItsLine(text: string, start: number): boolean {
  let depth = 0;
  let quote = '';
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '\n' || c === '\r') return false;
    if (quote === '"') {
      if (c === '\\' && (text[i + 1] === '\n' || text[i + 1] === '\r')) return false;
      if (c === '\\') i++;
      else if (c === '"') quote = '';
    } else if (quote === "'") {
      if (c === "'" && text[i + 1] === "'") i++;
      else if (c === "'") quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && text[i - 1] === ' ') return false;
    else if (c === '[' || c === '{') depth++;
    else if ((c === ']' || c === '}') && --depth === 0) return true;
  }
  return false;
}
