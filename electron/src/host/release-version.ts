/**
 * The release's version for a till run from the repository (`payme-till serve`, `npm start`): the
 * root package.json's, which `npm run dist` also stamps on the installed app (where Electron's
 * `app.getVersion()` answers instead). The till reports it to the server for the owner's till
 * page; a version that cannot be read is simply not reported.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

const root_package = path.resolve(import.meta.dirname, '../../../package.json');

export function repositoryReleaseVersion(): string | undefined {
  try {
    const version: unknown = (JSON.parse(readFileSync(root_package, 'utf8')) as { version?: unknown }).version;
    return typeof version === 'string' ? version : undefined;
  } catch {
    return undefined;
  }
}
