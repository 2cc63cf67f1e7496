// Splits a vendor's list into parts the API accepts (docs/api.md: at most maxSubjects entries and maxBodyBytes
// bytes per request), by lines: a CSV part repeats the header line, an NDJSON part is a run of lines, a JSON
// envelope {"subjects": [...]} becomes several envelopes. A file within the caps is sent as it is. Each part's
// idempotency key is derived from the SHA-256 of its bytes (crypto.subtle), so loading the same file again
// returns the same jobs instead of new ones.

const MARGIN = 4096;

export function kindOf(fileName, text) {
    const name = fileName.toLowerCase();
    if (name.endsWith('.csv') || name.endsWith('.txt')) {
        return 'csv';
    }
    if (name.endsWith('.ndjson') || name.endsWith('.jsonl')) {
        return 'ndjson';
    }
    if (name.endsWith('.json')) {
        return 'json';
    }
    const first = text.replace(/^\uFEFF/, '').trimStart();
    if (first.startsWith('{')) {
        const line = first.split(/\r?\n/, 1)[0].trim();
        return line.endsWith('}') && !/"subjects"\s*:/.test(line) ? 'ndjson' : 'json';
    }
    return 'csv';
}

export const CONTENT_TYPES = {
    csv: 'text/csv; charset=utf-8',
    ndjson: 'application/x-ndjson; charset=utf-8',
    json: 'application/json; charset=utf-8'
};

const encoder = new TextEncoder();

function size(s) {
    return encoder.encode(s).length;
}

/**
 * @returns {{kind, parts: [{bytes: Uint8Array, subjects: number}], subjects: number}}
 * @throws Error with a message key (upload.error.*) when the file cannot be read as its kind
 */
export function split(text, bytes, kind, limits) {
    const maxBytes = Math.max(1024, limits.maxBodyBytes - MARGIN);
    const maxSubjects = limits.maxSubjects;
    if (kind === 'json') {
        return splitJson(text, bytes, maxBytes, maxSubjects);
    }
    const body = text.replace(/^\uFEFF/, '');
    const lines = body.split(/\r?\n/);
    let header = null;
    if (kind === 'csv') {
        while (lines.length && lines[0].trim() === '') {
            lines.shift();
        }
        header = lines.shift();
        if (header === undefined || header.trim() === '') {
            throw new Error('upload.error.noHeader');
        }
    }
    const data = lines.filter((l) => l.trim() !== '');
    if (data.length === 0) {
        throw new Error('upload.error.empty');
    }
    if (bytes.length <= maxBytes && data.length <= maxSubjects) {
        return {kind, parts: [{bytes, subjects: data.length}], subjects: data.length};
    }
    const parts = [];
    const headerSize = header === null ? 0 : size(header) + 1;
    let current = [];
    let currentSize = headerSize;
    const flush = () => {
        if (current.length) {
            const textPart = (header === null ? '' : header + '\n') + current.join('\n') + '\n';
            parts.push({bytes: encoder.encode(textPart), subjects: current.length});
            current = [];
            currentSize = headerSize;
        }
    };
    for (const line of data) {
        const s = size(line) + 1;
        if (headerSize + s > maxBytes) {
            throw new Error('upload.error.lineTooLong');
        }
        if (current.length >= maxSubjects || currentSize + s > maxBytes) {
            flush();
        }
        current.push(line);
        currentSize += s;
    }
    flush();
    return {kind, parts, subjects: data.length};
}

function splitJson(text, bytes, maxBytes, maxSubjects) {
    let doc;
    try {
        doc = JSON.parse(text.replace(/^\uFEFF/, ''));
    } catch (e) {
        throw new Error('upload.error.json');
    }
    const subjects = Array.isArray(doc) ? doc : doc && Array.isArray(doc.subjects) ? doc.subjects : null;
    if (!subjects) {
        throw new Error('upload.error.json');
    }
    if (subjects.length === 0) {
        throw new Error('upload.error.empty');
    }
    if (!Array.isArray(doc) && bytes.length <= maxBytes && subjects.length <= maxSubjects) {
        return {kind: 'json', parts: [{bytes, subjects: subjects.length}], subjects: subjects.length};
    }
    const parts = [];
    let current = [];
    let currentSize = 20;
    const flush = () => {
        if (current.length) {
            parts.push({bytes: encoder.encode('{"subjects":[' + current.join(',') + ']}'), subjects: current.length});
            current = [];
            currentSize = 20;
        }
    };
    for (const s of subjects) {
        const item = JSON.stringify(s);
        const n = size(item) + 1;
        if (current.length >= maxSubjects || currentSize + n > maxBytes) {
            flush();
        }
        current.push(item);
        currentSize += n;
    }
    flush();
    return {kind: 'json', parts, subjects: subjects.length};
}

/** Lower-case hex SHA-256 of the bytes (Web Crypto; needs a secure context: HTTPS or localhost). */
export async function sha256Hex(bytes) {
    if (!globalThis.crypto || !crypto.subtle) {
        throw new Error('upload.error.noCrypto');
    }
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
    return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The Idempotency-Key of one part: the part's SHA-256, prefixed with the incident and, for the dry run, "dry-run",
 * because the server also binds a key to the incident and the dryRun parameter (the same key for the dry run and
 * the real run would be refused with 422).
 */
export function idempotencyKey(incidentId, hex, dryRun) {
    return incidentId + ':' + (dryRun ? 'dry-run:' : '') + hex;
}
