import { render } from 'velocityjs';

/**
 * Renders an API Gateway request mapping template with velocityjs, with the variables API Gateway
 * defines for it: `$input.params(name)` (path, then query string, then header; header names match
 * case-sensitively; "" when absent), `$input.body` (the raw payload) and `$util.urlEncode`
 * (`application/x-www-form-urlencoded`, as Java's URLEncoder: a space becomes `+`).
 */
export function renderRequestTemplate(options: {
  template: string;
  body: string;
  headers: Record<string, string>;
}): string {
  const { template, body, headers } = options;
  const context = {
    input: {
      body,
      params: (name: string): string => (Object.hasOwn(headers, name) ? (headers[name] ?? '') : ''),
    },
    util: {
      urlEncode: (value: string): string => new URLSearchParams({ v: value }).toString().slice('v='.length),
    },
  };
  return render(template, context);
}
