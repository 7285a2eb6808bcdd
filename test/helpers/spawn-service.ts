import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { readFile, readdir, readlink } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface SpawnServiceOptions {
  /** A free loopback port is picked when unset. */
  port?: number;
  /** DATA_DIR: where the store and the queue keep their data. */
  dataDir: string;
  /** Extra environment; JIRA_BASE_URL is removed unless given here, so the simulator is used. */
  env?: Record<string, string>;
  /** How long to wait for "listening on" (ms). */
  startTimeoutMs?: number;
}

export interface ExitResult {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface SpawnedService {
  /** `http://127.0.0.1:PORT`, as the service printed it. */
  url: string;
  port: number;
  process: ChildProcess;
  /** The simulator administrator's `Authorization` header, as the service printed its credentials. */
  admin: string | undefined;
  /** Everything the service wrote to stdout and stderr so far. */
  output(): string;
  /** Sends `signal` (SIGTERM by default) and resolves once the process has exited. */
  stop(signal?: NodeJS.Signals): Promise<ExitResult>;
  /** SIGKILL: the process dies at once, with no chance to clean up. Resolves once it has exited. */
  kill(): Promise<ExitResult>;
}

/** A loopback port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('Could not find a free port.');
  return address.port;
}

/**
 * `node --import tsx bin/local.ts` as `npm start` runs it, with `PORT` and `DATA_DIR` set, in its own
 * process group (the store's child is in it too, and SIGKILL must reach that one as well);
 * `printed()` is everything it wrote so far.
 */
async function startServiceProcess(options: SpawnServiceOptions) {
  const port = options.port ?? (await freePort());
  const env: Record<string, string | undefined> = { ...process.env, PORT: String(port), DATA_DIR: options.dataDir };
  delete env.JIRA_BASE_URL;
  // The test runner's Node flags are not the service's.
  delete env.NODE_OPTIONS;
  Object.assign(env, options.env);
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/local.ts'], {
    cwd: PROJECT_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  return { child, port, printed: () => output };
}

/**
 * Runs the real service the way `npm start` does (`node --import tsx bin/local.ts`) as a child process, with
 * `PORT` and `DATA_DIR` set, and resolves once it prints "listening on". Always stop or kill it.
 */
export async function spawnService(options: SpawnServiceOptions): Promise<SpawnedService> {
  const { child, port, printed } = await startServiceProcess(options);
  const exited = new Promise<ExitResult>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

  const running = () => child.exitCode === null && child.signalCode === null;
  const killGroup = () => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // the group is gone already
    }
  };
  /** SIGINT and SIGTERM go to the service, as a terminal or a supervisor sends them; SIGKILL to the group. */
  const waitForExit = async (signal: NodeJS.Signals, timeoutMs = 30_000): Promise<ExitResult> => {
    if (signal === 'SIGKILL') killGroup();
    else if (running()) child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        killGroup();
        reject(new Error(`The service did not exit within ${timeoutMs} ms of ${signal}:\n${printed()}`));
      }, timeoutMs);
    });
    try {
      const exit = await Promise.race([exited, timeout]);
      if (signal === 'SIGKILL') await groupGone();
      return exit;
    } finally {
      clearTimeout(timer);
    }
  };
  /**
   * The service may be seen to exit before the store's child (in the same group) is gone, and a
   * restart on the same DATA_DIR would then find a live lock owner: wait for the whole group (10 s at most).
   */
  const groupGone = async () => {
    for (let waited = 0; child.pid !== undefined && waited < 10_000; waited += 50) {
      try {
        process.kill(-child.pid, 0);
      } catch {
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(new Error(`The service did not start within ${options.startTimeoutMs ?? 60_000} ms:\n${printed()}`)),
        options.startTimeoutMs ?? 60_000,
      );
      const check = () => {
        const match = /listening on (http:\/\/\S+)/.exec(printed());
        if (match?.[1]) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      };
      child.stdout?.on('data', check);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`The service exited (code ${code}, signal ${signal}) before it was ready:\n${printed()}`));
      });
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
    const credentials = /admin: (\S+) \/ (\S+)/.exec(printed());
    const admin = credentials
      ? `Basic ${Buffer.from(`${credentials[1]}:${credentials[2]}`).toString('base64')}`
      : undefined;
    return {
      url,
      port,
      process: child,
      admin,
      output: printed,
      stop: (signal: NodeJS.Signals = 'SIGTERM') => waitForExit(signal),
      kill: () => waitForExit('SIGKILL'),
    };
  } catch (error) {
    await waitForExit('SIGKILL');
    throw error;
  }
}

/**
 * Runs the service as `spawnService` does, for a start expected to fail: resolves with how it
 * exited and what it printed (it is killed if it is still running after `timeoutMs`).
 */
export async function runServiceToExit(
  options: SpawnServiceOptions & { timeoutMs?: number },
): Promise<ExitResult & { output: string }> {
  const { child, printed } = await startServiceProcess(options);
  const timer = setTimeout(() => {
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
  }, options.timeoutMs ?? 60_000);
  const exit = await new Promise<ExitResult>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  clearTimeout(timer);
  return { ...exit, output: printed() };
}

/** The process ids under `pid` (children, grandchildren, …) with their command lines, read from `ps`. */
export async function descendantProcesses(pid: number): Promise<Array<{ pid: number; args: string }>> {
  const listing = await new Promise<string>((resolve, reject) =>
    execFile('ps', ['-eww', '-o', 'pid=,ppid=,args='], { maxBuffer: 16 * 1024 * 1024 }, (error, stdout) =>
      error ? reject(error) : resolve(stdout),
    ),
  );
  const rows = listing
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line))
    .flatMap((match) => (match ? [{ pid: Number(match[1]), ppid: Number(match[2]), args: match[3] ?? '' }] : []));
  const found: Array<{ pid: number; args: string }> = [];
  const parents = [pid];
  while (parents.length > 0) {
    const parent = parents.pop();
    for (const row of rows.filter((candidate) => candidate.ppid === parent)) {
      found.push({ pid: row.pid, args: row.args });
      parents.push(row.pid);
    }
  }
  return found;
}

/** The TCP ports process `pid` listens on (Linux: its socket inodes in /proc/<pid>/fd, matched in /proc/net/tcp). */
export async function listeningPorts(pid: number): Promise<number[]> {
  const inodes = new Set<string>();
  for (const fd of await readdir(`/proc/${pid}/fd`)) {
    const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
    const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
    if (inode) inodes.add(inode);
  }
  const ports: number[] = [];
  for (const line of (await readFile('/proc/net/tcp', 'utf8')).split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    // local_address is fields[1] (hex ip:port), st is fields[3] (0A: LISTEN), inode is fields[9]
    const [, port] = (fields[1] ?? '').split(':');
    if (fields[3] === '0A' && port && inodes.has(fields[9] ?? '')) ports.push(Number.parseInt(port, 16));
  }
  return ports;
}
