/**
 * Python exceptions raised from TypeScript. The server turns any of these into
 * pyrogue v6.12+'s reply `builtins.Exception("<module>.<qualname>: <message>")`.
 */
export class PyError extends Error {
  constructor(
    /** Python module of the exception class, e.g. 'builtins', 'pyrogue._Variable'. */
    public readonly pyModule: string,
    /** Qualified class name, e.g. 'TypeError', 'VariableError'. */
    public readonly pyName: string,
    message: string,
  ) {
    super(message);
    this.name = pyName;
  }
  /** "module.qualname", as pyrogue prefixes the message. */
  get pyType(): string {
    return `${this.pyModule}.${this.pyName}`;
  }
  /** The text pyrogue's ZmqServer sends: "builtins.TypeError: message". */
  get wireText(): string {
    return `${this.pyType}: ${this.message}`;
  }
}

// One named class each (an anonymous class factory left `constructor.name` empty in messages and .d.ts).
/** Python's `TypeError`. */
export class PyTypeError extends PyError {
  constructor(message: string) {
    super('builtins', 'TypeError', message);
  }
}
/** Python's `ValueError`. */
export class PyValueError extends PyError {
  constructor(message: string) {
    super('builtins', 'ValueError', message);
  }
}
/** Python's `AttributeError`. */
export class PyAttributeError extends PyError {
  constructor(message: string) {
    super('builtins', 'AttributeError', message);
  }
}
/** Python's `KeyError`. */
export class PyKeyError extends PyError {
  constructor(message: string) {
    super('builtins', 'KeyError', message);
  }
}
/** Python's `IndexError`. */
export class PyIndexError extends PyError {
  constructor(message: string) {
    super('builtins', 'IndexError', message);
  }
}
/** Python's `RuntimeError`. */
export class PyRuntimeError extends PyError {
  constructor(message: string) {
    super('builtins', 'RuntimeError', message);
  }
}
/** Python's `Exception`. */
export class PyException extends PyError {
  constructor(message: string) {
    super('builtins', 'Exception', message);
  }
}

/** Python's pickle decode failure (`_pickle.UnpicklingError`). */
export class UnpicklingError extends PyError {
  constructor(message: string) {
    super('_pickle', 'UnpicklingError', message);
  }
}

/** Python's `pickle.PicklingError` (a value that cannot be pickled). */
export class PicklingError extends PyError {
  constructor(message: string) {
    super('_pickle', 'PicklingError', message);
  }
}

/**
 * The text of any thrown value as pyrogue would report it. A JS Error that is
 * not a PyError reports as a Python Exception with its message.
 */
export function wireText(e: unknown): string {
  if (e instanceof PyError) return e.wireText;
  if (e instanceof Error) return `builtins.Exception: ${e.message}`;
  return `builtins.Exception: ${String(e)}`;
}
