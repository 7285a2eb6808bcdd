import { z } from 'zod';

export const userSyncRequestSchema = z.strictObject({
  enabled: z.boolean({ error: 'must be true or false' }),
});
