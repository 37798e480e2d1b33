/**
 * Splits a whole file into lines, accepting LF or CRLF and a missing final newline (the Azure 2023 CSVs
 * have CRLF and none). Blank lines are skipped but still counted, so numbers match what an editor shows.
 */
export function splitLines(text) {
    const out = [];
    // A UTF-8 byte-order mark would otherwise become part of the first header name.
    let pos = text.startsWith('\uFEFF') ? 1 : 0;
    // indexOf + one substring per line: split('\n') then slice('\r') allocated every CRLF line twice.
    for (let line = 1; pos <= text.length; line++) {
        let end = text.indexOf('\n', pos);
        if (end < 0)
            end = text.length;
        const stop = end > pos && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
        if (stop > pos && (text.charCodeAt(pos) > 32 || text.slice(pos, stop).trim() !== ''))
            out.push({ line, text: text.substring(pos, stop) });
        pos = end + 1;
    }
    return out;
}
