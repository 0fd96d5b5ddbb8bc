package dev.dmaudit.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test that needs root and a kernel with audit: the one way to say so. It carries the JUnit tag
 * {@code live} ({@code make test-live} runs only these, {@code make test-unit} all others) and runs
 * only where {@link LiveCondition} finds root and audit; elsewhere it is skipped with the reason —
 * except under CI ({@code CI=true}), where a live test that cannot run fails instead.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag("live")
@ExtendWith(LiveCondition.class)
public @interface Live {
}
