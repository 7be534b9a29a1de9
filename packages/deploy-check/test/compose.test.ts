import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { readApps } from '@nightshift/workspace';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseEnvFile } from '../src/index.js';

const repoRoot = resolve(import.meta.dirname, '../../..');

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string; args?: Record<string, string> };
  command?: string[];
  entrypoint?: string[];
  healthcheck?: { test: string[] };
  ports?: string[];
  env_file?: { path: string; required: boolean }[];
  environment?: Record<string, string>;
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  deploy?: { replicas?: number };
  stop_grace_period?: string;
  profiles?: string[];
  networks?: Record<string, { aliases?: string[] }>;
}

const compose = parse(await readFile(join(repoRoot, 'docker', 'compose.yaml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};
const example = new Map(
  parseEnvFile(await readFile(join(repoRoot, '.env.example'), 'utf8')).map((entry) => [entry.name, entry.value]),
);
const seconds = (duration = '10s') => Number(/^(\d+)s$/.exec(duration)?.[1] ?? Number.NaN);
const apps = readApps();
const observability = ['prometheus', 'grafana', 'redis-exporter'];

describe('docker/compose.yaml', () => {
  it('runs Redis with AOF, noeviction, a healthcheck and a volume for its data', () => {
    const redis = compose.services.redis;
    const command = redis?.command?.join(' ');
    expect(command).toContain('--appendonly yes');
    expect(command).toContain('--maxmemory-policy noeviction');
    expect(redis?.healthcheck?.test).toEqual(['CMD', 'redis-cli', 'ping']);
    expect(redis?.volumes).toEqual(['redis-data:/data']);
    expect(compose.volumes).toHaveProperty('redis-data');
  });

  it('runs MinIO for the files, with a healthcheck, a volume of its own, and its bucket made before any app starts', () => {
    const minio = compose.services.minio;
    expect(minio?.image).toMatch(/^minio\/minio:RELEASE\.\d{4}-/);
    expect(minio?.healthcheck?.test).toEqual(['CMD', 'mc', 'ready', 'local']);
    expect(minio?.volumes).toEqual(['minio-data:/data']);
    expect(minio?.entrypoint?.join(' ')).toContain('MINIO_ROOT_USER="$$AWS_ACCESS_KEY_ID"');
    const bucket = compose.services['minio-bucket'];
    expect(bucket?.depends_on).toEqual({ minio: { condition: 'service_healthy' } });
    expect(bucket?.entrypoint?.join(' ')).toContain('mc mb --ignore-existing');
    expect(compose.volumes).toHaveProperty('minio-data');
  });

  it('shares no volume between two containers: every volume belongs to one service', () => {
    const mounts = Object.entries(compose.services).flatMap(([name, service]) =>
      (service.volumes ?? []).map((mount) => ({ volume: mount.split(':')[0], service: name })),
    );
    const shared = mounts.filter((mount) =>
      mounts.some((other) => other.volume === mount.volume && other.service !== mount.service),
    );
    expect(shared).toEqual([]);
    expect(Object.keys(compose.volumes).sort()).toEqual(['grafana-data', 'minio-data', 'prometheus-data', 'redis-data']);
  });

  it('runs every app under apps/ as a service of its name, and nothing else but Redis, MinIO and the observability profile', () => {
    const infrastructure = ['redis', 'minio', 'minio-bucket', ...observability];
    const services = Object.keys(compose.services).filter((name) => !infrastructure.includes(name));
    const missing = apps.map((app) => app.name).filter((name) => !services.includes(name));
    const unknown = services.filter((name) => !apps.some((app) => app.name === name));
    expect({ 'apps without a service': missing, 'services of no app': unknown }).toEqual({
      'apps without a service': [],
      'services of no app': [],
    });
  });

  it.each(apps)(
    'builds $name from the one Dockerfile with APP=$name, runs it with no volume, on the bucket, configured from .env.example',
    (app) => {
      const service = compose.services[app.name];
      expect(service?.build).toEqual({ context: '..', dockerfile: 'docker/Dockerfile', args: { APP: app.name } });
      // The deploy workflow points compose at a pushed image through this variable.
      const variable = `${app.name.toUpperCase().replaceAll('-', '_')}_IMAGE`;
      expect(service?.image).toBe(`\${${variable}:-nightshift-${app.name}:local}`);
      expect(service?.env_file).toEqual([
        { path: '../.env.example', required: true },
        { path: '../.env', required: false },
      ]);
      expect(service?.volumes).toBeUndefined();
      expect(service?.depends_on).toEqual({
        redis: { condition: 'service_healthy' },
        'minio-bucket': { condition: 'service_completed_successfully' },
      });
      // Docker's SIGKILL must come after the app's own shutdown timeout (30 s workers, 10 s API).
      expect(seconds(service?.stop_grace_period)).toBeGreaterThan(app.queue ? 30 : 10);
    },
  );

  it('starts Prometheus, Grafana and the Redis exporter only with the observability profile, and names every worker `workers` for the scrape', () => {
    for (const name of observability) expect(compose.services[name]?.profiles).toEqual(['observability']);
    const workers = apps.filter((app) => app.queue).map((app) => app.name);
    expect(workers.length).toBeGreaterThan(0);
    for (const name of workers) expect(compose.services[name]?.networks?.default?.aliases).toEqual(['workers']);
    expect(compose.services.api?.networks).toBeUndefined();
  });

  it('scales worker-email to 2 replicas and runs worker-pdf with WORKER_CONCURRENCY=2', () => {
    expect(compose.services['worker-email']?.deploy?.replicas).toBe(2);
    expect(compose.services['worker-pdf']?.environment).toEqual({ WORKER_CONCURRENCY: '2' });
  });

  it('points the apps at the compose Redis and MinIO, and lets the API listen beyond its container', () => {
    expect(example.get('REDIS_URL')).toBe('redis://redis:6379');
    const storage = new URL(example.get('STORAGE_URL') ?? '');
    expect(storage.protocol).toBe('s3:');
    expect(storage.searchParams.get('endpoint')).toBe('http://minio:9000');
    expect(storage.searchParams.get('forcePathStyle')).toBe('true');
    expect(storage.searchParams.get('publicEndpoint')).toBe('http://localhost:9000');
    expect(compose.services.minio?.ports).toEqual(['${MINIO_PORT:-9000}:9000']);
    expect(example.get('STORAGE_DIR')).toBe('');
    expect(example.get('HOST')).toBe('0.0.0.0');
  });
});
