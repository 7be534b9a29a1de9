/** An app that ships as its own image, built by `docker/<name>.Dockerfile`. */
export interface AppImage {
  /** The folder under `apps/`, the Dockerfile's name and the compose service. */
  name: string;
  packageName: string;
  /** The variable that sets the port `/healthz` answers on. */
  portVariable: 'PORT' | 'METRICS_PORT';
  /** What the operator must add to `.env.example` (it leaves them empty) for the app to start in production. */
  requiredInProduction: Record<string, string>;
}

export const appImages: readonly AppImage[] = [
  {
    name: 'api',
    packageName: '@nightshift/api',
    portVariable: 'PORT',
    requiredInProduction: {
      API_TOKENS: 'deploy-check-token',
      ADMIN_USER: 'deploy-check',
      ADMIN_PASSWORD: 'deploy-check-password',
      FILE_LINK_SECRET: 'deploy-check-file-link-secret-of-32-characters',
    },
  },
  {
    name: 'worker-email',
    packageName: '@nightshift/worker-email',
    portVariable: 'METRICS_PORT',
    requiredInProduction: { RESEND_API_KEY: 're_deploy_check', EMAIL_FROM: 'Nightshift <no-reply@nightshift.localhost>' },
  },
  { name: 'worker-pdf', packageName: '@nightshift/worker-pdf', portVariable: 'METRICS_PORT', requiredInProduction: {} },
  { name: 'worker-image', packageName: '@nightshift/worker-image', portVariable: 'METRICS_PORT', requiredInProduction: {} },
];
