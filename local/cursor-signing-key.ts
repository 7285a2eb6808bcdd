import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * The key that signs paging cursors, kept in the data folder (as the stack keeps it in a secret),
 * so cursors stay valid across restarts; made at the first start. In memory without a data folder.
 */
export async function cursorSigningKey(dataDir: string | null): Promise<string> {
  if (!dataDir) return randomBytes(32).toString('hex');
  const file = path.join(dataDir, 'cursor-signing-key');
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const key = randomBytes(32).toString('hex');
  await mkdir(dataDir, { recursive: true });
  // `wx`: two starts racing on a new folder keep the first key.
  await writeFile(file, key, { mode: 0o600, flag: 'wx' }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
  return (await readFile(file, 'utf8')).trim();
}
