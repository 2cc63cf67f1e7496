package dev.breachresponse.keycloak.console;

import java.util.Map;

/**
 * Renders the console's {@code index.html}: the template's {@code {{name}}} placeholders (only inside attribute
 * values) become the realm, client id, server base URL and PatternFly stylesheet URL, HTML-escaped (OWASP XSS
 * prevention rule 2: {@code & < > " '} as character references), so a realm name cannot break out of its attribute.
 */
final class IndexPage {

    private IndexPage() {
    }

    /**
     * @param values placeholder name → raw value; every {@code {{name}}} of the template must have one
     * @throws IllegalStateException when the template names a placeholder without a value
     */
    static String render(String template, Map<String, String> values) {
        StringBuilder out = new StringBuilder(template.length() + 256);
        int i = 0;
        while (true) {
            int open = template.indexOf("{{", i);
            if (open < 0) {
                out.append(template, i, template.length());
                return out.toString();
            }
            int close = template.indexOf("}}", open);
            if (close < 0) {
                throw new IllegalStateException("unclosed placeholder in the console template");
            }
            String name = template.substring(open + 2, close);
            String value = values.get(name);
            if (value == null) {
                throw new IllegalStateException("no value for placeholder " + name);
            }
            out.append(template, i, open).append(escape(value));
            i = close + 2;
        }
    }

    /** Escapes text for an HTML attribute value in double quotes, or for element content. */
    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
