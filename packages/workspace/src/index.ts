export { type App, appNamed, REPO_ROOT, readApps } from './apps.js';
export { type ImportViolation, importSpecifiers, importViolations, type WorkspacePackage, workspacePackages } from './imports.js';
