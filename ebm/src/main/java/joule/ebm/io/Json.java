package joule.ebm.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The small part of JSON that safetensors headers and config files need: parse an object, write
 * a value, quote a string. Parsing is strict (RFC 8259 values, no duplicate keys, nothing after the
 * object) and nests at most {@value #MAX_DEPTH} arrays and objects deep, so hostile input gives an
 * {@link IllegalArgumentException}, never a stack overflow.
 */
public final class Json {
    /** The deepest nesting of arrays and objects that {@link #parseObject} accepts. */
    public static final int MAX_DEPTH = 128;

    /** A JSON number (RFC 8259): no leading zeros, no lone '.', no '+' sign. */
    private static final String NUMBER = "-?(0|[1-9]\\d*)(\\.\\d+)?([eE][+-]?\\d+)?";

    private final String s;
    private int at;
    private int depth;

    private Json(String s) {
        this.s = s;
    }

    /** Parses a JSON object; values become String, Long, Double, Boolean, null, List or Map. */
    public static Map<String, Object> parseObject(String text) {
        if (text == null) {
            throw new IllegalArgumentException("Json.parseObject: text must not be null");
        }
        Json p = new Json(text);
        p.skip();
        if (p.peek() != '{') {
            throw p.error("expected '{'");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) p.value();
        p.skip();
        if (p.at != text.length()) {
            throw p.error("unexpected text after the object");
        }
        return m;
    }

    /**
     * {@code value} as JSON: a {@link Map} (keys as strings, in the map's order), a {@link List} or
     * {@code double[]}, a {@link String}, a {@link Number} (non-finite ones as {@code null}), a
     * {@link Boolean} or null. With {@code indent > 0}, maps nested less than {@code levels} deep are
     * written one entry per line, indented by {@code indent} spaces per level; everything else on one line.
     */
    public static String write(Object value, int indent, int levels) {
        StringBuilder b = new StringBuilder();
        write(b, value, indent, levels, 0);
        return b.toString();
    }

    private static void write(StringBuilder b, Object value, int indent, int levels, int depth) {
        switch (value) {
            case null -> b.append("null");
            case String s -> b.append(quote(s));
            case Double d when !Double.isFinite(d) -> b.append("null");
            case Float f when !Float.isFinite(f) -> b.append("null");
            case Number n -> b.append(n);
            case Boolean bool -> b.append(bool);
            case double[] a -> {
                b.append('[');
                for (int i = 0; i < a.length; i++) {
                    b.append(i > 0 ? ", " : "");
                    write(b, a[i], indent, levels, depth + 1);
                }
                b.append(']');
            }
            case List<?> l -> {
                b.append('[');
                for (int i = 0; i < l.size(); i++) {
                    b.append(i > 0 ? ", " : "");
                    write(b, l.get(i), indent, levels, depth + 1);
                }
                b.append(']');
            }
            case Map<?, ?> m -> {
                boolean lines = indent > 0 && depth < levels && !m.isEmpty();
                String pad = " ".repeat(indent * (depth + 1));
                b.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    b.append(first ? "" : ",").append(lines ? "\n" + pad : first ? "" : " ");
                    b.append(quote(String.valueOf(e.getKey()))).append(": ");
                    write(b, e.getValue(), indent, levels, depth + 1);
                    first = false;
                }
                b.append(lines ? "\n" + " ".repeat(indent * depth) : "").append('}');
            }
            default -> throw new IllegalArgumentException("Json.write: can't write a " + value.getClass().getName());
        }
    }

    /** {@code value} as a JSON string literal. */
    public static String quote(String value) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    private Object value() {
        skip();
        char c = peek();
        switch (c) {
            case '{' -> {
                enter();
                Map<String, Object> m = new LinkedHashMap<>();
                skip();
                if (peek() == '}') {
                    at++;
                    depth--;
                    return m;
                }
                while (true) {
                    skip();
                    if (peek() != '"') {
                        throw error("expected a key");
                    }
                    String key = string();
                    skip();
                    expect(':');
                    if (m.put(key, value()) != null) {
                        throw error("duplicate key '" + key + "'");
                    }
                    skip();
                    if (peek() == ',') {
                        at++;
                    } else {
                        expect('}');
                        depth--;
                        return m;
                    }
                }
            }
            case '[' -> {
                enter();
                List<Object> l = new ArrayList<>();
                skip();
                if (peek() == ']') {
                    at++;
                    depth--;
                    return l;
                }
                while (true) {
                    l.add(value());
                    skip();
                    if (peek() == ',') {
                        at++;
                    } else {
                        expect(']');
                        depth--;
                        return l;
                    }
                }
            }
            case '"' -> {
                return string();
            }
            default -> {
                if (s.startsWith("true", at)) {
                    at += 4;
                    return Boolean.TRUE;
                }
                if (s.startsWith("false", at)) {
                    at += 5;
                    return Boolean.FALSE;
                }
                if (s.startsWith("null", at)) {
                    at += 4;
                    return null;
                }
                return number();
            }
        }
    }

    private String string() {
        expect('"');
        StringBuilder b = new StringBuilder();
        while (true) {
            char c = next();
            if (c == '"') {
                return b.toString();
            }
            if (c != '\\') {
                b.append(c);
                continue;
            }
            char e = next();
            switch (e) {
                case '"', '\\', '/' -> b.append(e);
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case 't' -> b.append('\t');
                case 'u' -> {
                    if (at + 4 > s.length() || !s.substring(at, at + 4).matches("[0-9a-fA-F]{4}")) {
                        throw error("bad \\u escape");
                    }
                    b.append((char) Integer.parseInt(s.substring(at, at + 4), 16));
                    at += 4;
                }
                default -> throw error("bad escape \\" + e);
            }
        }
    }

    private Object number() {
        int start = at;
        while (at < s.length() && "+-0123456789.eE".indexOf(s.charAt(at)) >= 0) {
            at++;
        }
        String t = s.substring(start, at);
        if (t.isEmpty()) {
            throw error("unexpected character");
        }
        if (!t.matches(NUMBER)) {
            throw error("bad number '" + t + "'");
        }
        if (t.matches("-?\\d+")) {
            try {
                return Long.parseLong(t);
            } catch (NumberFormatException tooLong) {
                // beyond a long: read as a double below, like any other JSON number
            }
        }
        return Double.parseDouble(t);
    }

    private void enter() {
        if (++depth > MAX_DEPTH) {
            throw error("arrays and objects nested more than " + MAX_DEPTH + " deep");
        }
        at++;
    }

    private void skip() {
        while (at < s.length() && Character.isWhitespace(s.charAt(at))) {
            at++;
        }
    }

    private char peek() {
        if (at >= s.length()) {
            throw error("unexpected end");
        }
        return s.charAt(at);
    }

    private char next() {
        char c = peek();
        at++;
        return c;
    }

    private void expect(char c) {
        if (peek() != c) {
            throw error("expected '" + c + "'");
        }
        at++;
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException(what + " at character " + at);
    }
}
