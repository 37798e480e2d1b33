/**
 * A name for legends and labels: a value given as a path (a model, hardware, trace or cluster YAML,
 * a results file) is shown by its file name without the extension; bundled names pass unchanged.
 * The settings header still shows the full value.
 */
export function shortName(value) {
    if (!/[\\/]/.test(value) && !/\.(ya?ml|jsonl?|csv|gz)$/i.test(value))
        return value;
    const base = value.split(/[\\/]/).filter((p) => p !== '').pop() ?? value;
    return base.replace(/\.(ya?ml|jsonl?|csv)(\.gz)?$/i, '') || value;
}
