import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import { decodeText, readTextFile } from '../../../sim/core/read-text.js';
import { expectInputError } from '../../util/expect-input-error.js';
const bytes = (s) => Buffer.from(s, 'utf8');
test('UTF-8 text is returned as is, with a byte-order mark dropped', () => {
    assert.equal(decodeText(bytes('a,b\n1,2\n'), 'f'), 'a,b\n1,2\n');
    assert.equal(decodeText(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes('x')]), 'f'), 'x');
});
test('gzip is decompressed only when the reader supports it, and named otherwise', () => {
    const gz = gzipSync('hello\n');
    assert.equal(decodeText(gz, 'f.gz', { gunzip: true }), 'hello\n');
    expectInputError(() => decodeText(gz, 'f.gz'), [{ code: 'compressed-input', file: 'f.gz', message: 'looks like gzip-compressed data, not text: decompress it first (gunzip -k f.gz)' }]);
    expectInputError(() => decodeText(gzipSync(gz), 'f.gz', { gunzip: true }), [{ code: 'compressed-input' }]);
});
test('xz, bzip2 and zip archives are named', () => {
    expectInputError(() => decodeText(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 1]), 'f'), [{ code: 'compressed-input', message: 'looks like xz-compressed data, not text: extract or decompress it first' }]);
    expectInputError(() => decodeText(bytes('BZh91AY'), 'f'), [{ code: 'compressed-input', message: 'looks like bzip2-compressed data, not text: extract or decompress it first' }]);
    expectInputError(() => decodeText(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0]), 'f'), [{ code: 'compressed-input', message: 'looks like zip-compressed data, not text: extract or decompress it first' }]);
});
test('UTF-16 (big-endian mark too), NUL bytes and broken UTF-8 are located errors', () => {
    expectInputError(() => decodeText(Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('\u0000a')]), 'f'), [{ code: 'utf16-input' }]);
    expectInputError(() => decodeText(bytes('line one\nline two\u0000\n'), 'f'), [{ code: 'binary-input', line: 2, message: 'holds a NUL byte (at byte 17): binary data, not text' }]);
    expectInputError(() => decodeText(Buffer.from([0x61, 0x0a, 0x0a, 0xc3, 0x28]), 'f'), [{ code: 'not-utf8', line: 3, message: 'is not UTF-8 text (invalid byte 0xc3 at byte 3); save it as UTF-8' }]);
});
test('a missing file and a folder are unreadable-file', () => {
    expectInputError(() => readTextFile('/no/such/file', 'x.csv'), [{ code: 'unreadable-file', file: 'x.csv', message: 'no such file' }]);
    expectInputError(() => readTextFile(mkdtempSync(`${tmpdir()}/duetsim-read-`), 'd'), [{ code: 'unreadable-file', message: 'is a folder, not a file' }]);
});
