// Loaded into the built API by event-loop.test.ts (`NODE_OPTIONS=--import`). It measures how long the
// event loop goes without reaching its timers in CPU time of the main thread, not wall time: on
// a loaded machine the wall clock also counts the time the thread waited for a core.
// SIGUSR2 prints the longest such stretch since the last SIGUSR2 as a log line, and starts over.
const cpuMs = ({ user, system }) => (user + system) / 1_000;
let last = cpuMs(process.threadCpuUsage());
let longest = 0;
setInterval(() => {
  const now = cpuMs(process.threadCpuUsage());
  longest = Math.max(longest, now - last);
  last = now;
}, 5).unref();
process.on('SIGUSR2', () => {
  const now = cpuMs(process.threadCpuUsage());
  const longestCpuMs = Math.round(Math.max(longest, now - last));
  process.stdout.write(`${JSON.stringify({ msg: 'event loop probe', longestCpuMs })}\n`);
  longest = 0;
  last = now;
});
