package dev.dmaudit.os;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CapabilitiesTest {
    @Test
    void parsesCapEff() {
        Capabilities root = Capabilities.parse("000001ffffffffff");
        assertThat(root.has(Capabilities.CAP_AUDIT_READ)).isTrue();
        assertThat(root.has(Capabilities.CAP_AUDIT_CONTROL)).isTrue();
        Capabilities readOnly = Capabilities.parse("0000002000000000");
        assertThat(readOnly.has(Capabilities.CAP_AUDIT_READ)).isTrue();
        assertThat(readOnly.has(Capabilities.CAP_AUDIT_CONTROL)).isFalse();
        assertThat(Capabilities.parse(null).known()).isFalse();
        assertThat(Capabilities.parse("zz").has(Capabilities.CAP_AUDIT_READ)).isFalse();
        assertThat(Capabilities.current().known()).isTrue();
    }
}
