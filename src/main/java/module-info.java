/**
 * dmaudit: live device-mapper audit events (AUDIT_DM_CTRL 1338, AUDIT_DM_EVENT 1339) from the
 * Linux kernel. Embedders use {@link dev.dmaudit.api.DmAuditListener} (live) or
 * {@link dev.dmaudit.api.AuditLogDecoder} (audit.log text).
 *
 * <p>Exported is what an embedder touches: the API ({@code api}), the events it delivers and the
 * pipeline's stage and sink seams ({@code event}), the decoded records those events hold
 * ({@code record}) and their interpretation ({@code record.interpret}), where a failing sector
 * lies ({@code locate}), and the Kafka sink ({@code kafka}, usable when kafka-clients and
 * jackson-core are present). The transport ({@code netlink}), the operating-system layer ({@code os}: libc,
 * errno, capabilities, the native-library directory), the tool wrappers ({@code dm}), the outputs
 * ({@code sink}) and the command line ({@code cli}) are this module's own.
 */
module dev.dmaudit {
    requires com.sun.jna;
    // Static: only the CLI (cli, sink's JSON writer) needs them; an embedder's module graph may lack them.
    requires static com.fasterxml.jackson.core;
    requires static info.picocli;
    // Static too: only listen --metrics (the metrics package) uses the Prometheus client.
    requires static io.prometheus.metrics.core;
    requires static io.prometheus.metrics.model;
    requires static io.prometheus.metrics.exporter.httpserver;
    // Static: only the history (listen --history, report, check, ack) uses SQLite.
    requires static java.sql;
    requires static org.xerial.sqlitejdbc;
    // Static too: only the Kafka sink (dev.dmaudit.kafka) needs the client.
    requires static kafka.clients;
    requires jdk.unsupported; // sun.misc.Signal: SIGINT/SIGTERM as a normal end of `listen`

    exports dev.dmaudit.api;
    exports dev.dmaudit.event;
    exports dev.dmaudit.record;
    exports dev.dmaudit.record.interpret;
    exports dev.dmaudit.locate;
    exports dev.dmaudit.kafka;

    // JNA direct mapping registers native methods reflectively.
    opens dev.dmaudit.os to com.sun.jna;

    // picocli fills @Option fields reflectively.
    opens dev.dmaudit.cli to info.picocli;
}
