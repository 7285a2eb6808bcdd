import { z } from 'zod';
import { JIRA_USER_TAG, NAME_MAX_LENGTH } from '../domain/contact.js';
import { EMAIL_MAX_LENGTH, isValidEmail } from '../domain/email.js';

// As long as Jira's display names, so that every contact the sync stores can be saved back.
const name = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(NAME_MAX_LENGTH, `must be at most ${NAME_MAX_LENGTH} characters`);
// Internationalized addresses too (RFC 6531): `josé@bücher.example`, as Jira may hold them.
const email = z
  .string()
  .trim()
  .max(EMAIL_MAX_LENGTH, `must be at most ${EMAIL_MAX_LENGTH} characters`)
  .refine(isValidEmail, 'must be a valid email address');
const phone = z.string().trim().max(50, 'must be at most 50 characters');
const id = z.string().min(1).max(128);
const tag = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(50, 'must be at most 50 characters')
  .refine((value) => value !== JIRA_USER_TAG, `"${JIRA_USER_TAG}" is set by user syncing, not by hand`);

const contactFields = {
  name,
  email: email.nullable(),
  phone: phone.nullable(),
  companyIds: z.array(id).max(50, 'must list at most 50 companies'),
  tags: z.array(tag).max(50, 'must list at most 50 tags'),
};

/** POST /contacts: unknown fields are refused, so a typo never passes silently. */
export const newContactSchema = z.strictObject({
  name: contactFields.name,
  email: contactFields.email.optional(),
  phone: contactFields.phone.optional(),
  companyIds: contactFields.companyIds.optional(),
  tags: contactFields.tags.optional(),
});

export const contactChangesSchema = z
  .strictObject({
    name: contactFields.name.optional(),
    email: contactFields.email.optional(),
    phone: contactFields.phone.optional(),
    companyIds: contactFields.companyIds.optional(),
    tags: contactFields.tags.optional(),
  })
  .refine((changes) => Object.keys(changes).length > 0, 'name at least one field to change');

const domain = z
  .string()
  .trim()
  .max(253, 'must be at most 253 characters')
  .regex(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i, 'must be a domain name such as example.com');

const companyName = z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters');

export const newCompanySchema = z.strictObject({ name: companyName, domain: domain.nullable().optional() });

export const companyChangesSchema = z
  .strictObject({ name: companyName.optional(), domain: domain.nullable().optional() })
  .refine((changes) => Object.keys(changes).length > 0, 'name at least one field to change');

export const emailQuerySchema = z
  .string()
  .trim()
  .min(1, 'must not be empty; give the email to find, as in ?email=ada@example.com')
  .max(EMAIL_MAX_LENGTH, `must be at most ${EMAIL_MAX_LENGTH} characters`);
