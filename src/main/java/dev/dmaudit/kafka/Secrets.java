package dev.dmaudit.kafka;

import java.util.Locale;
import java.util.Properties;

/** Which client settings are secrets, and keeping their values out of every message we print. */
final class Secrets {
    private Secrets() {
    }

    /**
     * @param key a client setting's name
     * @return true for passwords, keys, JAAS configurations, tokens and the like
     */
    static boolean isSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.equals("sasl.jaas.config") || k.contains("password") || k.contains("secret") || k.contains("token")
                || k.contains("credential") || k.endsWith(".key") || k.contains("private");
    }

    /**
     * @param text   a message that may quote settings (a client's exception)
     * @param config the settings
     * @return the text with every secret setting's value (of 4 characters or more) replaced by [hidden]
     */
    static String redact(String text, Properties config) {
        String out = text == null ? "" : text;
        for (String k : config.stringPropertyNames()) {
            String v = config.getProperty(k);
            if (isSecret(k) && v != null && v.length() >= 4) {
                out = out.replace(v, "[hidden]");
            }
        }
        return out;
    }
}
