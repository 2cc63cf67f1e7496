// CSV written by the console (rows a job did not match): RFC 4180 quoting, and cells that a spreadsheet would
// run as a formula (= + - @ tab CR first) get a leading apostrophe (OWASP "CSV injection").

export function cell(v) {
    let s = v === null || v === undefined ? '' : String(v);
    if (/^[=+\-@\t\r]/.test(s)) {
        s = "'" + s;
    }
    return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

export function csv(header, rows) {
    const lines = [header.map(cell).join(',')];
    for (const r of rows) {
        lines.push(r.map(cell).join(','));
    }
    return lines.join('\r\n') + '\r\n';
}
