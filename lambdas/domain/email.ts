/** RFC 5321's longest usable address (a path of 256 octets, less its angle brackets). */
export const EMAIL_MAX_LENGTH = 254;

/**
 * The key contacts are matched by, the one normalization used by the API, the sync, the email hints
 * and the email index: emails as people mean them.
 * - Unicode NFC: `jose\u0301@…` (as some systems send it) is `josé@…`;
 * - the domain in IDNA ASCII form: `bücher.example` is `xn--bcher-kva.example`;
 * - case folded: `Ada@Example.COM` is `ada@example.com`.
 * An ASCII address normalizes exactly as before (trimmed, lower case), so keys stored earlier stay valid.
 */
export function normalizeEmail(email: string): string {
  const folded = email.trim().normalize('NFC').toLowerCase().normalize('NFC');
  const at = folded.lastIndexOf('@');
  if (at < 0) return folded;
  const domain = folded.slice(at + 1);
  // Only a non-ASCII domain is converted: an ASCII one is already in its ASCII form (and the URL
  // host parser would also percent-decode it, which would change keys stored earlier).
  if (isAscii(domain)) return folded;
  const ascii = domainToASCII(domain);
  return ascii ? `${folded.slice(0, at)}@${ascii}` : folded;
}

// RFC 5322 atext, plus any non-ASCII character but spaces and controls (RFC 6531's UTF-8 local
// parts), in dot-atom form.
const ATOM = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~\\-\\u0080-\\u{10FFFF}]+";
const LOCAL_PART = new RegExp(`^${ATOM}(\\.${ATOM})*$`, 'u');
const SPACE_OR_CONTROL = /[\p{White_Space}\p{Cc}\p{Cf}]/u;
const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Whether an address is one a mail system can deliver to: a dot-atom local part (ASCII or UTF-8, as
 * RFC 6531 allows; at most 64 characters) and a domain of at least two labels whose IDNA ASCII form is
 * valid (`josé@bücher.example`, `user@bücher.de`, `o'brien+crm@example.co.uk`).
 */
export function isValidEmail(email: string): boolean {
  if (email.length > EMAIL_MAX_LENGTH) return false;
  const at = email.lastIndexOf('@');
  if (at <= 0) return false;
  const local = email.slice(0, at).normalize('NFC');
  const domain = email.slice(at + 1);
  if ([...local].length > 64 || !LOCAL_PART.test(local) || SPACE_OR_CONTROL.test(local)) return false;
  const ascii = isAscii(domain) ? domain.toLowerCase() : domainToASCII(domain.normalize('NFC'));
  if (!ascii || ascii.length > 253) return false;
  const labels = ascii.split('.');
  return labels.length >= 2 && labels.every((label) => LABEL.test(label)) && !/^\d+$/.test(labels.at(-1) ?? '');
}

/**
 * A Unicode domain in its IDNA ASCII form ('' when it cannot be one), by the WHATWG URL host parser:
 * a global in Node and in browsers alike (the console type-checks this module too).
 */
function domainToASCII(domain: string): string {
  if (/[\s/?#:@\\[\]%]/.test(domain)) return '';
  try {
    return new URL(`http://${domain}`).hostname;
  } catch {
    return '';
  }
}

function isAscii(text: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the whole ASCII range, control characters included
  return /^[\x00-\x7f]*$/.test(text);
}
