/** Path segments after a resource's id that name an action on it: `POST /v1/queues/{queue}/pause` is `pauseQueue`. */
const actionSegments = new Set(['pause', 'resume', 'retry', 'enable']);

const isParameter = (segment: string) => segment.startsWith(':') || segment.startsWith('{');
const camel = (words: readonly string[]) =>
  words
    .flatMap((word) => word.split('-'))
    .map((word, index) => (index === 0 ? word : word.charAt(0).toUpperCase() + word.slice(1)))
    .join('');
/** Our collections are plain plurals: `queues` → `queue`. */
const singular = (word: string) => word.replace(/s$/, '');

/**
 * An operation's id from its method and path, for routes that do not name one: a collection
 * followed by an id reads singular (`GET /v1/queues/{queue}/jobs/{id}` is `getQueueJob`), a GET of
 * a collection under /v1 is a list (`listQueueJobs`), a POST to one creates (`createImage`), and
 * a trailing action is the verb (`retryQueueJob`). Stable as long as the path is, which clients
 * that generate code from the document rely on.
 */
export function operationIdOf(method: string | readonly string[], url: string): string {
  const verbOf = String(Array.isArray(method) ? method[0] : method).toLowerCase();
  const segments = url.split('/').filter((segment) => segment !== '' && segment !== 'v1');
  const last = segments.at(-1) ?? '';
  const action = actionSegments.has(last) && isParameter(segments.at(-2) ?? '') ? last : undefined;
  const nouns = (action ? segments.slice(0, -1) : segments).flatMap((segment, index, all) => {
    if (isParameter(segment)) return [];
    const followedById = isParameter(all[index + 1] ?? '');
    const createdHere = verbOf === 'post' && !action && index === all.length - 1;
    return [followedById || createdHere ? singular(segment) : segment];
  });
  const listed = verbOf === 'get' && url.startsWith('/v1/') && !isParameter(last);
  const verb = action ?? (listed ? 'list' : verbOf === 'post' ? 'create' : verbOf);
  return camel([verb, ...nouns]);
}
