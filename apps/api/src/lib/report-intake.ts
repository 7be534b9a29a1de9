import { fileURLToPath } from 'node:url';
import { errorCodes as fastifyErrors } from 'fastify';
import { move, Piscina } from 'piscina';
import { ApiError, RequestValidationError } from '../errors/index.js';
import { tooDeepMessage } from './json-depth.js';
import { ownMemory, type ReportIntake } from './report-intake-thread.js';

/** An uploaded report, checked against its contract off the main thread, as the JSON to store. */
export class CheckedReport {
  constructor(
    /** UTF-8 JSON. */
    readonly json: Uint8Array,
    readonly rows: number,
  ) {}
}

/**
 * Built code runs the compiled thread. Tests and `dev` run from TypeScript sources: their thread
 * loads tsx, and takes the packages' sources as the main thread does.
 */
function threadSource(): { filename: string; execArgv?: string[] } {
  if (!import.meta.url.endsWith('.ts')) return { filename: fileURLToPath(new URL('./report-intake-thread.js', import.meta.url)) };
  return {
    filename: fileURLToPath(new URL('./report-intake-thread.ts', import.meta.url)),
    execArgv: ['--import', import.meta.resolve('tsx'), '--conditions=@nightshift/source'],
  };
}

/**
 * Worker threads that parse and check report uploads. The largest report the contract allows is
 * megabytes of JSON: parsing, validating and serializing it on the main thread stalls every other
 * request, `/healthz` included, for hundreds of milliseconds (measured in
 * test/security/event-loop.test.ts). A thread starts on the first upload and stops after a while
 * without one, so an API that takes no reports runs none.
 */
export class ReportIntakePool {
  // What either side moves (`move`) arrives unwrapped.
  readonly #pool = new Piscina<Uint8Array | ReturnType<typeof move>, ReportIntake>({
    ...threadSource(),
    minThreads: 0,
    // Two uploads at once use two cores; more wait their turn rather than take the API's.
    maxThreads: 2,
    idleTimeout: 30_000,
  });

  /** The report in `body`, checked; else the error its answer is: INVALID_JSON, JSON_TOO_DEEP, EMPTY_BODY, INVALID_REQUEST. */
  async take(body: Buffer): Promise<CheckedReport> {
    // Moved, not copied: copying megabytes to the thread cost the main thread tens of milliseconds. A
    // small body may share its memory with other buffers (Node's pool), so it is copied.
    const intake = await this.#pool.run(ownMemory(body) ? move(body) : body);
    switch (intake.outcome) {
      case 'stored-form':
        return new CheckedReport(intake.json, intake.rows);
      case 'empty':
        throw new fastifyErrors.FST_ERR_CTP_EMPTY_JSON_BODY();
      case 'too-deep':
        throw new ApiError('JSON_TOO_DEEP', tooDeepMessage);
      case 'invalid-json':
        throw new fastifyErrors.FST_ERR_CTP_INVALID_JSON_BODY();
      case 'invalid':
        throw new RequestValidationError('body', intake.issues);
    }
  }

  close(): Promise<void> {
    return this.#pool.close();
  }
}
