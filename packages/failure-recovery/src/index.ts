export { ApiClient, type ApiResponse, type SendOptions } from './api-client.js';
export { type AppExit, AppProcess, describeExit, type LogLine } from './app-process.js';
export { FIGURES_FILE, recordFigure } from './figures.js';
export { JobLedger, type JobRecord } from './job-ledger.js';
export { API_TOKEN, NightshiftStack, type RunningApi, TEST_RECOVERY_TIMINGS, waitWorkerHealthy } from './stack.js';
