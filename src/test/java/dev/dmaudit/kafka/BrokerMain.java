package dev.dmaudit.kafka;

import java.io.IOException;

/**
 * The broker child JVM's main: Kafka's own {@code kafka.Kafka}, plus a watchdog that ends the
 * broker when its parent (the test JVM) is gone, so that a killed test run leaves no broker behind.
 * The parent holds the child's stdin open; end of file there means the parent died.
 */
public final class BrokerMain {
    private BrokerMain() {
    }

    public static void main(String[] args) throws Exception {
        Thread watchdog = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // the parent never writes; it only keeps the pipe open
                }
            } catch (IOException e) {
                // the pipe broke: the same as end of file
            }
            Runtime.getRuntime().halt(3); // a scratch broker: nothing to save
        }, "parent-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        kafka.Kafka.main(args);
    }
}
