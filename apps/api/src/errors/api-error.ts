/** An error with the HTTP status it answers with and a stable code clients can branch on. */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const notFound = (code: string, message: string) => new ApiError(404, code, message);
export const conflict = (code: string, message: string, headers?: Record<string, string>) =>
  new ApiError(409, code, message, headers);
