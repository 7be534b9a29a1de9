export {
  blocks,
  describeSuppression,
  type EventOutcome,
  normalizeAddress,
  type Suppression,
  SuppressionList,
  type SuppressionListOptions,
  type SuppressionPage,
  type SuppressionReason,
} from './suppression-list.js';
export { DEVELOPMENT_UNSUBSCRIBE_SECRET, UNSUBSCRIBE_PATH, UnsubscribeLinks } from './unsubscribe-links.js';
