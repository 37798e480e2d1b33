import { inflateSync } from 'node:zlib';
/**
 * Decodes the PNGs chromium's --screenshot writes (8-bit RGB or RGBA, not interlaced), so browser tests
 * can look at pixels without an image library. Anything else is refused with what it was.
 */
export function decodePng(buf) {
    if (buf.readUInt32BE(0) !== 0x89504e47)
        throw new Error('not a PNG');
    let pos = 8;
    let width = 0;
    let height = 0;
    let channels = 0;
    const idat = [];
    while (pos < buf.length) {
        const len = buf.readUInt32BE(pos);
        const type = buf.toString('latin1', pos + 4, pos + 8);
        const body = buf.subarray(pos + 8, pos + 8 + len);
        if (type === 'IHDR') {
            width = body.readUInt32BE(0);
            height = body.readUInt32BE(4);
            const [depth, color, , , interlace] = [body[8], body[9], body[10], body[11], body[12]];
            channels = color === 6 ? 4 : color === 2 ? 3 : 0;
            if (depth !== 8 || channels === 0 || interlace !== 0)
                throw new Error(`unsupported PNG: depth ${depth}, colour type ${color}, interlace ${interlace}`);
        }
        else if (type === 'IDAT')
            idat.push(body);
        else if (type === 'IEND')
            break;
        pos += 12 + len;
    }
    const raw = inflateSync(Buffer.concat(idat));
    const stride = width * channels;
    const out = new Uint8Array(width * height * 4);
    let prev = new Uint8Array(stride);
    for (let y = 0; y < height; y++) {
        const filter = raw[y * (stride + 1)];
        const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
        const cur = new Uint8Array(stride);
        for (let i = 0; i < stride; i++) {
            const a = i >= channels ? cur[i - channels] : 0;
            const b = prev[i];
            const c = i >= channels ? prev[i - channels] : 0;
            const x = line[i];
            let v;
            if (filter === 0)
                v = x;
            else if (filter === 1)
                v = x + a;
            else if (filter === 2)
                v = x + b;
            else if (filter === 3)
                v = x + ((a + b) >> 1);
            else if (filter === 4) {
                const p = a + b - c;
                const pa = Math.abs(p - a);
                const pb = Math.abs(p - b);
                const pc = Math.abs(p - c);
                v = x + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
            }
            else
                throw new Error(`bad PNG filter ${filter} on row ${y}`);
            cur[i] = v & 0xff;
        }
        for (let px = 0; px < width; px++) {
            const o = (y * width + px) * 4;
            out[o] = cur[px * channels];
            out[o + 1] = cur[px * channels + 1];
            out[o + 2] = cur[px * channels + 2];
            out[o + 3] = channels === 4 ? cur[px * channels + 3] : 255;
        }
        prev = cur;
    }
    return { width, height, rgba: out };
}
