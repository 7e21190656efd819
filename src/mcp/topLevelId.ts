const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
/** An id longer than this is not worth recovering (JSON-RPC ids are short strings or numbers). */
const MAX_ID_BYTES = 512;

/**
 * Finds the `id` of a JSON-RPC message too large to keep, as its bytes stream past: the `id` key of the
 * top-level object only (an `id` inside `params` is not it), whatever comes before or after, in constant
 * memory. Tolerates whatever it is fed: on malformed JSON the id is simply not found (null).
 */
export class TopLevelIdScanner {
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** Inside the top-level object, where the next string is a key. */
  private keyNext = false;
  /** What the current string is being captured as. */
  private capturing: 'key' | 'value' | undefined;
  private key: number[] = [];
  private idValueNext = false;
  /** The raw bytes of the top-level `id` value while it is read; undefined otherwise. */
  private raw: number[] | undefined;
  private found: string | number | null = null;

  /** The id seen so far (the last `id` key wins, as with JSON.parse), or null. */
  get id(): string | number | null {
    return this.found;
  }

  feed(bytes: Uint8Array): void {
    for (let i = 0; i < bytes.length; i++) this.byte(bytes[i]);
  }

  private byte(b: number): void {
    if (this.inString) {
      if (this.escaped) this.escaped = false;
      else if (b === BACKSLASH) this.escaped = true;
      else if (b === QUOTE) this.endString();
      this.capture(b);
      return;
    }
    switch (b) {
      case QUOTE:
        this.inString = true;
        if (this.depth === 1 && this.keyNext) {
          this.capturing = 'key';
          this.key = [];
          this.keyNext = false;
        } else if (this.raw !== undefined) {
          this.capturing = 'value';
          this.capture(b);
        }
        return;
      case OPEN_OBJECT:
      case OPEN_ARRAY:
        if (this.depth === 1) this.raw = undefined; // an object or array is no id
        this.depth++;
        if (this.depth === 1) this.keyNext = b === OPEN_OBJECT;
        return;
      case CLOSE_OBJECT:
      case CLOSE_ARRAY:
        if (this.depth === 1) this.endValue();
        this.depth = Math.max(0, this.depth - 1);
        return;
      case COMMA:
        if (this.depth === 1) {
          this.endValue();
          this.keyNext = true;
        }
        return;
      case COLON:
        if (this.depth === 1 && this.idValueNext) {
          this.raw = [];
          this.idValueNext = false;
        }
        return;
      default:
        if (this.depth === 1) this.capture(b);
    }
  }

  private capture(b: number): void {
    if (this.capturing === 'key') {
      if (this.inString && this.key.length <= 2) this.key.push(b);
      return;
    }
    if (this.raw === undefined) return;
    if (this.raw.length >= MAX_ID_BYTES) this.raw = undefined;
    else this.raw.push(b);
  }

  private endString(): void {
    this.inString = false;
    if (this.capturing === 'key')
      this.idValueNext = this.key.length === 2 && this.key[0] === 0x69 && this.key[1] === 0x64; // "id"
    this.capturing = undefined;
  }

  private endValue(): void {
    if (this.raw === undefined) return;
    try {
      const v: unknown = JSON.parse(Buffer.from(this.raw).toString('utf8'));
      if (typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v))) this.found = v;
    } catch {
      // Not a valid id.
    }
    this.raw = undefined;
  }
}
