export interface ApiResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON, the text when it is not JSON, undefined when empty. */
  body: unknown;
}

export interface SendOptions {
  /** An object is sent as JSON; a string or bytes are sent as they are. */
  body?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

/** Real HTTP to a running API process, with its bearer token. */
export class ApiClient {
  constructor(
    readonly url: string,
    private readonly token: string,
  ) {}

  async send(method: string, path: string, options: SendOptions = {}): Promise<ApiResponse> {
    const { body, timeoutMs = 10_000 } = options;
    const raw = typeof body === 'string' || body instanceof Uint8Array;
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}`, ...options.headers };
    if (body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : raw ? (body as string | Uint8Array) : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: parse(text) };
  }

  post(path: string, body?: unknown): Promise<ApiResponse> {
    return this.send('POST', path, { body });
  }

  put(path: string, body?: unknown): Promise<ApiResponse> {
    return this.send('PUT', path, { body });
  }

  get(path: string): Promise<ApiResponse> {
    return this.send('GET', path);
  }
}

function parse(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
