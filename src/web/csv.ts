/** Characters that make a spreadsheet read a cell as a formula (OWASP CSV injection guidance). */
const FORMULA_START = /^[=+\-@\t\r]/;
/**
 * A formula can also start after a separator: a spreadsheet set to a semicolon (or tab, or pipe)
 * locale splits `Bob;=1+2` into `Bob` and `=1+2` when it ignores our commas.
 */
const FORMULA_AFTER_SEPARATOR = /([;,\t|])([ ]*)(?=[=+\-@])/g;

/**
 * One cell, neutralised and quoted: a cell starting with = + - @ (or a tab or CR) gets a leading `'`;
 * so does any part after a ; , tab or | separator; every cell holding a separator of any locale, a
 * quote or a line break is wrapped in double quotes with quotes doubled (RFC 4180).
 */
export function csvCell(cell: string | number | null | undefined): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'number') return String(cell);
  let text = cell.replace(FORMULA_AFTER_SEPARATOR, "$1$2'");
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",;\t|\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV line (RFC 4180), every cell passed through csvCell. */
export function csvLine(cells: (string | number | null | undefined)[]): string {
  return cells.map(csvCell).join(',') + '\r\n';
}
