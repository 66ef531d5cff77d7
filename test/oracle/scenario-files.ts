/**
 * What the oracle needs from an example folder: its config, its `.httpd-mtls.json`
 * (read here as plain JSON, independently of the product's reader, so the oracle does not
 * share the checker's bugs) and the few files only a live run needs (backend key, client CA).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface ScenarioFiles {
  /** Absolute path of the example's Apache config. */
  config: string;
  /** Absolute path of the example's `.httpd-mtls.json`. */
  manifest: string;
  /** Deployed prefix -> absolute local folder, longest prefix first. */
  mappings: { from: string; to: string }[];
  backend: {
    url: URL;
    certificate: string;
    key: string;
    caCertificates: string;
    /** Folder holding the WSGI module `myFlaskApp.py`. */
    appDir: string;
  };
  client: { certificate: string; key: string; caCertificates: string };
}

interface ManifestJson {
  pathMappings?: { from: string; to: string }[];
  clients?: { certificate: string; key?: string }[];
  backends?: { url: string; certificate?: string; caCertificates?: string }[];
}

/** Paths in `live` are relative to the example folder, like those in the manifest. */
export interface LiveOnlyFiles {
  backendKey: string;
  clientCaCertificates: string;
  appDir: string;
}

export function readScenarioFiles(exampleDir: string, live: LiveOnlyFiles): ScenarioFiles {
  const manifestPath = path.join(exampleDir, '.httpd-mtls.json');
  const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as ManifestJson;
  const local = (relative: string | undefined, what: string): string => {
    if (relative === undefined) throw new Error(`${manifestPath}: ${what} is missing`);
    return path.resolve(exampleDir, relative);
  };

  const mappings = (manifest.pathMappings ?? [])
    .map((mapping) => ({ from: mapping.from, to: local(mapping.to, 'pathMappings[].to') }))
    .sort((a, b) => b.from.length - a.from.length);
  const backend = manifest.backends?.[0];
  const client = manifest.clients?.[0];
  if (backend === undefined || client === undefined) {
    throw new Error(`${manifestPath}: the oracle needs one client and one backend`);
  }

  return {
    config: path.join(exampleDir, 'conf.d', 'reverseProxy.conf'),
    manifest: manifestPath,
    mappings,
    backend: {
      url: new URL(backend.url),
      certificate: local(backend.certificate, 'backends[0].certificate'),
      key: local(live.backendKey, 'backend key'),
      caCertificates: local(backend.caCertificates, 'backends[0].caCertificates'),
      appDir: local(live.appDir, 'flask app folder'),
    },
    client: {
      certificate: local(client.certificate, 'clients[0].certificate'),
      key: local(client.key, 'clients[0].key'),
      caCertificates: local(live.clientCaCertificates, 'client CA'),
    },
  };
}
