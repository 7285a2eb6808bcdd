/**
 * Builds an UpdateExpression from plain assignments: `undefined` values are skipped, `null` removes
 * the attribute when `removeNulls` names it. Keeps hand-written expressions out of the stores.
 */
export function buildUpdate(
  assignments: Record<string, unknown>,
  removeNulls: readonly string[] = [],
): {
  UpdateExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues: Record<string, unknown>;
} {
  const sets: string[] = [];
  const removes: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  for (const [attribute, value] of Object.entries(assignments)) {
    if (value === undefined) continue;
    names[`#${attribute}`] = attribute;
    if (value === null && removeNulls.includes(attribute)) {
      removes.push(`#${attribute}`);
    } else {
      sets.push(`#${attribute} = :${attribute}`);
      values[`:${attribute}`] = value;
    }
  }
  const parts = [sets.length ? `SET ${sets.join(', ')}` : '', removes.length ? `REMOVE ${removes.join(', ')}` : ''];
  return {
    UpdateExpression: parts.filter(Boolean).join(' '),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}
