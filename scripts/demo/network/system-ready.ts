import type { ChildProcess } from 'node:child_process';

/**
 * The URL a business system process reports (`{ type: 'ready', url }` over IPC) once it serves,
 * whether it runs as `gridmark system serve` or as the in-process demo's system entry.
 *
 * @throws Error when it exits first, or does not report within `timeoutMs`
 */
export function readyUrl(child: ChildProcess, name: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(new Error(`business system "${name}" did not start within ${timeoutMs / 1000} s`)),
      timeoutMs,
    );
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`business system "${name}" exited during start (code ${code})`));
    });
    child.on('message', (message: { type?: string; url?: string }) => {
      if (message.type === 'ready' && typeof message.url === 'string') {
        clearTimeout(timer);
        resolve(message.url);
      }
    });
  });
}
