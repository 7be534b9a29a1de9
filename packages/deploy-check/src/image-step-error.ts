/** One of the image's build or run steps failed; the message names the step and ends with its output. */
export class ImageStepError extends Error {
  readonly code = 'IMAGE_STEP_FAILED';
  override readonly name = 'ImageStepError';

  constructor(
    readonly app: string,
    readonly step: string,
    detail: string,
    readonly output: string,
  ) {
    super(`${app}: ${step} failed: ${detail}\n${tail(output)}`);
  }
}

function tail(output: string, lines = 40): string {
  return output.trimEnd().split('\n').slice(-lines).join('\n');
}
