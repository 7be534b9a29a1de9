export { describeIssues, InvalidJobDataError, type JobDataIssue, toJobDataIssues } from './invalid-job-data-error.js';
