// Message bundles (messages/{en,de,fr,es,ja}.json): the language comes from ?lang= (kept for the tab across the
// sign-in redirect), else the browser's languages, else English; a key missing in a bundle falls back to English.

export const LANGUAGES = ['en', 'de', 'fr', 'es', 'ja'];

let messages = {};
let english = {};
let current = 'en';

function choose() {
    const asked = new URLSearchParams(location.search).get('lang');
    if (asked && LANGUAGES.includes(asked)) {
        sessionStorage.setItem('br.lang', asked);
        return asked;
    }
    const kept = sessionStorage.getItem('br.lang');
    if (kept && LANGUAGES.includes(kept)) {
        return kept;
    }
    for (const l of navigator.languages || [navigator.language || 'en']) {
        const base = String(l).toLowerCase().split('-')[0];
        if (LANGUAGES.includes(base)) {
            return base;
        }
    }
    return 'en';
}

async function fetchBundle(lang) {
    const r = await fetch('messages/' + lang + '.json', {credentials: 'omit'});
    if (!r.ok) {
        throw new Error('messages ' + lang + ': ' + r.status);
    }
    return r.json();
}

export async function loadMessages() {
    current = choose();
    english = await fetchBundle('en');
    messages = current === 'en' ? english : await fetchBundle(current).catch(() => english);
    document.documentElement.lang = current;
    return current;
}

/** Whether ?lang= named the language (then the sign-in page is asked for it too). */
export function askedLanguage() {
    return sessionStorage.getItem('br.lang');
}

export function language() {
    return current;
}

/** The text of key, with {name} placeholders filled from params (numbers formatted for the language). */
export function t(key, params) {
    let s = Object.prototype.hasOwnProperty.call(messages, key) ? messages[key]
        : Object.prototype.hasOwnProperty.call(english, key) ? english[key] : key;
    if (params) {
        s = s.replace(/\{(\w+)\}/g, (m, name) => {
            if (!Object.prototype.hasOwnProperty.call(params, name)) {
                return m;
            }
            const v = params[name];
            return typeof v === 'number' ? num(v) : String(v);
        });
    }
    return s;
}

export function num(n) {
    return new Intl.NumberFormat(current).format(n);
}

export function percent(p) {
    return new Intl.NumberFormat(current, {maximumFractionDigits: 1}).format(p) + '\u00a0%';
}

/** An ISO-8601 time or epoch milliseconds as a short local date and time; an em dash for none. */
export function time(v) {
    if (v === null || v === undefined || v === '') {
        return '\u2014';
    }
    const d = typeof v === 'number' ? new Date(v) : new Date(String(v));
    if (Number.isNaN(d.getTime())) {
        return '\u2014';
    }
    return new Intl.DateTimeFormat(current, {dateStyle: 'medium', timeStyle: 'short'}).format(d);
}
