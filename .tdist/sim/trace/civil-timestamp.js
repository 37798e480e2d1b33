import { quoteInput } from '../core/quote-input.js';
/**
 * Timestamps like `2023-11-16 18:17:03.9799600` (Azure LLM inference traces: naive wall clock, 7
 * fractional digits, i.e. 100 ns ticks). Parsed by hand with integer arithmetic: `Date` would apply the
 * local timezone to a naive time and keeps only milliseconds.
 */
/**
 * Microseconds since 1970-01-01 00:00:00 of the same clock (UTC when the text carries an offset, as the
 * Azure 2024 files do; naive otherwise, which is fine because only differences are used). Fractions are
 * read exactly and rounded to whole µs, the simulator clock's resolution; every row of the bundled 2023
 * files has a 0 in the seventh digit, so nothing is lost there. Returns an error message when the text
 * is not such a timestamp or names an impossible date or time.
 *
 * Layout `YYYY-MM-DD HH:MM:SS[.f{1,9}][Z|±HH:MM]`, read with charCodeAt: a regular expression plus
 * Number() per part cost ~3 µs a row, most of the Azure loader's time budget.
 */
/** The last 'YYYY-MM-DD HH:MM' seen and its seconds since the epoch: a memo, it never changes an answer. */
let cachedMinutePrefix = '';
let cachedMinuteS = 0;
export function parseCivilTimestampUs(raw) {
    // trim() allocates only when there is whitespace to remove; the Azure files have none.
    const text = raw.charCodeAt(0) <= 32 || raw.charCodeAt(raw.length - 1) <= 32 ? raw.trim() : raw;
    const fail = () => `expected a timestamp like '2023-11-16 18:17:03.9799600', got ${quoteInput(raw)}`;
    if (text.length < 19 || text[4] !== '-' || text[7] !== '-' || (text[10] !== ' ' && text[10] !== 'T') || text[13] !== ':' || text[16] !== ':') {
        return fail();
    }
    const second = digits(text, 17, 2);
    if (second < 0)
        return fail();
    if (second > 59)
        return `no such time of day in ${quoteInput(raw)}`;
    // Trace rows are sorted, so most share their date, hour and minute with the row before: reuse them.
    if (!(cachedMinutePrefix !== '' && text.startsWith(cachedMinutePrefix))) {
        const year = digits(text, 0, 4);
        const month = digits(text, 5, 2);
        const day = digits(text, 8, 2);
        const hour = digits(text, 11, 2);
        const minute = digits(text, 14, 2);
        if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0)
            return fail();
        if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month))
            return `no such date in ${quoteInput(raw)}`;
        if (hour > 23 || minute > 59)
            return `no such time of day in ${quoteInput(raw)}`;
        cachedMinutePrefix = text.slice(0, 16);
        cachedMinuteS = daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60;
    }
    let i = 19;
    // Exact: whole µs from the first 6 fractional digits, then round half up on the next one.
    let micros = 0;
    if (text[i] === '.') {
        i++;
        const fracStart = i;
        while (i < text.length && isDigit(text.charCodeAt(i)))
            i++;
        const fracLength = i - fracStart;
        if (fracLength === 0 || fracLength > 9)
            return fail();
        for (let k = 0; k < 6; k++)
            micros = micros * 10 + (k < fracLength ? text.charCodeAt(fracStart + k) - 48 : 0);
        if (fracLength > 6 && text.charCodeAt(fracStart + 6) - 48 >= 5)
            micros++;
    }
    let offsetS = 0;
    if (text[i] === 'Z')
        i++;
    else if ((text[i] === '+' || text[i] === '-') && text[i + 3] === ':') {
        const offsetHours = digits(text, i + 1, 2);
        const offsetMinutes = digits(text, i + 4, 2);
        if (offsetHours < 0 || offsetMinutes < 0)
            return fail();
        offsetS = (text[i] === '-' ? -1 : 1) * (offsetHours * 3600 + offsetMinutes * 60);
        i += 6;
    }
    if (i !== text.length)
        return fail();
    const seconds = cachedMinuteS + second - offsetS;
    // ~1.7e15 µs for 2023: well inside the 2^53 range where doubles are exact integers. Years past 2255
    // are not (and no trace is from then): refuse them rather than lose the µs.
    const us = seconds * 1_000_000 + micros;
    if (!Number.isSafeInteger(us) || us < 0)
        return `${quoteInput(raw)} is outside 1970–2255, the range kept to the µs`;
    return us;
}
function isDigit(code) {
    return code >= 48 && code <= 57;
}
/** The n-digit decimal at text[start..], or -1 when any of those characters is not a digit. */
function digits(text, start, n) {
    let v = 0;
    for (let k = start; k < start + n; k++) {
        const c = text.charCodeAt(k);
        if (!isDigit(c))
            return -1;
        v = v * 10 + c - 48;
    }
    return v;
}
function isLeapYear(y) {
    return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}
function daysInMonth(y, month) {
    return [31, isLeapYear(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}
/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant, "chrono-Compatible Low-Level Date Algorithms"). */
function daysFromCivil(year, month, day) {
    const y = month <= 2 ? year - 1 : year;
    const era = Math.floor(y / 400);
    const yearOfEra = y - era * 400;
    const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
    const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
    return era * 146097 + dayOfEra - 719468;
}
