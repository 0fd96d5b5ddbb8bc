package dev.dmaudit.sink;


import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SanitizeTest {
    @Test
    void plainTextIsUnchanged() {
        assertThat(Sanitize.visible("integritysetup /dev/loop0 é")).isEqualTo("integritysetup /dev/loop0 é");
    }

    @Test
    void controlsEscapesAndBidiBecomeVisible() {
        assertThat(Sanitize.visible("a\u001b[2Jb\nc\rd\te\u007f\u009b\u202e"))
                .isEqualTo("a\\x1b[2Jb\\x0ac\\x0dd\\x09e\\x7f\\x9b\\u202e");
        assertThat(Sanitize.visible("back\\slash")).isEqualTo("back\\\\slash");
        assertThat(Sanitize.visible(null)).isEmpty();
        // Every bidi formatting character of the Trojan Source list (CVE-2021-42574).
        assertThat(Sanitize.visible("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))
                .isEqualTo("\\u061c\\u200e\\u200f\\u202a\\u202b\\u202c\\u202d\\u202e\\u2066\\u2067\\u2068\\u2069");
    }

    @Test
    void zeroWidthCharactersBecomeVisible() {
        // They hide text or make two names look alike on a terminal (issue 18).
        assertThat(Sanitize.visible("a\u200bb\u200cc\u200dd\u2060e\ufefff"))
                .isEqualTo("a\\u200bb\\u200cc\\u200dd\\u2060e\\ufefff");
        assertThat(Sanitize.visible("\u200a\u2010")).as("neighbours that print (hair space, hyphen)").isEqualTo("\u200a\u2010");
    }
}
