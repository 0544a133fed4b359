package io.histoscale.core;

/** Text put into HTML: the one escaper for pages and reports. */
public final class Html {

    private Html() {
    }

    /** {@code text} safe inside an element or a quoted attribute ({@code < > & " '} escaped). */
    public static String escape(String text) {
        StringBuilder b = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
