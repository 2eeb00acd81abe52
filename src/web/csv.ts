/**
 * One CSV line (RFC 4180 quoting). Cells starting with = + - @ (or a tab/CR) are prefixed with a
 * quote so spreadsheet apps do not run them as formulas.
 */
export function csvLine(cells: (string | number | null | undefined)[]): string {
  return (
    cells
      .map((cell) => {
        let text = cell === null || cell === undefined ? '' : String(cell);
        if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
        return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
      })
      .join(',') + '\r\n'
  );
}
