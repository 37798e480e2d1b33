import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { inputError } from './input-error.js';
/** Magic numbers of the compressed and archive formats people hand to a tool by mistake. */
const MAGIC = [
    { bytes: [0x1f, 0x8b], name: 'gzip' },
    { bytes: [0x28, 0xb5, 0x2f, 0xfd], name: 'zstd' },
    { bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], name: 'xz' },
    { bytes: [0x42, 0x5a, 0x68], name: 'bzip2' },
    { bytes: [0x50, 0x4b, 0x03, 0x04], name: 'zip' },
];
const utf8 = new TextDecoder('utf-8', { fatal: true });
/** Reads `path` as text; `shown` names it in errors (the path as the user gave it). */
export function readTextFile(path, shown, opts = {}) {
    let bytes;
    try {
        bytes = readFileSync(path);
    }
    catch (e) {
        const code = e.code;
        const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, not a file' : `cannot read (${e.message})`;
        throw inputError('unreadable-file', shown, 0, '', reason);
    }
    return decodeText(bytes, shown, opts);
}
/** The bytes of a file as text, or an InputError saying what they look like instead. */
export function decodeText(bytes, shown, opts = {}) {
    const magic = MAGIC.find((m) => m.bytes.length <= bytes.length && m.bytes.every((b, i) => bytes[i] === b));
    if (magic?.name === 'gzip' && opts.gunzip) {
        let inflated;
        try {
            inflated = gunzipSync(bytes);
        }
        catch (e) {
            throw inputError('bad-gzip', shown, 0, '', `looks like gzip but does not decompress (${e.message}); is it truncated?`);
        }
        return decodeText(inflated, shown, {});
    }
    if (magic !== undefined) {
        const hint = magic.name === 'gzip' ? `decompress it first (gunzip -k ${shown})` : `extract or decompress it first`;
        throw inputError('compressed-input', shown, 0, '', `looks like ${magic.name}-compressed data, not text: ${hint}`);
    }
    if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
        throw inputError('utf16-input', shown, 0, '', 'looks like UTF-16 text (it starts with a UTF-16 byte-order mark); save it as UTF-8');
    }
    const nul = bytes.indexOf(0);
    if (nul >= 0) {
        const line = lineOf(bytes, nul);
        // UTF-16 without a mark: every other byte of ASCII text is 0.
        const utf16 = bytes.length >= 4 && (bytes[1] === 0 || bytes[0] === 0) && (bytes[3] === 0 || bytes[2] === 0);
        throw inputError('binary-input', shown, line, '', utf16 ? 'looks like UTF-16 text (NUL bytes between characters); save it as UTF-8' : `holds a NUL byte (at byte ${nul}): binary data, not text`);
    }
    let text;
    try {
        text = utf8.decode(bytes);
    }
    catch {
        const bad = firstInvalidUtf8(bytes);
        throw inputError('not-utf8', shown, lineOf(bytes, bad), '', `is not UTF-8 text (invalid byte 0x${bytes[bad].toString(16).padStart(2, '0')} at byte ${bad}); save it as UTF-8`);
    }
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
function lineOf(bytes, offset) {
    let line = 1;
    for (let i = 0; i < offset; i++)
        if (bytes[i] === 0x0a)
            line++;
    return line;
}
/** The offset of the first byte that breaks UTF-8 (only called once decoding failed). */
function firstInvalidUtf8(bytes) {
    let i = 0;
    while (i < bytes.length) {
        const b = bytes[i];
        const n = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
        if (n < 0)
            return i;
        for (let k = 1; k <= n; k++)
            if (i + k >= bytes.length || (bytes[i + k] & 0xc0) !== 0x80)
                return i;
        i += n + 1;
    }
    return Math.max(0, bytes.length - 1);
}
