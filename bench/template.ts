/** A template's figures by name; an empty string counts as missing (its `{{#name}}` block is left out). */
export type TemplateValues = Readonly<Record<string, string | undefined>>;

/** `{{#name}}` … `{{/name}}` (kept when `name` has a value) or `{{^name}}` … (when it has none), each tag on a line of its own. */
const BLOCK = /^\{\{([#^])(\w+)\}\}\n([\s\S]*?)^\{\{\/\2\}\}\n/m;
/** A line of the template's own comments, `{{! … }}`: never in the output. */
const COMMENT = /^\{\{!.*\}\}\n/gm;
const FIGURE = /\{\{(\w+)\}\}/g;
/** A line that holds only a figure (a table's rows): left out when the figure is empty. */
const FIGURE_LINE = /^\{\{(\w+)\}\}\n/gm;

/**
 * Fills a Markdown template: comment lines out, each block kept or left out by whether its figure
 * has a value, a line of an empty figure alone out, then every `{{name}}` replaced by its value. A figure the template names and the
 * values lack is an error, so a report never says `{{…}}`. Values are inserted as they are.
 */
export function fillTemplate(template: string, values: TemplateValues): string {
  let text = template.replace(COMMENT, '');
  for (let block = BLOCK.exec(text); block; block = BLOCK.exec(text)) {
    const [whole, kind, name = '', body = ''] = block;
    const keep = Boolean(values[name]) === (kind === '#');
    text = text.slice(0, block.index) + (keep ? body : '') + text.slice(block.index + whole.length);
  }
  text = text.replace(FIGURE_LINE, (line, name: string) => (values[name] === '' ? '' : line));
  return text.replace(FIGURE, (_match, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`The report template names {{${name}}}, which has no value.`);
    return value;
  });
}
