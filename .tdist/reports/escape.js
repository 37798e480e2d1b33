/**
 * Escaping for everything the report embeds. Trace names, config values and study names are user
 * input and end up in the page; a value such as `</script><script>…` must stay text.
 */
/** Text for element content or a double-quoted attribute. */
export function escapeHtml(text) {
    return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
/**
 * JSON for a `<script type="application/json">` block. `<`, `>` and `&` become \u escapes so no
 * `</script>` or `<!--` can form; U+2028/2029 are escaped too, since older JS parsers end a line
 * there. JSON.parse reads the escapes back as the same characters.
 */
export function jsonForScript(value) {
    return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
/**
 * Checks that third-party code can sit inside a `<script>` element unchanged. Rewriting minified code
 * to escape such sequences could change what it does, so a bundle that has one is refused instead.
 */
export function assertScriptSafe(code, what) {
    const bad = /<\/script|<!--/i.exec(code);
    if (bad !== null)
        throw new Error(`${what} contains '${bad[0]}' at offset ${bad.index}, which would end an inline <script>; it cannot be inlined`);
    return code;
}
