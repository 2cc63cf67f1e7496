// Building DOM without HTML parsing: every text goes through textContent or an attribute setter, so untrusted
// strings (incident titles, usernames, emails, reasons) can never become markup: no HTML string is ever parsed.

const PROPS = new Set(['value', 'checked', 'disabled', 'hidden', 'selected', 'type', 'id', 'htmlFor', 'tabIndex', 'name', 'multiple']);

/**
 * h('button', {class: 'pf-v5-c-button pf-m-primary', on: {click: fn}, 'aria-label': '…'}, 'text', childNode, [more])
 * Attributes go through setAttribute (never 'style' or on* handlers); children are nodes or text.
 */
export function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    if (attrs) {
        for (const [k, v] of Object.entries(attrs)) {
            if (v === undefined || v === null || v === false) {
                continue;
            }
            if (k === 'on') {
                for (const [ev, fn] of Object.entries(v)) {
                    el.addEventListener(ev, fn);
                }
            } else if (k === 'class') {
                el.className = v;
            } else if (k === 'text') {
                el.textContent = String(v);
            } else if (k === 'style' || k.startsWith('on')) {
                throw new Error('inline style and handlers are not allowed: ' + k);
            } else if (PROPS.has(k)) {
                el[k] = v;
            } else {
                el.setAttribute(k, v === true ? '' : String(v));
            }
        }
    }
    append(el, children);
    return el;
}

export function append(el, children) {
    for (const c of children.flat(Infinity)) {
        if (c === undefined || c === null || c === false) {
            continue;
        }
        el.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return el;
}

/** Replaces the element's children. */
export function fill(el, ...children) {
    el.replaceChildren();
    return append(el, children);
}

let idSeq = 0;
export function uid(prefix) {
    idSeq += 1;
    return (prefix || 'br') + '-' + idSeq;
}

/** Sets the width of a bar (CSSOM property, allowed by the style-src 'self' policy; no style attribute). */
export function setWidth(el, percent) {
    el.style.width = Math.max(0, Math.min(100, percent)) + '%';
}

/** Downloads a Blob under a file name, through a temporary object URL. */
export function download(blob, fileName) {
    const url = URL.createObjectURL(blob);
    const a = h('a', {href: url, download: fileName, class: 'pf-v5-screen-reader'});
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
}
