/** Where the local queue and its store say what happened (the runtime prints it, tests collect it). */
export type QueueLog = (level: 'info' | 'warn' | 'error', message: string, details?: Record<string, unknown>) => void;
