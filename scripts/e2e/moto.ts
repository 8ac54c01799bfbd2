/**
 * The local AWS API emulator: a moto server of our own on a free loopback port (or the one named by
 * E2E_ENDPOINT), ready when its API answers, and stopped with everything it started.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export interface Emulator {
  endpoint: string;
  stop(): void;
}

/** Whether `moto_server` is installed. */
export function motoInstalled(): boolean {
  return spawnSync('moto_server', ['--help'], { stdio: 'ignore' }).status === 0;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Waits up to 60 s for the emulator to answer: moto_server starts in about a second on an idle machine, but took more
 * than 10 s on a shared one (load average 35 on 2 cores, 2026-12-06), failing the run before it began.
 */
async function ready(endpoint: string, child?: ChildProcess): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (child && child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${endpoint}/moto-api/`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no AWS API emulator answering at ${endpoint}`);
}

/**
 * An emulator for one AWS account: $E2E_ENDPOINT when set (a server already running, for a single-account matrix);
 * otherwise moto_server on 127.0.0.1 (loopback only) with MOTO_ACCOUNT_ID = the account, and with
 * `iamEnforcedAfter`, one of its own that enforces IAM after that many calls.
 */
export async function startEmulator(
  accountId: string,
  log: (line: string) => void,
  options: { iamEnforcedAfter?: number } = {},
): Promise<Emulator> {
  if (process.env.E2E_ENDPOINT && options.iamEnforcedAfter === undefined) {
    await ready(process.env.E2E_ENDPOINT);
    return { endpoint: process.env.E2E_ENDPOINT, stop: () => undefined };
  }
  const port = await freePort();
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    // INITIAL_NO_AUTH_ACTION_COUNT: after that many calls, moto checks every call's IAM actions (docs/e2e.md).
    env: {
      ...process.env,
      MOTO_ACCOUNT_ID: accountId,
      ...(options.iamEnforcedAfter === undefined
        ? {}
        : { INITIAL_NO_AUTH_ACTION_COUNT: String(options.iamEnforcedAfter) }),
    },
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    const text = chunk.toString();
    if (/Traceback|Error/.test(text) && !/" [0-9]{3} -/.test(text))
      log(`moto (${accountId}): ${text.trim().split('\n').pop()}`);
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = () => {
    if (child.exitCode === null) child.kill('SIGTERM');
  };
  process.once('exit', stop);
  try {
    await ready(endpoint, child);
  } catch (error) {
    stop();
    throw error;
  }
  return { endpoint, stop };
}
