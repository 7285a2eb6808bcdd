import type { IncomingMessage, ServerResponse } from 'node:http';

/** What a route answers; {@link sendReply} writes it. */
export interface Reply {
  status: number;
  body?: unknown;
  /** An HTML page instead of JSON, as Atlassian's edge answers 502 and 504. */
  html?: string;
  headers?: Record<string, string>;
  /** Drop the connection without answering (a connection reset, as the client sees it). */
  resetConnection?: boolean;
}

const MAX_CONTROL_BODY_BYTES = 64 * 1024;

/** Jira's error body. */
export const errorBody = (message: string): { errorMessages: string[]; errors: Record<string, string> } => ({
  errorMessages: [message],
  errors: {},
});

/** A body that is too large or not JSON: a 400. */
export class InvalidBodyError extends Error {}

export async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_CONTROL_BODY_BYTES) throw new InvalidBodyError('The body is larger than 64 KiB.');
    chunks.push(buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new InvalidBodyError('The body is not JSON.');
  }
}

export function sendReply(request: IncomingMessage, response: ServerResponse, reply: Reply): void {
  if (reply.resetConnection) {
    request.socket.destroy();
    return;
  }
  const headers: Record<string, string> = { ...reply.headers };
  let payload: string | undefined;
  if (reply.html !== undefined) {
    payload = reply.html;
    headers['Content-Type'] = 'text/html;charset=UTF-8';
    headers['Content-Length'] = String(Buffer.byteLength(payload));
  } else if (reply.body !== undefined) {
    payload = JSON.stringify(reply.body);
    headers['Content-Type'] = 'application/json;charset=UTF-8';
    headers['Content-Length'] = String(Buffer.byteLength(payload));
  }
  response.writeHead(reply.status, headers);
  response.end(payload);
}
