package dev.dmaudit.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dmaudit.event.Event;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The RFC 5424 message, its escaping and RFC 6587 framing, against the RFCs' own examples. */
class SyslogFormatTest {
    private static final SyslogFormat DAEMON = new SyslogFormat(3, "host.example.com", SyslogFormat.DEFAULT_SD_ID, 4242, 8192);

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void paramValueEscapesQuoteBackslashAndBracketOnly() {
        // RFC 5424 6.3.3: '"', '\' and ']' MUST be escaped; its example is  foo"bar  ->  foo\"bar
        StringBuilder b = new StringBuilder();
        SyslogFormat.escapeParamValue(b, "foo\"bar");
        assertThat(b).hasToString("foo\\\"bar");
        b.setLength(0);
        SyslogFormat.escapeParamValue(b, SyslogTestEvents.HOSTILE);
        assertThat(b).hasToString("x\\\"y\\]z\\\\w[v=u");
    }

    @Test
    void aCorruptionIsOneRfc5424MessageWithStructuredData() {
        Event e = SyslogTestEvents.data(15, "vault");
        String m = text(DAEMON.format(e).bytes());
        // Shaped as RFC 5424 6.5 example 3:
        // <165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" ...] MSG
        assertThat(m).isEqualTo("<27>1 2026-11-28T04:04:49.008Z host.example.com dmaudit 4242 dm_data"
                + " [dmaudit@32473 kind=\"dm_data\" serial=\"15\" device=\"254:0\" device_name=\"vault\" module=\"integrity\""
                + " op=\"integrity-checksum\" sector=\"15\" result=\"failed\"] "
                + "2026-11-28T04:04:49.008Z vault (254:0) integrity/integrity-checksum sector=15 FAILED serial=15");
    }

    @Test
    void hostileValuesAreEscapedInsideTheStructuredData() {
        Event e = SyslogTestEvents.control(18, true, SyslogTestEvents.HOSTILE, "/usr/sbin/" + SyslogTestEvents.HOSTILE);
        String m = text(DAEMON.format(e.withDm(e.dm().withDeviceName(SyslogTestEvents.HOSTILE))).bytes());
        // the value is the text line's (Sanitize doubles the backslash), then RFC 5424 escaping
        String escaped = "x\\\"y\\]z\\\\\\\\w[v=u";
        assertThat(m).startsWith("<30>1 2026-11-28T04:04:54.300Z host.example.com dmaudit 4242 dm_control [dmaudit@32473 ")
                .contains(" device_name=\"" + escaped + "\"", " comm=\"" + escaped + "\"", " exe=\"/usr/sbin/" + escaped + "\"",
                        " result=\"ok\"", " pid=\"293\"", " uid=\"0\"")
                .doesNotContain("auid=");
        // exactly one unescaped ']' closes the element: the SD ends where the MSG begins
        int end = sdEnd(m);
        assertThat(m.substring(end)).startsWith("] 2026-11-28T04:04:54.300Z ");
    }

    /** Index of the first ']' not escaped by a backslash. */
    static int sdEnd(String m) {
        for (int i = m.indexOf('['); i < m.length(); i++) {
            if (m.charAt(i) == '\\') {
                i++;
            } else if (m.charAt(i) == ']') {
                return i;
            }
        }
        return -1;
    }

    @Test
    void severityFollowsWhatHappened() {
        assertThat(SyslogFormat.severity(SyslogTestEvents.data(1, null))).isEqualTo(3); // err
        assertThat(SyslogFormat.severity(SyslogTestEvents.control(2, true, "dmsetup", "/usr/sbin/dmsetup"))).isEqualTo(6);
        assertThat(SyslogFormat.severity(SyslogTestEvents.control(3, false, "dmsetup", "/usr/sbin/dmsetup"))).isEqualTo(4);
        assertThat(SyslogFormat.severity(SyslogTestEvents.event(
                "type=DM_EVENT msg=audit(1795838689.008:4): module=verity op=max-corrupted-errors dev=254:1 sector=? res=0", null)))
                .isEqualTo(2); // crit
        assertThat(text(new SyslogFormat(16, "h", "x@1", 1, 480).format(SyslogTestEvents.data(1, null)).bytes()))
                .startsWith("<131>1 "); // local0 (16) * 8 + err (3)
    }

    @Test
    void utf8MsgStartsWithABomAndAsciiGoesPlain() {
        byte[] ascii = DAEMON.format(SyslogTestEvents.data(1, "plain")).bytes();
        assertThat(indexOf(ascii, new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf})).isNegative();
        byte[] utf8 = DAEMON.format(SyslogTestEvents.data(1, "données")).bytes();
        String s = text(utf8);
        int msg = sdEnd(s) + 2; // "] " then MSG
        assertThat(Arrays.copyOfRange(utf8, s.substring(0, msg).getBytes(StandardCharsets.UTF_8).length,
                s.substring(0, msg).getBytes(StandardCharsets.UTF_8).length + 3))
                .containsExactly(0xef, 0xbb, 0xbf); // RFC 5424 6.4: MSG-UTF8 = BOM UTF-8-STRING
        assertThat(s).contains("device_name=\"données\"").endsWith("données (254:0) integrity/integrity-checksum sector=1 FAILED serial=1");
    }

    @Test
    void octetCountingPrefixesTheByteLength() {
        // RFC 6587 3.4.1: SYSLOG-FRAME = MSG-LEN SP SYSLOG-MSG, MSG-LEN in octets
        byte[] msg = "<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - \u00e9".getBytes(StandardCharsets.UTF_8);
        assertThat(text(SyslogFormat.octetCounted(msg))).isEqualTo(msg.length + " " + text(msg));
        assertThat(msg.length).isEqualTo(67); // the é is two octets
    }

    @Test
    void longMessagesAreCutOnACharacterBoundaryAndSaySo() throws java.nio.charset.CharacterCodingException {
        SyslogFormat small = new SyslogFormat(3, "h", SyslogFormat.DEFAULT_SD_ID, 1, 480);
        String longExe = "/opt/" + "é".repeat(300);
        SyslogFormat.Message m = small.format(SyslogTestEvents.control(9, true, "dmsetup", longExe));
        assertThat(m.truncated()).isTrue();
        assertThat(m.bytes().length).isLessThanOrEqualTo(480);
        // a whole SD element still, since the SD alone was too long: kind, serial and device only
        assertThat(text(m.bytes())).contains("[dmaudit@32473 kind=\"dm_control\" serial=\"9\" device=\"254:0\"] ");
        assertThat(StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(m.bytes())).toString())
                .isEqualTo(text(m.bytes())); // valid UTF-8: no character cut in half (decode throws otherwise)
        SyslogFormat.Message fits = DAEMON.format(SyslogTestEvents.control(9, true, "dmsetup", longExe));
        assertThat(fits.truncated()).isFalse();
        assertThat(text(fits.bytes())).contains(" exe=\"" + longExe + "\"").endsWith(" serial=9");
    }

    @Test
    void sdIdAndFacilityAreChecked() {
        assertThat(SyslogFormat.checkSdId("dmaudit@32473")).isNull();
        assertThat(SyslogFormat.checkSdId("dmaudit@1.2.3")).isNull();
        assertThat(SyslogFormat.checkSdId("origin")).contains("NAME@"); // IANA's own names have no @
        assertThat(SyslogFormat.checkSdId("dm audit@1")).isNotNull();
        assertThat(SyslogFormat.checkSdId("dm\"audit@1")).isNotNull();
        assertThat(SyslogFormat.checkSdId("dmaudit@x")).isNotNull();
        assertThat(SyslogFormat.facility("daemon")).isEqualTo(3);
        assertThat(SyslogFormat.facility("LOCAL7")).isEqualTo(23);
        assertThat(SyslogFormat.facility("10")).isEqualTo(10);
        assertThat(SyslogFormat.facility("24")).isEqualTo(-1);
        assertThat(SyslogFormat.facility("daemons")).isEqualTo(-1);
    }

    @Test
    void addressesParseAndMalformedOnesSayWhy() {
        assertThat(SyslogAddress.parse("tcp://127.0.0.1:514")).isEqualTo(new SyslogAddress(SyslogAddress.Transport.TCP, "127.0.0.1", 514));
        assertThat(SyslogAddress.parse("TLS://logs.example.com:6514").transport()).isEqualTo(SyslogAddress.Transport.TLS);
        assertThat(SyslogAddress.parse("udp://[::1]:514")).isEqualTo(new SyslogAddress(SyslogAddress.Transport.UDP, "::1", 514));
        assertThat(SyslogAddress.parse("udp://[::1]:514")).hasToString("udp://[::1]:514");
        for (String bad : new String[] {"127.0.0.1:514", "http://h:1", "tcp://h", "tcp://h:0", "tcp://h:70000", "tcp://h:514/x",
            "tcp://u@h:514", "tcp://h:514?x", "tcp://:514", "tcp:// h:1"}) {
            assertThatThrownBy(() -> SyslogAddress.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("udp://HOST:PORT");
        }
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
